"""KMS keys as authorization sees them: a key reference (id, ARN, alias, alias ARN) resolved to the key,
its account, region and key policy, and the AWS managed keys (`aws/ebs`, `aws/rds`) with the key
policy AWS gives them — usable only by principals of their own account through their own service, which
is why a snapshot encrypted with one cannot be used from another account (EBS User Guide, "Share an
Amazon EBS snapshot"; RDS User Guide, "Sharing encrypted snapshots")."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from moto.kms.models import kms_backends

from .model import Check, KeyUse
from .principals import Caller, document

SERVICE_ACTIONS = {
    # EBS User Guide, "Requirements for Amazon EBS encryption": permissions for users.
    "ec2": ("kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKeyWithoutPlaintext",
            "kms:ReEncryptFrom", "kms:ReEncryptTo"),
    # RDS User Guide, "AWS KMS key management": authorizing use of a customer managed key.
    "rds": ("kms:CreateGrant", "kms:DescribeKey"),
}  # fmt: skip
_MANAGED_FOR = {"alias/aws/ebs": "ec2", "alias/aws/rds": "rds"}


@dataclass
class ResolvedKey:
    key: Any  # moto's Key
    account: str
    region: str

    @property
    def arn(self) -> str:
        return str(self.key.arn)

    @property
    def policy(self) -> dict[str, Any]:
        return document(self.key.policy)


def _backend(account: str, region: str) -> Any:
    per_account = dict.get(kms_backends, account)
    if per_account is None:
        return None
    return dict.get(per_account, region)


def aws_managed_policy(account: str, service: str, region: str) -> str:
    """The key policy AWS gives its managed keys (the same shape for aws/ebs and aws/rds)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Id": f"auto-{service}-1",
            "Statement": [
                {
                    "Sid": f"Allow access through {service.upper()} for all principals in the account that are authorized to use {service.upper()}",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                               "kms:CreateGrant", "kms:DescribeKey"],  # fmt: skip
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {"kms:CallerAccount": account, "kms:ViaService": f"{service}.{region}.amazonaws.com"}
                    },
                },
                {
                    "Sid": "Allow direct access to key metadata to the account",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{account}:root"},
                    "Action": ["kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"],
                    "Resource": "*",
                },
            ],
        }
    )


def ensure_aws_managed(account: str, region: str, alias: str) -> Any:
    """The AWS managed key `alias` of the account and region, created on first use as AWS does."""
    service = _MANAGED_FOR[alias]
    kms = kms_backends[account][region]
    for key in kms.keys.values():
        if alias in key.aliases:
            return key
    key = kms.create_key(
        policy=aws_managed_policy(account, service, region),
        key_usage="ENCRYPT_DECRYPT",
        key_spec="SYMMETRIC_DEFAULT",
        description=f"Default key that protects my {service.upper()} resources when no other key is defined",
        tags=None,
    )
    key.key_manager = "AWS"
    kms.create_alias(key.id, alias)
    return key


def resolve(reference: str, account: str, region: str) -> ResolvedKey | None:
    """The key a reference names, looked up in `account`/`region` unless it is an ARN; None if none."""
    if reference.startswith("arn:"):
        parts = reference.split(":", 5)
        region, account = parts[3], parts[4]
    if reference.split(":")[-1].removeprefix("alias/") in ("aws/ebs", "aws/rds") or reference in _MANAGED_FOR:
        alias = "alias/" + reference.split("alias/")[-1]
        if alias in _MANAGED_FOR:
            return ResolvedKey(ensure_aws_managed(account, region, alias), account, region)
    backend = _backend(account, region)
    if backend is None:
        return None
    try:
        return ResolvedKey(backend.describe_key(reference), account, region)
    except Exception:
        return None


def service_checks(use: KeyUse, who: Caller) -> tuple[list[Check], str | None]:
    """What a service's use of a key asks of the caller: one check per KMS action, or why it cannot be
    used at all (missing, disabled, pending deletion)."""
    resolved = resolve(use.key, use.account, use.region)
    if resolved is None:
        return [], f"KMS key {use.key} ({use.role}) does not exist or is not visible from {use.account}"
    if not resolved.key.enabled or resolved.key.key_state != "Enabled":
        return [], f"KMS key {resolved.arn} ({use.role}) is {resolved.key.key_state.lower()}"
    context = {
        "kms:ViaService": f"{use.service}.{resolved.region}.amazonaws.com",
        "kms:CallerAccount": who.account,
        "aws:ViaAWSService": "false",
    }
    checks = []
    for action in SERVICE_ACTIONS[use.service]:
        extra = {"kms:GrantIsForAWSResource": "true"} if action == "kms:CreateGrant" else {}
        checks.append(
            Check(action, resolved.arn, "key", owner=resolved.account, context={**context, **extra}, resource_policy=resolved.policy)
        )
    return checks, None


def key_check(action: str, reference: str, who_account: str, region: str, extra: dict[str, Any] | None = None) -> Check | None:
    """A direct KMS call on a key (DescribeKey, CreateGrant, PutKeyPolicy…); None for a key of the
    caller's own account that does not exist (KMS answers NotFoundException; a missing key of another
    account is AccessDenied: KMS does not say whether it exists)."""
    resolved = resolve(reference, who_account, region)
    if resolved is None:
        arn = reference if reference.startswith("arn:") else f"arn:aws:kms:{region}:{who_account}:key/{reference}"
        if arn.split(":")[4] == who_account:
            return None
        return Check(action, arn, "key", context=dict(extra or {}), resource_policy={"Version": "2012-10-17", "Statement": []})
    context = {"kms:CallerAccount": who_account, **(extra or {})}
    return Check(action, resolved.arn, "key", owner=resolved.account, context=context, resource_policy=resolved.policy)
