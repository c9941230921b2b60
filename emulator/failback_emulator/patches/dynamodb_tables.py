"""DynamoDB tables and backups: CREATING -> ACTIVE (create, restore, import), backups CREATING ->
AVAILABLE, requests on a table that is not ACTIVE refused as AWS refuses them, restores across
regions of one account (from a backup ARN or a source table ARN), PITR required for PITR restores."""

from __future__ import annotations

import copy
from typing import Any

from moto.core.responses import ActionResult
from moto.dynamodb.exceptions import (
    BackupNotFoundException,
    PointInTimeRecoveryUnavailable,
    SourceTableNotFoundException,
    TableAlreadyExistsException,
)
from moto.dynamodb.models import DynamoDBBackend, dynamodb_backends
from moto.dynamodb.models.table import Backup, RestoredPITTable, RestoredTable, Table
from moto.dynamodb.responses import DynamoHandler, DynamoResult

from .. import context, errors, timing
from ..requests import ApiRequest
from . import sizes_resources
from .common import existing_backends, parse_arn, replace

DATA_PLANE = errors.DYNAMODB_DATA_PLANE
CONTROL_PLANE = {"UpdateTable", "UpdateTimeToLive", "UpdateContinuousBackups", "CreateBackup", "DeleteTable"}


def _table(req: ApiRequest, name: str) -> Table | None:
    backend = next(
        (b for a, _, b in existing_backends(dynamodb_backends, req.region) if a == req.account), None
    )
    if backend is None:
        return None
    arn = parse_arn(name)
    return backend.tables.get(arn["resource"].split("/")[1] if arn else name)


def guard(req: ApiRequest) -> errors.AwsError | None:
    """AWS answers requests on a table that is not ACTIVE yet: not found (data) or in use (control)."""
    if req.operation not in DATA_PLANE and req.operation not in CONTROL_PLANE:
        return None
    names = list(req.params.get("RequestItems", {}).keys()) if "RequestItems" in req.params else []
    names += [req.params["TableName"]] if isinstance(req.params.get("TableName"), str) else []
    names += [
        i[k]["TableName"] for i in req.params.get("TransactItems", []) for k in i if "TableName" in i[k]
    ]
    for name in names:
        table = _table(req, name)
        transition = timing.current(table) if table is not None else None
        if transition is None:
            continue
        if req.operation in DATA_PLANE:
            return errors.AwsError(
                400,
                "ResourceNotFoundException",
                "Requested resource not found: the table's status is not ACTIVE "
                f"(Table: {name} is {transition.label})",
            )
        return errors.AwsError(
            400,
            "ResourceInUseException",
            f"Attempt to change a resource which is still in use: Table is being created: {name}",
        )
    return None


def _describe(original: Any) -> Any:
    def describe(self: Table, base_key: str = "TableDescription") -> dict[str, Any]:
        result = original(self, base_key)
        transition = timing.current(self)
        if transition is not None:
            result[base_key]["TableStatus"] = transition.label
            if "RestoreSummary" in result[base_key]:
                result[base_key]["RestoreSummary"]["RestoreInProgress"] = True
        return result

    return describe


def create_table(self: DynamoDBBackend, *args: Any, **kwargs: Any) -> Table:
    table = create_table.__wrapped__(self, *args, **kwargs)  # type: ignore[attr-defined]
    if context.current_operation() == "CreateTable":
        timing.begin(table, "dynamodb.table", self.account_id, "CREATING")
    return table


def create_backup(self: DynamoDBBackend, table_name: str, backup_name: str) -> Backup:
    backup = create_backup.__wrapped__(self, table_name, backup_name)  # type: ignore[attr-defined]
    timing.begin(backup, "dynamodb.backup", self.account_id, "CREATING")
    return backup


def _own_account_backend(self: DynamoDBBackend, arn: str, not_found: Exception) -> DynamoDBBackend:
    parts = parse_arn(arn)
    if parts is None or parts["region"] == self.region_name:
        return self
    if parts["account"] != self.account_id:  # restores never cross accounts in AWS
        raise not_found
    return dynamodb_backends[self.account_id][parts["region"]]


def _restored_settings(table: Any, source: Any) -> None:
    # AWS restores a table with its source's billing mode and encryption (the rest — tags, streams,
    # TTL, PITR, auto scaling — is set again by hand); moto made every restored table PROVISIONED
    # and unencrypted.
    table.billing_mode = source.billing_mode
    table.sse_specification = copy.deepcopy(source.sse_specification)


def restore_table_from_backup(
    self: DynamoDBBackend, target_table_name: str, backup_arn: str
) -> RestoredTable:
    owner = _own_account_backend(self, backup_arn, BackupNotFoundException(backup_arn))
    backup = owner.get_backup(backup_arn)
    if timing.in_progress(backup):
        from moto.dynamodb.exceptions import DynamodbException

        raise DynamodbException(
            errors.DYNAMODB_PREFIX + "BackupInUseException", f"Backup is being created: {backup_arn}"
        )
    if target_table_name in self.tables:
        raise TableAlreadyExistsException(target_table_name)
    table = RestoredTable(
        target_table_name, account_id=self.account_id, region=self.region_name, backup=backup
    )
    _restored_settings(table, backup.table)
    self.tables[target_table_name] = table
    sizes_resources.inherit(table, backup.table)
    gib = sizes_resources.table_gib(backup.table)
    timing.begin(table, "dynamodb.restore", self.account_id, "CREATING", gib)
    return table


def restore_table_to_point_in_time(
    self: DynamoDBBackend,
    target_table_name: str,
    source_table_name: str | None,
    source_table_arn: str | None = None,
) -> RestoredPITTable:
    name = source_table_arn or source_table_name or ""
    owner = _own_account_backend(self, name, SourceTableNotFoundException(name))
    try:
        source = owner.get_table(name)
    except Exception:
        raise SourceTableNotFoundException(name) from None
    pitr = source.continuous_backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"]
    if pitr != "ENABLED":
        raise PointInTimeRecoveryUnavailable(source.name)
    if target_table_name in self.tables:
        raise TableAlreadyExistsException(target_table_name)
    table = RestoredPITTable(
        target_table_name, account_id=self.account_id, region=self.region_name, source=source
    )
    _restored_settings(table, source)
    self.tables[target_table_name] = table
    sizes_resources.inherit(table, source)
    timing.begin(table, "dynamodb.restore", self.account_id, "CREATING", sizes_resources.table_gib(source))
    return table


def restore_table_to_point_in_time_response(self: DynamoHandler) -> ActionResult:
    table = self.dynamodb_backend.restore_table_to_point_in_time(
        self.body.get("TargetTableName"), self.body.get("SourceTableName"), self.body.get("SourceTableArn")
    )
    return DynamoResult(table.describe())


def tag_resource(self: DynamoDBBackend, table_arn: str, tags: list[dict[str, str]]) -> None:
    """AWS replaces the value of a key already there; moto appended a duplicate, and its
    ListTagsOfResource paging (by key) then never ends once a table has more than 10 tags."""
    for table in self.tables.values():
        if table.table_arn == table_arn:
            new = {t["Key"]: t for t in tags}
            table.tags = [t for t in table.tags if t["Key"] not in new] + list(new.values())


def install() -> None:
    replace(DynamoDBBackend, "tag_resource", tag_resource)
    for cls in (Table, RestoredTable, RestoredPITTable):
        # Each class's own describe: the restored ones add RestoreSummary after Table's.
        replace(cls, "describe", _describe(cls.__dict__["describe"]))
    timing.lazy_attribute(Backup, "status")
    replace(DynamoDBBackend, "create_table", create_table)
    replace(DynamoDBBackend, "create_backup", create_backup)
    replace(DynamoDBBackend, "restore_table_from_backup", restore_table_from_backup)
    replace(DynamoDBBackend, "restore_table_to_point_in_time", restore_table_to_point_in_time)
    replace(DynamoHandler, "restore_table_to_point_in_time", restore_table_to_point_in_time_response)
    context.add_guard("dynamodb", guard)
