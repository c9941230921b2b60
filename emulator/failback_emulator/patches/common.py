"""Helpers the moto patches share: walking existing backends, ARNs, quota rejections."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from .. import context
from ..journal import Event, journal
from ..profile import settings


def existing_backends(backend_dict: Any, region: str | None = None) -> Iterator[tuple[str, str, Any]]:
    """(account, region, backend) for the backends that exist, without creating any."""
    for account in list(dict.keys(backend_dict)):
        per_account = dict.__getitem__(backend_dict, account)
        for name in list(dict.keys(per_account)):
            if region is None or name == region:
                yield account, name, dict.__getitem__(per_account, name)


def parse_arn(arn: str) -> dict[str, str] | None:
    """arn:partition:service:region:account:resource -> its parts, or None if it is no ARN."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    return {"service": parts[2], "region": parts[3], "account": parts[4], "resource": parts[5]}


class InFlight:
    """Operations still running per (account, region), pruned lazily: what quotas count."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: dict[tuple[str, str], list[tuple[float, int]]] = {}
        context.on_reset(self.clear)

    def clear(self) -> None:
        with self._lock:
            self._items = {}

    def count(self, account: str, region: str) -> int:
        now = time.time()
        with self._lock:
            items = [(t, n) for t, n in self._items.get((account, region), []) if t > now]
            self._items[(account, region)] = items
            return sum(n for _, n in items)

    def add(self, account: str, region: str, ready_at: float, weight: int = 1) -> None:
        with self._lock:
            self._items.setdefault((account, region), []).append((ready_at, weight))


def enforce_quota(
    quota: str,
    tracker: InFlight,
    account: str,
    region: str,
    service: str,
    weight: int,
    error: Callable[[int], Exception],
) -> None:
    """Raises AWS's error (and records the rejection) when `weight` more would exceed the quota."""
    limit = settings.quota(quota, account)
    in_progress = tracker.count(account, region)
    if in_progress + weight <= limit:
        return
    exc = error(limit)
    journal.record(
        Event(
            type="quota",
            service=service,
            operation=context.current_operation(),
            account=account,
            region=region,
            code=str(getattr(exc, "code", type(exc).__name__)),
            message=str(getattr(exc, "message", exc)),
            detail={"quota": quota, "limit": limit, "inProgress": in_progress},
        )
    )
    raise exc


def replace(cls: type, name: str, function: Callable[..., Any]) -> None:
    """cls.<name> = function, keeping the original reachable as function.__wrapped__."""
    function.__wrapped__ = getattr(cls, name)  # type: ignore[attr-defined]
    function.__name__ = name
    setattr(cls, name, function)
