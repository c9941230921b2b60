"""What happened: every injected fault, quota rejection and hold (so a test can assert it), and API
call counts per account and operation (the benchmark reports calls per resource)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

MAX_EVENTS = 10_000  # a long demo must not grow without bound; the oldest go first


@dataclass
class Event:
    type: str  # "fault" | "quota" | "hold"
    service: str
    operation: str
    account: str
    region: str
    code: str
    message: str
    detail: dict[str, Any] = field(default_factory=dict)
    time: float = field(default_factory=time.time)
    seq: int = 0


class Journal:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[Event] = []
        self._seq = 0
        self._calls: Counter[tuple[str, str, str]] = Counter()

    def record(self, event: Event) -> None:
        with self._lock:
            self._seq += 1
            event.seq = self._seq
            self._events.append(event)
            if len(self._events) > MAX_EVENTS:
                del self._events[: len(self._events) - MAX_EVENTS]

    def events(
        self, account: str | None = None, type_: str | None = None, since: int = 0
    ) -> list[dict[str, Any]]:
        with self._lock:
            chosen = [
                e
                for e in self._events
                if e.seq > since
                and (account is None or e.account == account)
                and (type_ is None or e.type == type_)
            ]
        return [asdict(e) for e in chosen]

    def count_call(self, account: str, service: str, operation: str) -> None:
        with self._lock:
            self._calls[(account, service, operation)] += 1

    def calls(self, account: str | None = None) -> dict[str, Any]:
        with self._lock:
            items = [(k, n) for k, n in self._calls.items() if account is None or k[0] == account]
        by_operation: Counter[str] = Counter()
        by_account: dict[str, Counter[str]] = {}
        for (acct, service, operation), n in items:
            by_operation[f"{service}:{operation}"] += n
            by_account.setdefault(acct, Counter())[f"{service}:{operation}"] += n
        return {
            "total": sum(by_operation.values()),
            "byOperation": dict(sorted(by_operation.items())),
            "byAccount": {a: dict(sorted(c.items())) for a, c in sorted(by_account.items())},
        }

    def clear(self, account: str | None = None, events: bool = True, calls: bool = True) -> None:
        with self._lock:
            if events:
                self._events = [e for e in self._events if account is not None and e.account != account]
            if calls:
                for key in [k for k in self._calls if account is None or k[0] == account]:
                    del self._calls[key]


journal = Journal()
