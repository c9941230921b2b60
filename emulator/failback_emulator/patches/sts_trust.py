"""STS AssumeRole as AWS decides it: the role must exist and its trust policy must allow the caller
(its account or its ARN) with every condition met, notably `sts:ExternalId`. moto lets anyone assume
any role, existing or not, which would hide every access mistake of the orchestrator.

Supported in trust policies: Effect Allow/Deny; Action (globs); Principal "*" or {"AWS": account id,
account root ARN, user or role ARN, "*"}; Condition operators StringEquals, StringNotEquals,
StringLike, StringNotLike, StringEqualsIgnoreCase, Null (with IfExists) on the keys sts:ExternalId,
aws:PrincipalAccount, aws:PrincipalArn, sts:RoleSessionName. Anything else does not match (fails closed).
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any
from urllib.parse import unquote

from moto.core.exceptions import AccessDeniedError
from moto.iam.models import iam_backends
from moto.sts.responses import TokenResponse

from ..accounts import Principal, principal_of
from .common import parse_arn, replace


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _action_matches(actions: Any) -> bool:
    return any(fnmatch.fnmatchcase("sts:assumerole", str(a).lower()) for a in _as_list(actions or []))


def _principal_matches(spec: Any, caller: Principal) -> bool:
    if spec == "*":
        return True
    if not isinstance(spec, dict):
        return False
    for entry in _as_list(spec.get("AWS", [])):
        entry = str(entry)
        if entry == "*" or entry in (caller.account, f"arn:aws:iam::{caller.account}:root"):
            return True
        if entry in (caller.policy_arn, caller.arn):
            return True
    return False


def _test(operator: str, actual: str | None, expected: list[str]) -> bool:
    base = operator.removesuffix("IfExists")
    if actual is None:
        return (
            operator.endswith("IfExists")
            or base.startswith("StringNot")
            or base == "Null"
            and "true" in expected
        )
    if base == "Null":
        return "false" in [e.lower() for e in expected]
    if base == "StringEquals":
        return actual in expected
    if base == "StringNotEquals":
        return actual not in expected
    if base == "StringEqualsIgnoreCase":
        return actual.lower() in [e.lower() for e in expected]
    if base == "StringLike":
        return any(fnmatch.fnmatchcase(actual, e) for e in expected)
    if base == "StringNotLike":
        return not any(fnmatch.fnmatchcase(actual, e) for e in expected)
    return False  # an operator we do not model never grants access


def _conditions_match(conditions: dict[str, Any], values: dict[str, str | None]) -> bool:
    for operator, tests in conditions.items():
        for key, expected in tests.items():
            if not _test(operator, values.get(key.lower()), [str(e) for e in _as_list(expected)]):
                return False
    return True


def trust_allows(policy: str, caller: Principal, external_id: str | None, session_name: str | None) -> bool:
    try:
        document = json.loads(policy)
    except ValueError:
        document = json.loads(unquote(policy))
    values = {
        "sts:externalid": external_id,
        "aws:principalaccount": caller.account,
        "aws:principalarn": caller.policy_arn,
        "sts:rolesessionname": session_name,
    }
    allowed = False
    for statement in _as_list(document.get("Statement", [])):
        if not _action_matches(statement.get("Action")):
            continue
        if not _principal_matches(statement.get("Principal"), caller):
            continue
        if not _conditions_match(statement.get("Condition", {}), values):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def check_assume_role(
    role_arn: str, caller: Principal, external_id: str | None, session_name: str | None
) -> None:
    denied = AccessDeniedError(caller.arn, f"sts:AssumeRole on resource: {role_arn}")
    parts = parse_arn(role_arn or "")
    if parts is None or parts["service"] != "iam" or not parts["resource"].startswith("role/"):
        raise denied
    if parts["account"] not in dict.keys(iam_backends):
        raise denied
    try:
        role = iam_backends[parts["account"]]["aws"].get_role_by_arn(role_arn)
    except Exception:
        raise denied from None  # AWS does not say whether the role exists
    if not trust_allows(role.assume_role_policy_document, caller, external_id, session_name):
        raise denied


def assume_role(self: TokenResponse) -> Any:
    check_assume_role(
        self._get_param("RoleArn"),
        principal_of(self.get_access_key()),
        self._get_param("ExternalId"),
        self._get_param("RoleSessionName"),
    )
    return assume_role.__wrapped__(self)  # type: ignore[attr-defined]


def install() -> None:
    replace(TokenResponse, "assume_role", assume_role)
