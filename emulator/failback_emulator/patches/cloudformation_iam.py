"""IAM roles made by CloudFormation, as AWS makes them: with the caller's own permissions (CloudFormation
calls IAM in a forward access session: iam:CreateRole, iam:PutRolePolicy per inline policy, iam:TagRole
with tags, with aws:CalledVia cloudformation.amazonaws.com), `AWS::NoValue` dropped from lists, and the
inline policies kept as JSON. A denied call fails the resource (CREATE_FAILED with IAM's message); a role
the caller may not delete fails the stack's deletion (DELETE_FAILED) and stays. The calls checked are
the handler's, as the resource type's registry schema lists them (`handlers.create/delete.permissions`
of AWS::IAM::Role; the schemas cfn-lint ships are AWS's): the reads and lists it makes count too."""

from __future__ import annotations

import json
from typing import Any

from moto.iam.models import Role
from moto.iam.policy_validation import IAMPolicyDocumentValidator

from ..authz import forward
from ..authz.model import Check
from .common import replace


class HandlerFailure(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ForwardAccessDenied(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = f"{message} (Service: Iam, Status Code: 403, HandlerErrorCode: AccessDenied)"


def without_no_value(value: Any) -> Any:
    """AWS drops a list item or a key that evaluates to AWS::NoValue (moto leaves None)."""
    if isinstance(value, list):
        return [without_no_value(v) for v in value if v is not None]
    if isinstance(value, dict):
        return {k: without_no_value(v) for k, v in value.items() if v is not None}
    return value


def refuse_missing_boundary(account: str, region: str, boundary: str) -> None:
    """IAM refuses a role whose boundary is not a managed policy that exists (CreateRole answers
    NoSuchEntity, "Scope ARN: … does not exist or is not attachable."); moto takes any ARN."""
    from moto.iam.models import iam_backends
    from moto.utilities.utils import get_partition

    backend = iam_backends[account][get_partition(region)]
    if boundary not in backend.managed_policies and boundary not in getattr(backend, "aws_managed_policies", []):
        raise HandlerFailure(
            f"Scope ARN: {boundary} does not exist or is not attachable. "
            "(Service: Iam, Status Code: 404, HandlerErrorCode: NotFound)"
        )


def role_arn(account: str, properties: dict[str, Any], resource_name: str) -> str:
    return f"arn:aws:iam::{account}:role{properties.get('Path') or '/'}{properties.get('RoleName', resource_name)}"


def create_role(cls: type, resource_name: str, cloudformation_json: dict[str, Any], account_id: str,
                region_name: str, **kwargs: Any) -> Role:  # fmt: skip
    properties = without_no_value(cloudformation_json.get("Properties", {}))
    for policy in properties.get("Policies", []):
        IAMPolicyDocumentValidator(json.dumps(policy.get("PolicyDocument", {}))).validate()
    arn = role_arn(account_id, properties, resource_name)
    boundary = properties.get("PermissionsBoundary")
    bounded = {"iam:PermissionsBoundary": boundary} if boundary else {}
    if boundary:
        refuse_missing_boundary(account_id, region_name, boundary)
    checks = [Check("iam:CreateRole", arn, "role", context=bounded)]
    checks += [Check("iam:PutRolePolicy", arn, "role", context=bounded) for _ in properties.get("Policies", [])[:1]]
    checks += [
        Check("iam:AttachRolePolicy", arn, "role", context={"iam:PolicyARN": policy, **bounded})
        for policy in properties.get("ManagedPolicyArns", [])
    ]
    tags = {t["Key"]: t["Value"] for t in properties.get("Tags", [])}
    if tags:
        tag_context = {f"aws:RequestTag/{k}": v for k, v in tags.items()} | {"aws:TagKeys": sorted(tags)}
        checks.append(Check("iam:TagRole", arn, "role", context=tag_context))
    # The handler reads the role back to return its model (its create permissions list iam:GetRole).
    checks.append(Check("iam:GetRole", arn, "role"))
    denied = forward("cloudformation", checks)
    if denied is not None:
        raise ForwardAccessDenied(denied)
    role = create_role.__wrapped__.__func__(cls, resource_name, {**cloudformation_json, "Properties": properties},  # type: ignore[attr-defined]
                                            account_id, region_name, **kwargs)  # fmt: skip
    for name, document in list(role.policies.items()):
        if not isinstance(document, str):
            role.policies[name] = json.dumps(document)
    return role


def delete_checks(role: Role) -> list[Check]:
    """What AWS::IAM::Role's delete handler calls: it finds the role, lists what is attached and inline
    (whatever there is), takes each off, then deletes it — its schema's delete permissions."""
    checks = [
        Check("iam:GetRole", role.arn, "role"),
        Check("iam:ListAttachedRolePolicies", role.arn, "role"),
        Check("iam:ListRolePolicies", role.arn, "role"),
    ]
    bounded = {"iam:PermissionsBoundary": role.permissions_boundary_arn} if role.permissions_boundary_arn else {}
    checks += [
        Check("iam:DetachRolePolicy", role.arn, "role", context={"iam:PolicyARN": policy, **bounded})
        for policy in list(role.managed_policies)
    ]
    checks += [Check("iam:DeleteRolePolicy", role.arn, "role", context=bounded) for _ in list(role.policies)[:1]]
    return [*checks, Check("iam:DeleteRole", role.arn, "role")]


def install() -> None:
    original = Role.__dict__["create_from_cloudformation_json"]
    create_role.__wrapped__ = original  # type: ignore[attr-defined]
    Role.create_from_cloudformation_json = classmethod(create_role)  # type: ignore[assignment]
