"""IAM's policy quotas, as AWS enforces them (IAM User Guide, "IAM and AWS STS quotas"; moto 5.2 knows
the numbers for GetAccountSummary but enforces none of them):

- the inline policies of a role together: 10,240 characters, whitespace not counted (PutRolePolicy, and
  a CloudFormation AWS::IAM::Role with `Policies`): LimitExceeded "Maximum policy size of 10240 bytes
  exceeded for role <name>";
- one managed policy: 6,144 characters, whitespace not counted (CreatePolicy, CreatePolicyVersion):
  LimitExceeded "Cannot exceed quota for PolicySize: 6144";
- managed policies attached to one role: 10, the default (AttachRolePolicy): LimitExceeded "Cannot
  exceed quota for PoliciesPerRole: 10";
- DeletePolicy of a policy still attached: DeleteConflict "Cannot delete a policy attached to entities."

And AWS::IAM::ManagedPolicy in CloudFormation as AWS makes it: with the caller's own permissions (a
forward access session, aws:CalledVia cloudformation.amazonaws.com: iam:CreatePolicy, then
iam:AttachRolePolicy per role of `Roles`), the same quotas (a refusal fails the resource, so the stack
rolls back), and on deletion detached from its roles and deleted (moto kept it, and the role with it)."""

from __future__ import annotations

import json
import re
from typing import Any

from moto.iam.exceptions import DeleteConflictException, LimitExceededException, NoSuchEntity
from moto.iam.models import IAMBackend, ManagedPolicy, Role, iam_backends
from moto.utilities.utils import get_partition

from ..authz import forward
from ..authz.model import Check
from .cloudformation_iam import ForwardAccessDenied, without_no_value
from .common import replace

ROLE_INLINE_QUOTA = 10240
POLICY_SIZE_QUOTA = 6144
POLICIES_PER_ROLE_QUOTA = 10

_WHITESPACE = re.compile(r"\s+")


def policy_size(document: Any) -> int:
    """A policy's size as IAM counts it: its JSON's characters, whitespace not counted."""
    text = document if isinstance(document, str) else json.dumps(document)
    return len(_WHITESPACE.sub("", text))


def _inline_too_large(role_name: str) -> LimitExceededException:
    return LimitExceededException(f"Maximum policy size of {ROLE_INLINE_QUOTA} bytes exceeded for role {role_name}")


def _check_inline(role_name: str, documents: list[Any]) -> None:
    if sum(policy_size(d) for d in documents) > ROLE_INLINE_QUOTA:
        raise _inline_too_large(role_name)


def _check_managed_size(document: Any) -> None:
    if policy_size(document) > POLICY_SIZE_QUOTA:
        raise LimitExceededException(f"Cannot exceed quota for PolicySize: {POLICY_SIZE_QUOTA}")


# --- the IAM API ---


def put_role_policy(self: IAMBackend, role_name: str, policy_name: str, policy_json: str) -> None:
    role = self.get_role(role_name)
    others = [doc for name, doc in role.policies.items() if name != policy_name]
    _check_inline(role.name, [*others, policy_json])
    put_role_policy.__wrapped__(self, role_name, policy_name, policy_json)  # type: ignore[attr-defined]


def create_policy(self: IAMBackend, description: str, path: str, policy_document: str, policy_name: str,
                  tags: list[dict[str, str]]) -> ManagedPolicy:  # fmt: skip
    _check_managed_size(policy_document)
    return create_policy.__wrapped__(self, description, path, policy_document, policy_name, tags)  # type: ignore[attr-defined]


def create_policy_version(self: IAMBackend, policy_arn: str, policy_document: str, set_as_default: bool) -> Any:
    _check_managed_size(policy_document)
    return create_policy_version.__wrapped__(self, policy_arn, policy_document, set_as_default)  # type: ignore[attr-defined]


def create_backend_role(self: IAMBackend, role_name: str, assume_role_policy_document: str, path: str,
                        permissions_boundary: str | None, *args: Any, **kwargs: Any) -> Role:  # fmt: skip
    # IAM takes only an existing managed policy as a boundary; moto takes any well-formed ARN.
    if permissions_boundary and permissions_boundary not in self.managed_policies:
        raise NoSuchEntity(f"Scope ARN: {permissions_boundary} does not exist or is not attachable.")
    return create_backend_role.__wrapped__(self, role_name, assume_role_policy_document, path,  # type: ignore[attr-defined]
                                           permissions_boundary, *args, **kwargs)  # fmt: skip


def attach_role_policy(self: IAMBackend, policy_arn: str, role_name: str) -> None:
    role = self.get_role(role_name)
    if policy_arn not in role.managed_policies and len(role.managed_policies) >= POLICIES_PER_ROLE_QUOTA:
        raise LimitExceededException(f"Cannot exceed quota for PoliciesPerRole: {POLICIES_PER_ROLE_QUOTA}")
    attach_role_policy.__wrapped__(self, policy_arn, role_name)  # type: ignore[attr-defined]


def delete_policy(self: IAMBackend, policy_arn: str) -> None:
    policy = self.get_policy(policy_arn)
    if policy.attachment_count > 0:
        raise DeleteConflictException("Cannot delete a policy attached to entities.")
    delete_policy.__wrapped__(self, policy_arn)  # type: ignore[attr-defined]


# --- CloudFormation ---


def create_role(cls: type, resource_name: str, cloudformation_json: dict[str, Any], account_id: str,
                region_name: str, **kwargs: Any) -> Role:  # fmt: skip
    # CloudFormation creates the role (with the caller's permissions), then puts each inline policy:
    # the put past the quota fails the resource, and the role it made goes with the rollback.
    role = create_role.__wrapped__.__func__(cls, resource_name, cloudformation_json, account_id, region_name,  # type: ignore[attr-defined]
                                            **kwargs)  # fmt: skip
    try:
        _check_inline(role.name, list(role.policies.values()))
    except LimitExceededException:
        role.policies.clear()
        iam_backends[account_id][get_partition(region_name)].delete_role(role.name)
        raise
    return role


def _policy_arn(account: str, properties: dict[str, Any], resource_name: str) -> str:
    name = properties.get("ManagedPolicyName", resource_name)
    return f"arn:aws:iam::{account}:policy{properties.get('Path') or '/'}{name}"


def _role_arn(backend: IAMBackend, account: str, name: str) -> tuple[str, str | None]:
    """The role's ARN and its permissions boundary (the request's iam:PermissionsBoundary)."""
    role = next((r for r in backend.roles.values() if r.name == name), None)
    if role is None:
        return f"arn:aws:iam::{account}:role/{name}", None
    return role.arn, role.permissions_boundary_arn or None


def create_managed_policy(cls: type, resource_name: str, cloudformation_json: dict[str, Any], account_id: str,
                          region_name: str, **kwargs: Any) -> ManagedPolicy:  # fmt: skip
    properties = without_no_value(cloudformation_json.get("Properties", {}))
    backend: IAMBackend = iam_backends[account_id][get_partition(region_name)]
    arn = _policy_arn(account_id, properties, resource_name)
    checks = [Check("iam:CreatePolicy", arn, "policy")]
    for role_name in properties.get("Roles", []):
        role_arn, boundary = _role_arn(backend, account_id, role_name)
        bounded = {"iam:PermissionsBoundary": boundary} if boundary else {}
        checks.append(Check("iam:AttachRolePolicy", role_arn, "role", context={"iam:PolicyARN": arn, **bounded}))
    denied = forward("cloudformation", checks)
    if denied is not None:
        raise ForwardAccessDenied(denied)
    policy = backend.create_policy(
        description=properties.get("Description", ""),
        path=properties.get("Path") or "/",
        policy_document=json.dumps(properties.get("PolicyDocument", {})),
        policy_name=properties.get("ManagedPolicyName", resource_name),
        tags=properties.get("Tags", []),
    )
    try:
        for role_name in properties.get("Roles", []):
            backend.attach_role_policy(policy_arn=policy.arn, role_name=role_name)
    except Exception:
        _remove(backend, policy)  # CloudFormation rolls the half-made resource back
        raise
    return policy


def _attached_roles(backend: IAMBackend, policy: ManagedPolicy) -> list[Role]:
    return [r for r in backend.roles.values() if policy.arn in r.managed_policies]


def _remove(backend: IAMBackend, policy: ManagedPolicy) -> None:
    for role in _attached_roles(backend, policy):
        backend.detach_role_policy(policy.arn, role.name)
    backend.delete_policy(policy.arn)


def managed_policy_delete_checks(policy: ManagedPolicy) -> list[Check]:
    """AWS::IAM::ManagedPolicy's delete handler (its schema's delete permissions): finds the policy,
    lists its versions and the entities it is attached to, detaches each, deletes the policy."""
    backend: IAMBackend = iam_backends[policy.account_id][policy.partition]
    checks = [
        Check("iam:GetPolicy", policy.arn, "policy"),
        Check("iam:ListPolicyVersions", policy.arn, "policy"),
        Check("iam:ListEntitiesForPolicy", policy.arn, "policy"),
    ]
    checks += [
        Check("iam:DetachRolePolicy", role.arn, "role", context={
            "iam:PolicyARN": policy.arn,
            **({"iam:PermissionsBoundary": role.permissions_boundary_arn} if role.permissions_boundary_arn else {}),
        })
        for role in _attached_roles(backend, policy)
    ]
    return [*checks, Check("iam:DeletePolicy", policy.arn, "policy")]


def delete_managed_policy(cls: type, resource_name: str, cloudformation_json: dict[str, Any], account_id: str,
                          region_name: str) -> None:  # fmt: skip
    backend: IAMBackend = iam_backends[account_id][get_partition(region_name)]
    policy = backend.managed_policies.get(resource_name)  # the physical id is the policy's ARN
    if policy is not None:
        _remove(backend, policy)


def install() -> None:
    replace(IAMBackend, "put_role_policy", put_role_policy)
    replace(IAMBackend, "create_policy", create_policy)
    replace(IAMBackend, "create_policy_version", create_policy_version)
    replace(IAMBackend, "attach_role_policy", attach_role_policy)
    replace(IAMBackend, "create_role", create_backend_role)
    replace(IAMBackend, "delete_policy", delete_policy)
    # Wraps cloudformation_iam's (earlier in MODULES): the caller's permissions are checked first, as AWS does.
    create_role.__wrapped__ = Role.__dict__["create_from_cloudformation_json"]  # type: ignore[attr-defined]
    Role.create_from_cloudformation_json = classmethod(create_role)  # type: ignore[assignment]
    ManagedPolicy.create_from_cloudformation_json = classmethod(create_managed_policy)  # type: ignore[assignment]
    ManagedPolicy.delete_from_cloudformation_json = classmethod(delete_managed_policy)  # type: ignore[assignment]
