"""DynamoDB operations as IAM authorizes them (Service Authorization Reference, Amazon DynamoDB).
Restores need the item actions on the table they create (DynamoDB Developer Guide, "Using IAM with
DynamoDB backup and restore"); exports need to write the bucket and imports to read it and to write
their CloudWatch logs (S3DataImport.Requesting) — checked when the request is made, as AWS's
"API validation errors" are (S3DataImport.Validation)."""

from __future__ import annotations

from typing import Any

from moto.dynamodb.models import dynamodb_backends

from ..requests import ApiRequest
from . import s3_access
from .model import Check, operation, resource_tag_context, simple, tag_context
from .principals import Caller

simple("dynamodb", {"ListTables": "dynamodb:ListTables", "ListBackups": "dynamodb:ListBackups",
                    "DescribeLimits": "dynamodb:DescribeLimits", "DescribeEndpoints": "dynamodb:DescribeEndpoints"})  # fmt: skip

RESTORE_ITEM_ACTIONS = ("BatchWriteItem", "DeleteItem", "GetItem", "PutItem", "Query", "Scan", "UpdateItem")


def table_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:dynamodb:{region}:{account}:table/{name}"


def _parse(reference: str, req: ApiRequest) -> tuple[str, str, str, str]:
    """A table name or any DynamoDB ARN -> (region, account, table name, the ARN)."""
    if reference.startswith("arn:"):
        parts = reference.split(":", 5)
        table = parts[5].split("/")[1] if "/" in parts[5] else ""
        return parts[3], parts[4], table, reference
    return req.region, req.account, reference, table_arn(req.region, req.account, reference)


def _table_tags(account: str, region: str, name: str) -> dict[str, str]:
    backend = dict.get(dict.get(dynamodb_backends, account) or {}, region)
    table = backend.tables.get(name) if backend is not None else None
    if table is None:
        return {}
    return {t["Key"]: t["Value"] for t in (getattr(table, "tags", None) or [])}


def table(req: ApiRequest, action: str, reference: str, extra: dict[str, Any] | None = None) -> Check:
    region, account, name, _ = _parse(reference, req)
    context = {**resource_tag_context(_table_tags(account, region, name)), **(extra or {})}
    return Check(action, table_arn(region, account, name), "table", context=context)


def _typed(req: ApiRequest, action: str, reference: str, resource_type: str) -> Check:
    """A backup, export or import ARN (table/<name>/backup/<id>…)."""
    region, account, name, arn = _parse(reference, req)
    return Check(action, arn, resource_type, context=resource_tag_context(_table_tags(account, region, name)))


@operation(
    "dynamodb",
    "DescribeTable", "DeleteTable", "UpdateTable", "DescribeTimeToLive", "UpdateTimeToLive",
    "DescribeContinuousBackups", "UpdateContinuousBackups", "CreateBackup", "Scan", "Query",
    "GetItem", "PutItem", "UpdateItem", "DeleteItem",
)  # fmt: skip
def on_table(req: ApiRequest, _who: Caller) -> list[Check]:
    return [table(req, f"dynamodb:{req.operation}", str(req.params.get("TableName", "")))]


@operation("dynamodb", "BatchGetItem", "BatchWriteItem")
def batch(req: ApiRequest, _who: Caller) -> list[Check]:
    names = sorted((req.params.get("RequestItems") or {}).keys())
    return [table(req, f"dynamodb:{req.operation}", name) for name in names]


@operation("dynamodb", "CreateTable")
def create_table(req: ApiRequest, _who: Caller) -> list[Check]:
    tags = {t["Key"]: t["Value"] for t in req.params.get("Tags") or []}
    name = str(req.params.get("TableName", ""))
    context = tag_context(tags) if tags else {}
    return [Check("dynamodb:CreateTable", table_arn(req.region, req.account, name), "table", context=context)]


@operation("dynamodb", "TagResource", "UntagResource", "ListTagsOfResource")
def tagging(req: ApiRequest, _who: Caller) -> list[Check]:
    if req.operation == "TagResource":
        extra = tag_context({t["Key"]: t["Value"] for t in req.params.get("Tags") or []})
    elif req.operation == "UntagResource":
        extra = {"aws:TagKeys": sorted(req.params.get("TagKeys") or [])}
    else:
        extra = {}
    return [table(req, f"dynamodb:{req.operation}", str(req.params.get("ResourceArn", "")), extra)]


@operation("dynamodb", "DescribeBackup", "DeleteBackup")
def backup(req: ApiRequest, _who: Caller) -> list[Check]:
    return [_typed(req, f"dynamodb:{req.operation}", str(req.params.get("BackupArn", "")), "backup")]


@operation("dynamodb", "DescribeExport")
def describe_export(req: ApiRequest, _who: Caller) -> list[Check]:
    return [_typed(req, "dynamodb:DescribeExport", str(req.params.get("ExportArn", "")), "export")]


@operation("dynamodb", "DescribeImport")
def describe_import(req: ApiRequest, _who: Caller) -> list[Check]:
    return [_typed(req, "dynamodb:DescribeImport", str(req.params.get("ImportArn", "")), "import")]


@operation("dynamodb", "ListExports", "ListImports")
def listing(req: ApiRequest, _who: Caller) -> list[Check]:
    reference = req.params.get("TableArn")
    if reference:
        return [table(req, f"dynamodb:{req.operation}", str(reference))]
    return [Check(f"dynamodb:{req.operation}")]


def _restored(req: ApiRequest, action: str, name: str) -> list[Check]:
    checks = [table(req, action, name)]
    checks += [table(req, f"dynamodb:{a}", name) for a in RESTORE_ITEM_ACTIONS]
    return checks


@operation("dynamodb", "RestoreTableFromBackup")
def restore_from_backup(req: ApiRequest, _who: Caller) -> list[Check]:
    action = "dynamodb:RestoreTableFromBackup"
    source = _typed(req, action, str(req.params.get("BackupArn", "")), "backup")
    return [source, *_restored(req, action, str(req.params.get("TargetTableName", "")))]


@operation("dynamodb", "RestoreTableToPointInTime")
def restore_to_point(req: ApiRequest, _who: Caller) -> list[Check]:
    action = "dynamodb:RestoreTableToPointInTime"
    source = str(req.params.get("SourceTableArn") or req.params.get("SourceTableName") or "")
    return [table(req, action, source), *_restored(req, action, str(req.params.get("TargetTableName", "")))]


@operation("dynamodb", "ExportTableToPointInTime")
def export(req: ApiRequest, _who: Caller) -> list[Check]:
    p = req.params
    bucket, prefix = str(p.get("S3Bucket", "")), str(p.get("S3Prefix") or "")
    key = f"{prefix.rstrip('/')}/AWSDynamoDB/data" if prefix else "AWSDynamoDB/data"
    writes = [s3_access.object_check(f"s3:{a}", bucket, key) for a in ("PutObject", "AbortMultipartUpload", "PutObjectAcl")]
    return [table(req, "dynamodb:ExportTableToPointInTime", str(p.get("TableArn", ""))), *writes]


@operation("dynamodb", "ImportTable")
def import_table(req: ApiRequest, _who: Caller) -> list[Check]:
    p = req.params
    source = p.get("S3BucketSource") or {}
    bucket, prefix = str(source.get("S3Bucket", "")), str(source.get("S3KeyPrefix") or "")
    name = str((p.get("TableCreationParameters") or {}).get("TableName", ""))
    checks = [Check("dynamodb:ImportTable", table_arn(req.region, req.account, name), "table")]
    checks.append(s3_access.object_check("s3:GetObject", bucket, f"{prefix}data" if prefix.endswith("/") or not prefix else f"{prefix}/data"))
    checks.append(s3_access.bucket_check("s3:ListBucket", bucket, {"s3:prefix": prefix}))
    group = f"arn:aws:logs:{req.region}:{req.account}:log-group:/aws-dynamodb/imports"
    for action in ("CreateLogGroup", "PutRetentionPolicy"):
        checks.append(Check(f"logs:{action}", group, "log-group"))
    checks.append(Check("logs:DescribeLogGroups"))  # no resource types in the SAR: "*"
    stream = f"{group}:log-stream:{name}"
    for action in ("CreateLogStream", "PutLogEvents"):
        checks.append(Check(f"logs:{action}", stream, "log-stream"))
    checks.append(Check("logs:DescribeLogStreams", group, "log-group"))
    return checks
