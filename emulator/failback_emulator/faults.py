"""Injected faults: throttling, 5xx errors, latency and failed outcomes, by rate and by operation,
deterministic.

A rule matches requests by service, operation, account and region; the k-th matching request is hit
when sha256(seed:rule:k) falls below the rule's rate. The same seed and the same sequence of requests
give the same faults, whatever the thread timing; changing the rules at run time (admin API) takes
effect on the next request.

An `outcome` rule lets the call succeed and makes the resource it starts end in a terminal bad
`state` once its transition is over, as AWS reports a long operation that failed: a restored DB
instance `incompatible-restore` (or `failed`, `restore-error`), a copied AMI `failed`. The patches
that create those resources read it from the request (outcomes.py).
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

from . import errors
from .journal import Event, journal
from .requests import ApiRequest

_TYPES = ("throttle", "error", "latency", "outcome")
_FIELDS = {
    "id", "type", "rate", "service", "operations", "operation", "account", "region",
    "status", "code", "message", "latencyMs", "after", "count", "seed", "state",
    "matched", "injected",  # what GET returns may be PUT back; the counters restart
}  # fmt: skip
_ids = itertools.count(1)


@dataclass
class Rule:
    id: str
    type: str
    rate: float = 1.0
    service: str | None = None
    operations: list[str] | None = None
    account: str | None = None
    region: str | None = None
    status: int = 500
    code: str | None = None
    message: str | None = None
    latency_ms: float = 0.0
    after: int = 0
    count: int | None = None
    seed: str | None = None
    state: str | None = None
    matched: int = field(default=0)
    injected: int = field(default=0)

    @staticmethod
    def parse(data: dict[str, Any]) -> Rule:
        unknown = set(data) - _FIELDS
        if unknown:
            raise ValueError(f"unknown fault rule fields: {', '.join(sorted(unknown))}")
        if data.get("type") not in _TYPES:
            raise ValueError(f"fault rule type must be one of {', '.join(_TYPES)}")
        operations = data.get("operations") or ([data["operation"]] if data.get("operation") else None)
        rate = float(data.get("rate", 1.0))
        if not 0.0 <= rate <= 1.0:
            raise ValueError("fault rule rate must be between 0 and 1")
        status = int(data.get("status", 500))
        # A 4xx only with the code AWS answers (a quota, a limit): the caller's handling of it is tested.
        client_error = 400 <= status <= 499 and bool(data.get("code"))
        if data["type"] == "error" and not (500 <= status <= 599 or client_error):
            raise ValueError("an error rule's status must be a 5xx, or a 4xx with its code")
        if data["type"] == "outcome" and not data.get("state"):
            raise ValueError("an outcome rule names the terminal state the resource ends in")
        return Rule(
            id=str(data.get("id") or f"rule-{next(_ids)}"),
            type=data["type"],
            rate=rate,
            service=data.get("service"),
            operations=list(operations) if operations else None,
            account=data.get("account"),
            region=data.get("region"),
            status=status,
            code=data.get("code"),
            message=data.get("message"),
            latency_ms=float(data.get("latencyMs", 0)),
            after=int(data.get("after", 0)),
            count=None if data.get("count") is None else int(data["count"]),
            seed=None if data.get("seed") is None else str(data["seed"]),
            state=data.get("state"),
        )

    def matches(self, req: ApiRequest) -> bool:
        return (
            (self.service is None or self.service == req.service)
            and (self.operations is None or req.operation in self.operations)
            and (self.account is None or self.account == req.account)
            and (self.region is None or self.region == req.region)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "type": self.type, "rate": self.rate, "service": self.service,
            "operations": self.operations, "account": self.account, "region": self.region,
            "status": self.status, "code": self.code, "message": self.message,
            "latencyMs": self.latency_ms, "after": self.after, "count": self.count, "seed": self.seed,
            "state": self.state, "matched": self.matched, "injected": self.injected,
        }  # fmt: skip


def _draw(seed: str, rule_id: str, k: int) -> float:
    digest = hashlib.sha256(f"{seed}:{rule_id}:{k}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass
class Decision:
    latency_ms: float = 0.0
    error: errors.AwsError | None = None
    # (state, message) the resource this call starts ends in (an `outcome` rule)
    outcome: tuple[str, str] | None = None


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.seed = "0"
        self.rules: list[Rule] = []

    def replace(self, rules: list[dict[str, Any]], seed: str | None = None) -> list[Rule]:
        parsed = [Rule.parse(r) for r in rules]
        with self._lock:
            self.rules = parsed
            if seed is not None:
                self.seed = str(seed)
        return parsed

    def add(self, data: dict[str, Any]) -> Rule:
        rule = Rule.parse(data)
        with self._lock:
            self.rules = [r for r in self.rules if r.id != rule.id] + [rule]
        return rule

    def remove(self, rule_id: str | None = None, account: str | None = None) -> int:
        with self._lock:
            keep = [
                r
                for r in self.rules
                if not ((rule_id is None or r.id == rule_id) and (account is None or r.account == account))
            ]
            removed = len(self.rules) - len(keep)
            self.rules = keep
        return removed

    def to_json(self) -> dict[str, Any]:
        with self._lock:
            return {"seed": self.seed, "rules": [r.to_json() for r in self.rules]}

    def decide(self, req: ApiRequest) -> Decision:
        decision = Decision()
        hits: list[tuple[Rule, errors.AwsError | None]] = []
        with self._lock:
            for rule in self.rules:
                if not rule.matches(req):
                    continue
                rule.matched += 1
                if rule.matched <= rule.after or (rule.count is not None and rule.injected >= rule.count):
                    continue
                if _draw(rule.seed or self.seed, rule.id, rule.matched) >= rule.rate:
                    continue
                if rule.type == "latency":
                    rule.injected += 1
                    decision.latency_ms += rule.latency_ms
                    hits.append((rule, None))
                elif rule.type == "outcome":
                    if decision.outcome is None:
                        rule.injected += 1
                        message = rule.message or f"{req.operation} ended {rule.state} (injected)"
                        decision.outcome = (rule.state or "failed", message)
                        hits.append((rule, None))
                elif decision.error is None:
                    rule.injected += 1
                    decision.error = self._error(rule, req)
                    hits.append((rule, decision.error))
        for rule, error in hits:
            journal.record(
                Event(
                    type="fault",
                    service=req.service,
                    operation=req.operation,
                    account=req.account,
                    region=req.region,
                    code=error.code if error else ("Outcome" if rule.type == "outcome" else "Latency"),
                    message=error.message
                    if error
                    else (
                        f"ends {rule.state}" if rule.type == "outcome" else f"{rule.latency_ms:g} ms added"
                    ),
                    detail={
                        "rule": rule.id,
                        "faultType": rule.type,
                        "status": error.status if error else None,
                    },
                )
            )
        return decision

    @staticmethod
    def _error(rule: Rule, req: ApiRequest) -> errors.AwsError:
        base = errors.throttling(req) if rule.type == "throttle" else errors.server_error(req, rule.status)
        return errors.AwsError(base.status, rule.code or base.code, rule.message or base.message)


faults = Faults()
