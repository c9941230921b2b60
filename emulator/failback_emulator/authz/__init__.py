"""Authorization as AWS does it: every request signed by a role session or an IAM user is evaluated
against its identity policies (and boundary, session policy), the resource's policy (key, bucket,
trust) across accounts, and the KMS key policies of the keys a service uses on the caller's behalf.
Denials answer with each protocol's code (EC2 UnauthorizedOperation, query APIs and S3 AccessDenied,
JSON APIs AccessDeniedException; RDS KMSKeyNotAccessibleFault for a key it cannot use) and are recorded
for the admin API. Seeding keys are their account's root and are not evaluated.

Mode `enforce` (the default, every profile) or `off` (FAILBACK_EMULATOR_AUTHORIZATION=off, or PUT
/_emulator/authorization): off evaluates only trust policies, as the emulator always did."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

from .. import context
from ..errors import AwsError
from ..requests import ApiRequest
from . import kms_keys, model, ops_dynamodb, ops_ec2, ops_other, ops_rds, s3_access  # noqa: F401 (registers)
from .model import Check, Plan, UnknownOperation
from .principals import Caller, caller
from .sidecar import sidecar

MAX_DENIED = 5_000
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}


@dataclass
class Denial:
    principal: str
    action: str
    resource: str
    reason: str  # no-statement | explicit-deny | resource-policy | key-policy | boundary | session | model | key-state
    detail: str
    service: str
    operation: str
    account: str
    region: str
    time: float = field(default_factory=time.time)
    seq: int = 0


class State:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.startup_mode = os.environ.get("FAILBACK_EMULATOR_AUTHORIZATION", "enforce")
        if self.startup_mode not in ("enforce", "off"):
            raise ValueError(f"FAILBACK_EMULATOR_AUTHORIZATION must be enforce or off, not {self.startup_mode}")
        self.mode = self.startup_mode
        self.reset()

    def reset(self, account: str | None = None) -> None:
        with self._lock:
            if account is None:
                self.mode = self.startup_mode
                self.allowed = Counter[tuple[str, str, str]]()  # (account, principal ARN, action)
                self.denials: list[Denial] = []
                self._seq = 0
            else:
                self.allowed = Counter({k: n for k, n in self.allowed.items() if k[0] != account})
                self.denials = [d for d in self.denials if d.account != account]

    def reset_records(self) -> None:
        """Forget what was allowed and denied; the mode stays."""
        with self._lock:
            self.allowed = Counter()
            self.denials = []

    def allow(self, who: Caller, checks: list[Check]) -> None:
        with self._lock:
            for check in checks:
                self.allowed[(who.account, who.principal_arn, check.action)] += 1

    def deny(self, denial: Denial) -> None:
        with self._lock:
            self._seq += 1
            denial.seq = self._seq
            self.denials.append(denial)
            if len(self.denials) > MAX_DENIED:
                del self.denials[: len(self.denials) - MAX_DENIED]

    def summary(self) -> dict[str, Any]:
        with self._lock:
            return {
                "mode": self.mode,
                "allowed": sum(self.allowed.values()),
                "denied": len(self.denials),
                "operations": len(model.known_operations()),
            }

    def denied(self, account: str | None, since: int) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(d) for d in self.denials if d.seq > since and (account is None or d.account == account)]

    def allowed_actions(self, principal: str | None, account: str | None) -> dict[str, dict[str, int]]:
        found: dict[str, dict[str, int]] = {}
        with self._lock:
            for (acct, arn, action), n in self.allowed.items():
                if (principal is None or arn == principal) and (account is None or acct == account):
                    found.setdefault(arn, {})[action] = found.get(arn, {}).get(action, 0) + n
        return found


state = State()


def _payload(req: ApiRequest, check: Check, who: Caller, evaluate_identity: bool) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "principal": who.arn,
        "action": check.action,
        "resource": check.resource,
        "resourceAccount": check.owner or who.account,
        "identityPolicies": who.identity_policies if evaluate_identity else [{"name": "off", "policy": ALLOW_ALL}],
        "context": {**who.context, "aws:RequestedRegion": req.region, **check.context},
    }
    if check.resource_type:
        payload["resourceType"] = check.resource_type
    if check.resource_policy is not None:
        payload["resourcePolicy"] = check.resource_policy
    if evaluate_identity and who.boundary is not None:
        payload["permissionBoundary"] = who.boundary
    if evaluate_identity and who.session_policy is not None:
        payload["sessionPolicy"] = who.session_policy
    return payload


_BECAUSE = {
    "no-statement": "because no identity-based policy allows the {action} action",
    "explicit-deny": "with an explicit deny in a policy ({detail})",
    "resource-policy": "because no resource-based policy allows the {action} action",
    "key-policy": "because the key policy does not allow the {action} action",
    "boundary": "because no permissions boundary allows the {action} action",
    "session": "because no session policy allows the {action} action",
    "model": "because the emulator cannot evaluate it: {detail}",
    "key-state": "because {detail}",
}


def message(who: Caller, check: Check, reason: str, detail: str) -> str:
    base = f"User: {who.arn} is not authorized to perform: {check.action} on resource: {check.resource}"
    if check.action == "sts:AssumeRole" and reason != "model":
        return base  # STS does not say why (it would tell whether the role exists)
    return f"{base} " + _BECAUSE.get(reason, "({detail})").format(action=check.action, detail=detail)


def denied_error(req: ApiRequest, text: str) -> AwsError:
    if req.protocol == "ec2":
        return AwsError(403, "UnauthorizedOperation", f"You are not authorized to perform this operation. {text}")
    if req.protocol in ("json", "rest-json"):
        return AwsError(400, "AccessDeniedException", text)
    return AwsError(403, "AccessDenied", text)


def _record(req: ApiRequest, who: Caller, check: Check, reason: str, detail: str) -> None:
    state.deny(Denial(who.principal_arn, check.action, check.resource, reason, detail, req.service, req.operation,
                      who.account, req.region))  # fmt: skip


def _evaluate(req: ApiRequest, who: Caller, checks: list[Check], identity: bool) -> tuple[Check, str, str] | None:
    decisions = sidecar.decide([_payload(req, c, who, identity) for c in checks])
    for check, decision in zip(checks, decisions, strict=True):
        if not decision["allowed"]:
            reason = decision["reason"]
            if reason == "resource-policy" and check.action.startswith("kms:"):
                reason = "key-policy"
            return check, reason, decision["detail"]
    return None


def _kms_failure(req: ApiRequest, who: Caller, plan: Plan) -> tuple[str, str] | None:
    """The first key the service cannot use as the caller: (key ARN or reference, what for, message)."""
    for use in plan.keys:
        checks, unusable = kms_keys.service_checks(use, who)
        if unusable is not None:
            _record(req, who, Check("kms:DescribeKey", use.key, "key"), "key-state", unusable)
            return use.key, use.role
        failed = _evaluate(req, who, checks, identity=True)
        if failed is not None:
            check, reason, detail = failed
            _record(req, who, check, reason, detail)
            return check.resource, use.role
        state.allow(who, checks)
    return None


def _rds_key_error(key: str, role: str) -> AwsError:
    which = "source snapshot KMS key" if role.startswith("source") else "target KMS key" if role == "copy" else "specified KMS key"
    return AwsError(400, "KMSKeyNotAccessibleFault",
                    f"The {which} [{key}] does not exist, is not enabled or you do not have permissions to access it.")  # fmt: skip


def authorize(req: ApiRequest) -> AwsError | None:
    """None when AWS would let the request through; AWS's error otherwise (recorded)."""
    who = caller(req.access_key, req.account)
    # Trust policies bind everyone, an account's root included, and were always enforced.
    trust_only = who.kind == "Root" or state.mode != "enforce"
    if trust_only and (req.service, req.operation) != ("sts", "AssumeRole"):
        return None
    enforce = not trust_only
    try:
        plan = model.plan_for(req, who)
    except UnknownOperation as error:
        check = Check(f"{req.service}:{req.operation}")
        detail = f"{error} is not in the emulator's authorization model (emulator/failback_emulator/authz)"
        _record(req, who, check, "model", detail)
        return denied_error(req, message(who, check, "model", detail))
    failed = _evaluate(req, who, plan.checks, identity=enforce)
    if failed is not None:
        check, reason, detail = failed
        _record(req, who, check, reason, detail)
        return denied_error(req, message(who, check, reason, detail))
    state.allow(who, plan.checks)
    if enforce and plan.keys:
        kms = _kms_failure(req, who, plan)
        if kms is not None:
            key, role = kms
            if req.service == "rds":
                return _rds_key_error(key, role)
            # EBS accepts the request and the resource fails later (a copy `failed`/`error`, an
            # instance `terminated` with Client.InternalError): the patches read this.
            req.kms_failure = f"Given key ID is not accessible: {key} ({role})"
    return None


def forward(service: str, checks: list[Check]) -> str | None:
    """A service acting with the caller's own permissions (a forward access session: CloudFormation
    creating a stack's resources): the caller's policies decide, with aws:CalledVia set. Returns AWS's
    message when one check is denied (recorded), None when every check passes."""
    req = context.current_request()
    if req is None or state.mode != "enforce":
        return None
    who = caller(req.access_key, req.account)
    if who.kind == "Root":
        return None
    called_via = f"{service}.amazonaws.com"
    via = {"aws:CalledVia": [called_via], "aws:CalledViaFirst": called_via, "aws:CalledViaLast": called_via,
           "aws:ViaAWSService": "true"}  # fmt: skip
    checks = [Check(c.action, c.resource, c.resource_type, c.owner, {**c.context, **via}, c.resource_policy) for c in checks]
    failed = _evaluate(req, who, checks, identity=True)
    if failed is None:
        state.allow(who, checks)
        return None
    check, reason, detail = failed
    _record(req, who, check, reason, detail)
    return message(who, check, reason, detail)


def install() -> None:
    from . import admin_routes  # noqa: F401 (registers the admin routes)

    context.on_reset(state.reset)
    sidecar.start()
