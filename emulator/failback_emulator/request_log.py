"""The request log: every signed AWS call in arrival order, with who made it, what it named and how
it was answered. A test records a clean run of a plan with it and enumerates the plan's mutating
calls from it (the abort matrix), so a call the product starts making joins the matrix by itself."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import asdict, dataclass
from typing import Any

from .holds import caller_of
from .requests import ApiRequest

MAX_ENTRIES = 50_000  # bounded like the events; the oldest go first
_RESOURCE_MAX = 300
# Parameters that name what a call acts on (query protocols flatten lists into `Name.N`).
_NAMING = re.compile(
    r"^(?:[A-Za-z]*(?:Identifier|Id|Ids|Name|Names|Arn|Arns)(?:\.\d+)*|S3Bucket|S3Prefix|_path)$"
)
_SKIP = {"ClientToken", "ClientRequestToken", "Action", "Version", "RoleSessionName"}


def _names(params: dict[str, Any], depth: int = 0) -> list[str]:
    parts: list[str] = []
    for key, value in params.items():
        if key == "RequestItems" and isinstance(value, dict):  # BatchWriteItem, BatchGetItem
            parts.extend(f"TableName={name}" for name in value)
        elif isinstance(value, dict) and depth < 2:  # ImportTable's TableCreationParameters, …
            parts.extend(_names(value, depth + 1))
        elif key not in _SKIP and _NAMING.match(key) and isinstance(value, (str, int)) and str(value):
            parts.append(f"{key}={value}")
    return parts


def resource_of(req: ApiRequest) -> str:
    """The names a call carries (`TableName=orders ResourceArn=…`), short, in parameter order."""
    return " ".join(_names(req.params))[:_RESOURCE_MAX]


@dataclass
class Entry:
    seq: int
    time: float
    account: str
    region: str
    service: str
    operation: str
    caller: str  # seeding | product
    resource: str
    status: int | None = None  # the HTTP status it was answered with (None while in flight)


class RequestLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[Entry] = []
        self._seq = 0

    def begin(self, req: ApiRequest) -> Entry:
        with self._lock:
            self._seq += 1
            entry = Entry(
                seq=self._seq,
                time=time.time(),
                account=req.account,
                region=req.region,
                service=req.service,
                operation=req.operation,
                caller=caller_of(req),
                resource=resource_of(req),
            )
            self._entries.append(entry)
            if len(self._entries) > MAX_ENTRIES:
                del self._entries[: len(self._entries) - MAX_ENTRIES]
        return entry

    def finish(self, entry: Entry, status: int | None) -> None:
        entry.status = status

    @property
    def last_seq(self) -> int:
        return self._seq

    def entries(
        self,
        account: str | None = None,
        since: int = 0,
        caller: str | None = None,
        service: str | None = None,
    ) -> list[dict[str, Any]]:
        with self._lock:
            chosen = [
                e
                for e in self._entries
                if e.seq > since
                and (account is None or e.account == account)
                and (caller is None or e.caller == caller)
                and (service is None or e.service == service)
            ]
        return [asdict(e) for e in chosen]

    def clear(self, account: str | None = None) -> None:
        with self._lock:
            self._entries = [e for e in self._entries if account is not None and e.account != account]


request_log = RequestLog()


def status_code(status: str) -> int | None:
    """`'200 OK'` -> 200."""
    try:
        return int(status.split(" ", 1)[0])
    except (ValueError, AttributeError):
        return None
