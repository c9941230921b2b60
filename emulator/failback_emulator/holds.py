"""Hold rules: at the n-th AWS call that matches, hold it, or only note that it happened.

A test that must act at an exact point of a workflow (deliver an abort right after a mutating call,
while the activity that made it has not seen the answer yet) cannot get there by sleeping. A hold rule
gets it there: it counts the calls that match it and, at the n-th,

- `hold-after`: lets moto perform the call, then keeps its response back until released,
- `hold-before`: keeps the call from moto until released (nothing has happened yet),
- `signal`: lets it through and only records it (a point the test waits for).

A rule may be armed by another call (`armedBy`): it counts only the calls that arrive after the
n-th call matching that one, e.g. the first DescribeImages after the CreateImage of a plan's AMI, so a
test can stop a workflow at the first poll of a long operation. Every hold ends: at its `timeoutMs`
(auto-release), when released through the admin API, when its rule is removed, or at a reset. The
held thread waits outside moto's lock, so the emulator keeps serving everything else.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from .accounts import seeding_account
from .journal import Event, journal
from .requests import ApiRequest

ACTIONS = ("hold-after", "hold-before", "signal")
CALLERS = ("seeding", "product")
DEFAULT_TIMEOUT_MS = 60_000
MAX_TIMEOUT_MS = 600_000
_MATCH_FIELDS = {"service", "operation", "operations", "account", "region", "caller", "match"}
_FIELDS = _MATCH_FIELDS | {"id", "action", "nth", "timeoutMs", "armedBy"}
_ids = itertools.count(1)


def request_text(req: ApiRequest) -> str:
    """What `match` looks in: the request's parameters as JSON (names, ARNs, paths, tags)."""
    return json.dumps(req.params, sort_keys=True, default=str)


def caller_of(req: ApiRequest) -> str:
    return "seeding" if seeding_account(req.access_key) else "product"


@dataclass
class Matcher:
    service: str | None = None
    operations: list[str] | None = None
    account: str | None = None
    region: str | None = None
    caller: str | None = None
    match: str | None = None

    @staticmethod
    def parse(data: dict[str, Any], what: str) -> Matcher:
        unknown = set(data) - _MATCH_FIELDS
        if unknown:
            raise ValueError(f"unknown {what} fields: {', '.join(sorted(unknown))}")
        caller = data.get("caller")
        if caller is not None and caller not in CALLERS:
            raise ValueError(f"{what} caller must be one of {', '.join(CALLERS)}")
        operations = data.get("operations") or ([data["operation"]] if data.get("operation") else None)
        return Matcher(
            service=data.get("service"),
            operations=list(operations) if operations else None,
            account=data.get("account"),
            region=data.get("region"),
            caller=caller,
            match=data.get("match") or None,
        )

    def matches(self, req: ApiRequest) -> bool:
        return (
            (self.service is None or self.service == req.service)
            and (self.operations is None or req.operation in self.operations)
            and (self.account is None or self.account == req.account)
            and (self.region is None or self.region == req.region)
            and (self.caller is None or self.caller == caller_of(req))
            and (self.match is None or self.match in request_text(req))
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "service": self.service, "operations": self.operations, "account": self.account,
            "region": self.region, "caller": self.caller, "match": self.match,
        }  # fmt: skip


@dataclass
class HoldRule:
    id: str
    action: str
    matcher: Matcher
    nth: int = 1
    timeout_ms: int = DEFAULT_TIMEOUT_MS
    armed_by: Matcher | None = None
    armed_by_nth: int = 1
    # What happened so far.
    armed_count: int = 0
    matched: int = 0
    # waiting -> holding -> released (hold-after: waiting -> performing -> holding, so "holding" always
    # means the call was performed and its answer is ready), or waiting -> signalled
    state: str = "waiting"
    request: dict[str, Any] | None = None
    triggered_at: float | None = None
    released_at: float | None = None
    released_by: str | None = None  # admin | timeout | reset | removed
    response_status: int | None = None
    _event: threading.Event = field(default_factory=threading.Event, repr=False)

    @staticmethod
    def parse(data: dict[str, Any]) -> HoldRule:
        unknown = set(data) - _FIELDS
        if unknown:
            raise ValueError(f"unknown hold rule fields: {', '.join(sorted(unknown))}")
        action = data.get("action", "hold-after")
        if action not in ACTIONS:
            raise ValueError(f"hold rule action must be one of {', '.join(ACTIONS)}")
        nth = int(data.get("nth", 1))
        if nth < 1:
            raise ValueError("hold rule nth counts from 1")
        timeout_ms = int(data.get("timeoutMs", DEFAULT_TIMEOUT_MS))
        if not 0 < timeout_ms <= MAX_TIMEOUT_MS:
            raise ValueError(f"hold rule timeoutMs must be between 1 and {MAX_TIMEOUT_MS}")
        armed = data.get("armedBy")
        armed_by, armed_by_nth = None, 1
        if armed is not None:
            if not isinstance(armed, dict):
                raise ValueError("armedBy must be an object")
            armed = dict(armed)
            armed_by_nth = int(armed.pop("nth", 1))
            if armed_by_nth < 1:
                raise ValueError("armedBy nth counts from 1")
            armed_by = Matcher.parse(armed, "armedBy")
        match_fields = {k: v for k, v in data.items() if k in _MATCH_FIELDS}
        return HoldRule(
            id=str(data.get("id") or f"hold-{next(_ids)}"),
            action=action,
            matcher=Matcher.parse(match_fields, "hold rule"),
            nth=nth,
            timeout_ms=timeout_ms,
            armed_by=armed_by,
            armed_by_nth=armed_by_nth,
        )

    @property
    def armed(self) -> bool:
        return self.armed_by is None or self.armed_count >= self.armed_by_nth

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "action": self.action, **self.matcher.to_json(), "nth": self.nth,
            "timeoutMs": self.timeout_ms,
            "armedBy": None if self.armed_by is None
            else {**self.armed_by.to_json(), "nth": self.armed_by_nth},
            "armed": self.armed, "armedCount": self.armed_count, "matched": self.matched,
            "state": self.state, "request": self.request, "triggeredAt": self.triggered_at,
            "releasedAt": self.released_at, "releasedBy": self.released_by,
            "responseStatus": self.response_status,
        }  # fmt: skip


def _summary(req: ApiRequest, seq: int) -> dict[str, Any]:
    return {
        "seq": seq, "service": req.service, "operation": req.operation, "account": req.account,
        "region": req.region, "caller": caller_of(req), "params": request_text(req)[:2000],
    }  # fmt: skip


class Hold:
    """One triggered rule, as the middleware sees it for the request it serves."""

    def __init__(self, holds: Holds, rule: HoldRule) -> None:
        self._holds, self.rule = holds, rule

    @property
    def before(self) -> bool:
        return self.rule.action == "hold-before"

    @property
    def after(self) -> bool:
        return self.rule.action == "hold-after"

    def wait(self, status: int | None = None) -> None:
        """Blocks this request's thread until the hold is released or times out."""
        rule = self.rule
        with self._holds.lock:
            rule.response_status = status
            if rule.state == "performing":
                rule.state = "holding"
        if not rule._event.wait(rule.timeout_ms / 1000.0):
            self._holds.end(rule, "timeout")


class Holds:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rules: list[HoldRule] = []

    def add(self, data: dict[str, Any]) -> HoldRule:
        rule = HoldRule.parse(data)
        with self.lock:
            old = [r for r in self.rules if r.id == rule.id]
            self.rules = [r for r in self.rules if r.id != rule.id] + [rule]
        for r in old:
            self.end(r, "removed")
        return rule

    def get(self, rule_id: str) -> HoldRule:
        with self.lock:
            for rule in self.rules:
                if rule.id == rule_id:
                    return rule
        raise KeyError(f"no hold rule {rule_id}")

    def to_json(self, account: str | None = None) -> dict[str, Any]:
        with self.lock:
            return {
                "rules": [r.to_json() for r in self.rules if account is None or r.matcher.account == account]
            }

    def release(self, rule_id: str, by: str = "admin") -> HoldRule:
        rule = self.get(rule_id)
        self.end(rule, by)
        return rule

    def remove(self, rule_id: str | None = None, account: str | None = None, by: str = "removed") -> int:
        with self.lock:
            gone = [
                r
                for r in self.rules
                if (rule_id is None or r.id == rule_id) and (account is None or r.matcher.account == account)
            ]
            self.rules = [r for r in self.rules if r not in gone]
        for rule in gone:
            self.end(rule, by)
        return len(gone)

    def end(self, rule: HoldRule, by: str) -> None:
        with self.lock:
            if rule.state not in ("holding", "performing"):
                return
            rule.state, rule.released_at, rule.released_by = "released", time.time(), by
        rule._event.set()
        journal.record(
            Event(
                type="hold",
                service=(rule.request or {}).get("service", ""),
                operation=(rule.request or {}).get("operation", ""),
                account=(rule.request or {}).get("account", ""),
                region=(rule.request or {}).get("region", ""),
                code="Released",
                message=f"hold {rule.id} released ({by})",
                detail={"rule": rule.id, "action": rule.action, "releasedBy": by},
            )
        )

    def check(self, req: ApiRequest, seq: int) -> Hold | None:
        """Counts `req` against every rule; the rule it triggers (the first, if several), if any."""
        if not self.rules:
            return None
        triggered: HoldRule | None = None
        with self.lock:
            for rule in self.rules:
                if rule.state == "waiting" and rule.armed and rule.matcher.matches(req):
                    rule.matched += 1
                    if rule.matched == rule.nth and triggered is None:
                        triggered = rule
                        rule.request = _summary(req, seq)
                        rule.triggered_at = time.time()
                        rule.state = {"signal": "signalled", "hold-after": "performing"}.get(
                            rule.action, "holding"
                        )
                # Armed by this call: only the calls after it count.
                if rule.armed_by is not None and not rule.armed and rule.armed_by.matches(req):
                    rule.armed_count += 1
        if triggered is None:
            return None
        journal.record(
            Event(
                type="hold",
                service=req.service,
                operation=req.operation,
                account=req.account,
                region=req.region,
                code="Signalled" if triggered.action == "signal" else "Holding",
                message=f"hold {triggered.id}: call {triggered.nth} ({triggered.action})",
                detail={"rule": triggered.id, "action": triggered.action, "seq": seq},
            )
        )
        return None if triggered.action == "signal" else Hold(self, triggered)


holds = Holds()
