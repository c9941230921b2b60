"""The authorizer process (emulator/authorizer/main.ts, Node): started with the emulator, asked one
line of JSON per request, answered in order. Policy evaluation is not written here: it is
@cloud-copilot/iam-simulate's (docs/decisions/0011-emulator-authorization.md)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import threading
from pathlib import Path
from typing import Any

# emulator/: `--import tsx` resolves from here (the repository's node_modules, or the image's own).
EMULATOR_DIR = Path(__file__).resolve().parents[2]
COMMAND = ["node", "--import", "tsx", "authorizer/main.ts"]


class AuthorizerUnavailable(RuntimeError):
    pass


class Sidecar:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None
        self._next = 0

    def _command(self) -> list[str]:
        override = os.environ.get("FAILBACK_EMULATOR_AUTHORIZER")
        return shlex.split(override) if override else COMMAND

    def start(self) -> None:
        with self._lock:
            self._start_locked()

    def _start_locked(self) -> None:
        if self._process is not None and self._process.poll() is None:
            return
        try:
            self._process = subprocess.Popen(
                self._command(),
                cwd=EMULATOR_DIR,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=None,  # the authorizer's own errors go to the emulator's log
                text=True,
                bufsize=1,
            )
        except OSError as error:
            raise AuthorizerUnavailable(f"cannot start the authorizer ({' '.join(self._command())}): {error}") from error
        ready = self._read()
        if not ready.get("ready"):
            raise AuthorizerUnavailable(f"the authorizer did not start: {ready}")

    def _read(self) -> dict[str, Any]:
        assert self._process is not None and self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            code = self._process.poll()
            self._process = None
            raise AuthorizerUnavailable(f"the authorizer stopped (exit code {code})")
        return json.loads(line)

    def decide(self, checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not checks:
            return []
        with self._lock:
            for attempt in (1, 2):  # one restart if it died: a crash must not stop the emulator
                try:
                    self._start_locked()
                    assert self._process is not None and self._process.stdin is not None
                    self._next += 1
                    self._process.stdin.write(json.dumps({"id": self._next, "checks": checks}) + "\n")
                    self._process.stdin.flush()
                    answer = self._read()
                    if answer.get("id") != self._next:
                        raise AuthorizerUnavailable(f"the authorizer answered out of order: {answer}")
                    return list(answer["decisions"])
                except (BrokenPipeError, AuthorizerUnavailable):
                    self._process = None
                    if attempt == 2:
                        raise
        raise AuthorizerUnavailable("unreachable")

    def stop(self) -> None:
        with self._lock:
            if self._process is not None and self._process.stdin is not None:
                self._process.stdin.close()
                try:
                    self._process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._process.kill()
            self._process = None


sidecar = Sidecar()
