"""Who is calling, as IAM evaluates it: the principal's ARN, its identity policies (inline, managed,
its groups'), permissions boundary, session policy and the global condition keys it brings.

Seeding keys are their account's root: root is not evaluated (it may do anything in its account, as in
AWS), so `caller()` returns None for them. The orchestrator's default key (`test`, `demo`) is the
synthetic user `failback-orchestrator`, whose one identity policy lets it assume roles: what an
operator grants the worker's own identity."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from moto.iam.models import iam_backends
from moto.sts.models import sts_backends

from ..accounts import ORCHESTRATOR_ACCOUNT, ORCHESTRATOR_ARN, ORCHESTRATOR_USER_ID, seeding_account

ORCHESTRATOR_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "AssumePlanRoles", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
}


@dataclass
class Caller:
    account: str
    arn: str  # the session or user ARN, as in an error message
    principal_arn: str  # aws:PrincipalArn: the role or user, with its path
    kind: str  # AssumedRole | User
    identity_policies: list[dict[str, Any]] = field(default_factory=list)
    boundary: dict[str, Any] | None = None
    session_policy: dict[str, Any] | None = None
    context: dict[str, Any] = field(default_factory=dict)


def document(value: Any) -> dict[str, Any]:
    """A policy document as moto keeps it (a dict, JSON, or URL-encoded JSON) -> dict."""
    if isinstance(value, dict):
        return value
    text = str(value)
    try:
        return json.loads(text)
    except ValueError:
        return json.loads(unquote(text))


def _managed(backend: Any, arn: str) -> dict[str, Any] | None:
    try:
        policy = backend.get_policy(arn)
    except Exception:
        return None
    version = next((v for v in policy.versions if v.is_default), None)
    return document(version.document) if version else None


def _policies(backend: Any, entity: Any) -> list[dict[str, Any]]:
    found = [{"name": name, "policy": document(doc)} for name, doc in entity.policies.items()]
    for arn in entity.managed_policies:
        doc = _managed(backend, arn)
        if doc is not None:
            found.append({"name": arn, "policy": doc})
    return found


def _tags(entity: Any) -> dict[str, str]:
    tags = getattr(entity, "tags", {}) or {}
    if isinstance(tags, dict):
        return {k: (v.get("Value", "") if isinstance(v, dict) else str(v)) for k, v in tags.items()}
    return {t["Key"]: t["Value"] for t in tags}


def _common(account: str, principal_arn: str, kind: str, user_id: str, tags: dict[str, str]) -> dict[str, Any]:
    context: dict[str, Any] = {
        "aws:PrincipalArn": principal_arn,
        "aws:PrincipalAccount": account,
        "aws:PrincipalType": kind,
        "aws:userid": user_id,
        "aws:SecureTransport": "true",
        "aws:ViaAWSService": "false",
        "aws:PrincipalIsAWSService": "false",
    }
    for key, value in tags.items():
        context[f"aws:PrincipalTag/{key}"] = value
    return context


def _assumed(account: str, access_key: str) -> Caller | None:
    if account not in sts_backends:
        return None
    for partition in list(sts_backends[account].keys()):
        session = sts_backends[account][partition].get_assumed_role_from_access_key(access_key)
        if session is None:
            continue
        backend = iam_backends[account]["aws"]
        try:
            role = backend.get_role_by_arn(session.role_arn)
        except Exception:
            return None  # the role was deleted: its sessions are worth nothing
        caller = Caller(
            account=account,
            arn=f"arn:aws:sts::{account}:assumed-role/{role.name}/{session.session_name}",
            principal_arn=role.arn,
            kind="AssumedRole",
            identity_policies=_policies(backend, role),
            context=_common(account, role.arn, "AssumedRole", f"{role.id}:{session.session_name}", _tags(role)),
        )
        if role.permissions_boundary_arn:
            caller.boundary = _managed(backend, role.permissions_boundary_arn) or {"Statement": []}
        if session.policy:
            caller.session_policy = document(session.policy)
        return caller
    return None


def _user(account: str, access_key: str) -> Caller | None:
    if account not in iam_backends:
        return None
    backend = iam_backends[account]["aws"]
    user = backend.get_user_from_access_key_id(access_key)
    if user is None:
        return None
    policies = _policies(backend, user)
    for group in backend.get_groups_for_user(user.name):
        policies += _policies(backend, group)
    context = _common(account, user.arn, "User", user.id, _tags(user))
    context["aws:username"] = user.name
    caller = Caller(account, user.arn, user.arn, "User", policies, context=context)
    if getattr(user, "permissions_boundary_arn", None):
        caller.boundary = _managed(backend, user.permissions_boundary_arn) or {"Statement": []}
    return caller


def caller(access_key: str | None, account: str) -> Caller:
    """The principal behind an access key (kind `Root` for a seeding key: not evaluated, but for the
    trust policy of a role it assumes)."""
    root_account = seeding_account(access_key)
    if root_account:
        root = f"arn:aws:iam::{root_account}:root"
        allow_all = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
        context = _common(root_account, root, "Account", root_account, {})
        return Caller(root_account, root, root, "Root", [{"name": "root", "policy": allow_all}], context=context)
    key = access_key or ""
    found = _assumed(account, key) or _user(account, key)
    if found is not None:
        return found
    context = _common(ORCHESTRATOR_ACCOUNT, ORCHESTRATOR_ARN, "User", ORCHESTRATOR_USER_ID, {})
    context["aws:username"] = "failback-orchestrator"
    return Caller(
        ORCHESTRATOR_ACCOUNT,
        ORCHESTRATOR_ARN,
        ORCHESTRATOR_ARN,
        "User",
        [{"name": "failback-orchestrator", "policy": ORCHESTRATOR_POLICY}],
        context=context,
    )
