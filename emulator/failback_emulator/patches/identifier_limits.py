"""The identifier limits AWS enforces on what the orchestrator names, checked before moto (which
accepts any length): RDS DB instance, cluster and cluster snapshot identifiers 1–63 characters, DB
snapshot identifiers 1–255 (RDS API Reference, each Identifier parameter), all starting with a letter,
letters, digits and single hyphens; AMI names 3–128 (EC2 API Reference, CreateImage/CopyImage Name);
DynamoDB table and backup names 3–255 (DynamoDB API Reference); S3 bucket names 3–63 (S3 User Guide,
"Bucket naming rules"); IAM role names 1–64 (IAM API Reference, CreateRole); CloudFormation
parameter values at most 4,096 bytes and template bodies at most 51,200 bytes (CloudFormation User
Guide, "CloudFormation quotas"). And CopyDBClusterSnapshot
with KmsKeyId for an unencrypted cluster snapshot, which the RDS API Reference says returns an error."""

from __future__ import annotations

import re

from .. import context
from ..errors import AwsError
from ..requests import ApiRequest

_RDS_ID = re.compile(r"^[A-Za-z](?:[A-Za-z0-9]|-(?!-))*$")
_RDS_LIMITS = {
    "CreateDBInstance": {"DBInstanceIdentifier": 63},
    "RestoreDBInstanceFromDBSnapshot": {"DBInstanceIdentifier": 63},
    "CreateDBCluster": {"DBClusterIdentifier": 63},
    "RestoreDBClusterFromSnapshot": {"DBClusterIdentifier": 63},
    "CreateDBClusterSnapshot": {"DBClusterSnapshotIdentifier": 63},
    "CopyDBClusterSnapshot": {"TargetDBClusterSnapshotIdentifier": 63},
    "CreateDBSnapshot": {"DBSnapshotIdentifier": 255},
    "CopyDBSnapshot": {"TargetDBSnapshotIdentifier": 255},
    "ModifyDBInstance": {"NewDBInstanceIdentifier": 63},
    "ModifyDBCluster": {"NewDBClusterIdentifier": 63},
}


def _rds(req: ApiRequest) -> AwsError | None:
    for parameter, limit in _RDS_LIMITS.get(req.operation, {}).items():
        value = req.params.get(parameter)
        if value is None:
            continue
        value = str(value)
        if not (1 <= len(value) <= limit) or not _RDS_ID.match(value) or value.endswith("-"):
            return AwsError(
                400,
                "InvalidParameterValue",
                f"The parameter {parameter} is not a valid identifier. Identifiers must begin with a letter; "
                f"must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or "
                f"contain two consecutive hyphens. It must be 1 to {limit} characters long.",
            )
    if req.operation == "CopyDBClusterSnapshot" and req.params.get("KmsKeyId"):
        return _unencrypted_cluster_copy(req)
    return None


def _unencrypted_cluster_copy(req: ApiRequest) -> AwsError | None:
    from moto.rds.models import rds_backends

    from .rds_snapshots import resolve

    try:
        source = resolve(rds_backends[req.account][req.region], str(req.params.get("SourceDBClusterSnapshotIdentifier", "")), cluster=True)
    except Exception:
        return None  # moto answers the not-found
    if getattr(source, "storage_encrypted", False) or getattr(source.cluster, "storage_encrypted", False):
        return None
    return AwsError(
        400,
        "InvalidParameterCombination",
        "You cannot encrypt an unencrypted DB cluster snapshot when you copy it: "
        "do not specify KmsKeyId for an unencrypted source.",
    )


def _ec2(req: ApiRequest) -> AwsError | None:
    if req.operation in ("CreateImage", "CopyImage"):
        name = str(req.params.get("Name", ""))
        if not (3 <= len(name) <= 128):
            return AwsError(400, "InvalidParameterValue", f"AMI names must be between 3 and 128 characters long, not {len(name)}.")
    token = req.params.get("ClientToken")
    if token is not None and len(str(token)) > 64:
        return AwsError(400, "InvalidParameterValue", "ClientToken must be at most 64 characters long.")
    return None


def _dynamodb(req: ApiRequest) -> AwsError | None:
    names = {
        "CreateTable": req.params.get("TableName"),
        "RestoreTableFromBackup": req.params.get("TargetTableName"),
        "RestoreTableToPointInTime": req.params.get("TargetTableName"),
        "CreateBackup": req.params.get("BackupName"),
        "ImportTable": (req.params.get("TableCreationParameters") or {}).get("TableName"),
    }
    value = names.get(req.operation)
    if value is not None and not (3 <= len(str(value)) <= 255):
        field = "BackupName" if req.operation == "CreateBackup" else "TableName"
        return AwsError(400, "ValidationException",
                        f"{field} must be at least 3 characters long and at most 255 characters long")  # fmt: skip
    return None


_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


def _s3(req: ApiRequest) -> AwsError | None:
    if req.operation != "CreateBucket":
        return None
    bucket = str(req.params.get("_path", "/")).strip("/").split("/")[0]
    if not _BUCKET.match(bucket):
        return AwsError(400, "InvalidBucketName", "The specified bucket is not valid.")
    return None


def _iam(req: ApiRequest) -> AwsError | None:
    name = req.params.get("RoleName")
    if req.operation == "CreateRole" and name is not None and not (1 <= len(str(name)) <= 64):
        return AwsError(400, "ValidationError",
                        "1 validation error detected: Value at 'roleName' failed to satisfy constraint: "
                        "Member must have length less than or equal to 64")  # fmt: skip
    return None


_PARAMETER_VALUE_BYTES = 4096
_TEMPLATE_BODY_BYTES = 51200


def _cloudformation(req: ApiRequest) -> AwsError | None:
    if req.operation not in ("CreateStack", "UpdateStack", "ValidateTemplate"):
        return None
    from ..authz.model import indexed

    body = req.params.get("TemplateBody")
    if body is not None and len(str(body).encode()) > _TEMPLATE_BODY_BYTES:
        return AwsError(400, "ValidationError",
                        f"1 validation error detected: Value at 'templateBody' failed to satisfy constraint: "
                        f"Member must have length less than or equal to {_TEMPLATE_BODY_BYTES}")  # fmt: skip
    for parameter in indexed(req.params, "Parameters"):
        value = str(parameter.get("ParameterValue") or "")
        if len(value.encode()) > _PARAMETER_VALUE_BYTES:
            return AwsError(400, "ValidationError",
                            f"Parameter '{parameter.get('ParameterKey')}' value is {len(value.encode())} bytes: "
                            f"the maximum size of a parameter value is {_PARAMETER_VALUE_BYTES} bytes")  # fmt: skip
    return None


def install() -> None:
    guards = (("rds", _rds), ("ec2", _ec2), ("dynamodb", _dynamodb), ("s3", _s3), ("iam", _iam),
              ("cloudformation", _cloudformation))  # fmt: skip
    for service, guard in guards:
        context.add_guard(service, guard)
