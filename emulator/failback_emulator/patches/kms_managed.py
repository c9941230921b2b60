"""AWS managed keys as AWS makes them: `aws/ebs` and `aws/rds` are created on first use with the key
policy AWS gives them (usable only from their own account, through their own service) and
KeyManager AWS. moto gave `aws/ebs` a default customer key policy (any use the account's IAM allowed,
so a snapshot encrypted with it could be shared and copied across accounts) and RDS the placeholder
key id `default_kms_key_id`."""

from __future__ import annotations

from typing import Any

from moto.ec2.models.elastic_block_store import EBSBackend
from moto.rds.models import RDSBackend

from ..authz.kms_keys import ensure_aws_managed
from .common import replace

PLACEHOLDER = "default_kms_key_id"


def _ebs_default_key(self: EBSBackend) -> str:
    key = ensure_aws_managed(self.account_id, self.region_name, "alias/aws/ebs")  # type: ignore[attr-defined]
    self.default_kms_key_id = key.arn
    return str(key.arn)


def _rds_key(backend: Any, resource: Any) -> None:
    encrypted = getattr(resource, "storage_encrypted", False) or getattr(resource, "encrypted", False)
    if encrypted and getattr(resource, "kms_key_id", None) in (None, "", PLACEHOLDER):
        resource.kms_key_id = ensure_aws_managed(backend.account_id, backend.region_name, "alias/aws/rds").arn
    elif not encrypted and getattr(resource, "kms_key_id", None) == PLACEHOLDER:
        resource.kms_key_id = None  # AWS reports no key for an unencrypted cluster (nor its snapshots)


def _wrap(name: str) -> None:
    def wrapped(self: RDSBackend, *args: Any, **kwargs: Any) -> Any:
        created = getattr(wrapped, "__wrapped__")(self, *args, **kwargs)
        _rds_key(self, created)
        return created

    replace(RDSBackend, name, wrapped)


def install() -> None:
    replace(EBSBackend, "_create_default_encryption_key", _ebs_default_key)
    for name in ("create_db_instance", "create_db_cluster"):
        _wrap(name)
