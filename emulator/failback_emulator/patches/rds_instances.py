"""RDS DB instances: creating -> available (create and restore), renaming -> available (the old
identifier stays taken until the rename is done), state checks AWS makes,
RestoreDBInstanceFromDBSnapshot from a snapshot ARN shared by another account, and automated backups
that belong to their instance (its resource id), not to whatever instance holds its name now."""

from __future__ import annotations

import copy
import secrets
import string
import time
from collections.abc import Callable
from typing import Any

from moto.rds.exceptions import (
    DBClusterSnapshotAlreadyExistsError,
    DBInstanceAlreadyExists,
    DBSnapshotAlreadyExistsError,
    InvalidParameterValue,
    RDSClientError,
)
from moto.rds.models import DBCluster, DBInstance, DBInstanceClustered, RDSBackend

from .. import context, timing
from . import outcomes, rds_snapshots, sizes_resources
from .common import replace

_CREATE_KINDS = {
    "CreateDBInstance": "rds.instance",
    "CreateDBInstanceReadReplica": "rds.instance",
    "RestoreDBInstanceFromDBSnapshot": "rds.instance-restore",
    "RestoreDBInstanceToPointInTime": "rds.instance-restore",
}


def reserved(backend: RDSBackend, attribute: str) -> dict[str, float]:
    """Identifiers freed by a rename still in progress: name -> when it is free."""
    names: dict[str, float] = backend.__dict__.setdefault(attribute, {})
    now = time.time()
    for name in [n for n, until in names.items() if until <= now]:
        del names[name]
    return names


def require_available(database: DBInstance) -> None:
    if timing.in_progress(database) or database.status not in ("available", "storage-optimization"):
        raise RDSClientError(
            "InvalidDBInstanceState",
            f"Database instance {database.db_instance_identifier} is not in the available state "
            f"(it is {database.status}).",
        )


def create_db_instance(self: RDSBackend, db_kwargs: dict[str, Any]) -> DBInstance:
    if db_kwargs["db_instance_identifier"] in reserved(self, "_fb_renamed_instances"):
        raise DBInstanceAlreadyExists()
    _check_monitoring(db_kwargs, self.account_id)
    _check_insights(db_kwargs)
    database = create_db_instance.__wrapped__(self, db_kwargs)  # type: ignore[attr-defined]
    _set_monitoring(database, db_kwargs, defaults=True)
    kind = _CREATE_KINDS.get(context.current_operation())
    if kind:
        timing.begin(database, kind, self.account_id, "creating")
        outcome = outcomes.pending()
        if outcome is not None:
            # Reported once `creating` is over: the restore failed and stays so (a person deletes it).
            database.status = outcome[0]
    return database


def modify_db_instance(
    self: RDSBackend, db_instance_identifier: str, db_kwargs: dict[str, Any]
) -> DBInstance:
    database = self.describe_db_instances(db_instance_identifier)[0]
    require_available(database)
    _check_monitoring(db_kwargs, self.account_id, getattr(database, "monitoring_role_arn", None))
    _check_insights(db_kwargs)
    new_id = db_kwargs.get("new_db_instance_identifier")
    if new_id and (new_id in self.databases or new_id in reserved(self, "_fb_renamed_instances")):
        raise DBInstanceAlreadyExists()
    result = modify_db_instance.__wrapped__(self, db_instance_identifier, db_kwargs)  # type: ignore[attr-defined]
    _set_monitoring(database, db_kwargs, defaults=False)
    if new_id:
        transition = timing.begin(database, "rds.instance-rename", self.account_id, "renaming")
        reserved(self, "_fb_renamed_instances")[db_instance_identifier] = transition.ready_at
    return result


def _check_monitoring(db_kwargs: dict[str, Any], account: str, current_role: str | None = None) -> None:
    interval = db_kwargs.get("monitoring_interval")
    role = db_kwargs.get("monitoring_role_arn")
    if interval not in (None, 0, "0") and not (role or current_role):
        raise RDSClientError(
            "InvalidParameterCombination",
            "A MonitoringRoleARN value is required if you specify a MonitoringInterval value "
            "other than 0.",
        )
    if role and not _role_exists(account, str(role)):
        # What RDS answers for a monitoring role that is not there (or that it cannot assume): the
        # ModifyDBInstance/CreateDBInstance references list InvalidParameterValue among the common
        # errors; the message is RDS's own, as reported in hashicorp/terraform#5455 (a role removed, then
        # ModifyDBInstance with its ARN). moto accepted any ARN, so a plan passing primary a role of the
        # recovery account, or one removed since preflight, looked fine.
        raise InvalidParameterValue(
            "IAM role ARN value is invalid or does not include the required permissions for: "
            "ENHANCED_MONITORING"
        )


def _role_exists(account: str, role_arn: str) -> bool:
    """A role of the database's own account (RDS assumes it there), by its ARN, path included."""
    from moto.iam.models import iam_backends

    parts = role_arn.split(":", 5)
    if len(parts) < 6 or parts[4] != account or account not in iam_backends:
        return False
    return any(r.arn == role_arn for r in iam_backends[account]["aws"].roles.values())


def _set_monitoring(database: DBInstance, db_kwargs: dict[str, Any], defaults: bool) -> None:
    # moto keeps neither enhanced monitoring nor Performance Insights: a restore that dropped them (as
    # RestoreDBInstanceFromDBSnapshot does: its API reference has no MonitoringInterval or
    # EnablePerformanceInsights, unlike CreateDBInstance and ModifyDBInstance) looked like one that
    # kept them. CreateDBInstance: "If MonitoringRoleArn is specified, then you must set
    # MonitoringInterval to a value other than 0" and the interval needs the role (_check_monitoring).
    interval = db_kwargs.get("monitoring_interval")
    role = db_kwargs.get("monitoring_role_arn")
    if interval is not None or defaults:
        database.monitoring_interval = int(interval or 0)
    if role is not None or defaults:
        database.monitoring_role_arn = role
    insights = db_kwargs.get("enable_performance_insights")
    if insights is not None or defaults:
        database.performance_insights_enabled = str(insights).lower() == "true"
    # Its retention: 7 days unless the request says (and only while it is on), as RDS answers it.
    retention = db_kwargs.get("performance_insights_retention_period")
    if not database.performance_insights_enabled:
        database.performance_insights_retention_period = None
    elif retention is not None:
        database.performance_insights_retention_period = int(retention)
    elif getattr(database, "performance_insights_retention_period", None) is None:
        database.performance_insights_retention_period = 7


# RDS User Guide, "Configuring the retention period for Performance Insights": 7 days (free), or
# 1 to 23 months counted as 31 days each, or 731 days (2 years).
PI_RETENTION_DAYS = {7, 731, *(31 * month for month in range(1, 24))}


def _check_insights(db_kwargs: dict[str, Any]) -> None:
    retention = db_kwargs.get("performance_insights_retention_period")
    if retention is not None and int(retention) not in PI_RETENTION_DAYS:
        raise InvalidParameterValue(
            f"Invalid Performance Insights retention period: {retention}. Valid values are 7, "
            "month * 31 (where month is a number of months from 1-23) and 731."
        )


def create_db_snapshot(self: RDSBackend, db_instance_identifier: str, *args: Any, **kwargs: Any) -> Any:
    database = self.databases.get(db_instance_identifier)
    if database is not None and kwargs.get("snapshot_type", "manual") == "manual":
        require_available(database)
    return create_db_snapshot.__wrapped__(self, db_instance_identifier, *args, **kwargs)  # type: ignore[attr-defined]


# What a snapshot does not bring back (RestoreDBInstanceFromDBSnapshot's defaults: a Single-AZ instance,
# no deletion protection, no IAM database authentication, no tags unless the request gives them, tags
# not copied to snapshots); moto copied all of it from the source instance, so a restore that forgot
# them looked complete.
NOT_RESTORED = {
    "multi_az",
    "deletion_protection",
    "enable_iam_database_authentication",
    "tags",
    "copy_tags_to_snapshot",
    "monitoring_interval",
    "monitoring_role_arn",
    "performance_insights_enabled",
    "performance_insights_retention_period",
}


def restore_db_instance_from_db_snapshot(
    self: RDSBackend, from_snapshot_id: str, overrides: dict[str, Any]
) -> DBInstance:
    # moto's own version looks the snapshot up in the caller's account only and drops the ARN's account.
    snapshot = rds_snapshots.resolve(self, from_snapshot_id, cluster=False)
    if snapshot.backend.region_name != self.region_name:
        raise InvalidParameterValue("The snapshot must be in the same region as the restored DB instance.")
    rds_snapshots.require_available(snapshot, cluster=False)
    original = snapshot.database
    if overrides["db_instance_identifier"] in self.databases:
        raise DBInstanceAlreadyExists()
    props: dict[str, Any] = {}
    skipped = {
        "backend",
        "db_parameter_group_name",
        "vpc_security_group_ids",
        "max_allocated_storage",
        "db_subnet_group",
    } | NOT_RESTORED
    for key, value in original.__dict__.items():
        key = key[1:] if key.startswith("_") else key
        if key not in skipped and not key.startswith("fb_"):
            props[key] = copy.copy(value)
    props["kms_key_id"] = snapshot.kms_key_id
    props["storage_encrypted"] = snapshot.encrypted
    if not original.option_group_supplied:
        props.pop("option_group_name", None)
    if snapshot.backend is not self:
        # Names of the owner's subnet and option groups mean nothing in this account.
        props.pop("db_subnet_group_name", None)
        props.pop("option_group_name", None)
    if "allocated_storage" in overrides and overrides["allocated_storage"] < snapshot.allocated_storage:
        raise InvalidParameterValue(
            "The allocated storage size can't be less than the source snapshot or backup size."
        )
    for key, value in overrides.items():
        if value:
            props[key] = value
    database = self.create_db_instance(props)
    # A restore moves the snapshot's data: base + used GiB x rate; the new instance holds that data.
    record = sizes_resources.rds_snapshot_record(snapshot, cluster=False)
    size = sizes_resources.instance_size(database)
    size.used_gib, size.change_gib_per_hour = record.used_gib, 0.0
    timing.begin(database, "rds.instance-restore", self.account_id, "creating", record.used_gib)
    return database


def delete_db_instance(self: RDSBackend, db_instance_identifier: str, *args: Any, **kwargs: Any) -> Any:
    # moto deleted the automated snapshots of every instance that ever had this identifier: deleting a
    # restored copy took the automated backups of the renamed original with it. AWS deletes (unless
    # asked to keep them) those of the deleted instance only.
    database = self.databases.get(db_instance_identifier)
    resource_id = getattr(database, "dbi_resource_id", None)
    delete_backups = kwargs.pop("delete_automated_backups", True)
    result = delete_db_instance.__wrapped__(  # type: ignore[attr-defined]
        self, db_instance_identifier, *args, delete_automated_backups=False, **kwargs
    )
    if delete_backups is not False and resource_id:
        for snapshot_id, snapshot in list(self.database_snapshots.items()):
            if snapshot.snapshot_type == "automated" and snapshot.database.dbi_resource_id == resource_id:
                del self.database_snapshots[snapshot_id]
    return result


def _tolerant(original: Callable[[Any], None]) -> Callable[[Any], None]:
    # moto names automated snapshots by identifier and minute: a rename followed by a restore under
    # the old name collides. AWS keys them by resource id; one automated snapshot is enough here.
    # Aurora backs up clusters, never their member instances (moto snapshotted each member).
    def save_automated_backup(self: Any) -> None:
        if isinstance(self, DBInstanceClustered):
            return
        try:
            original(self)
        except (DBSnapshotAlreadyExistsError, DBClusterSnapshotAlreadyExistsError):
            pass

    return save_automated_backup


def _unique_resource_id(original: Callable[..., None]) -> Callable[..., None]:
    # moto gives every instance the same DbiResourceId; AWS's is unique and survives a rename, which is
    # how a retired (renamed) database is recognised.
    def __init__(self: DBInstance, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        alphabet = string.ascii_uppercase + string.digits
        self.dbi_resource_id = "db-" + "".join(secrets.choice(alphabet) for _ in range(26))

    return __init__


def install() -> None:
    DBInstance.__init__ = _unique_resource_id(DBInstance.__dict__["__init__"])  # type: ignore[method-assign]
    for cls in (DBInstance, DBCluster):
        cls.save_automated_backup = _tolerant(cls.__dict__["save_automated_backup"])  # type: ignore[method-assign]
    timing.lazy_attribute(DBInstance, "status")
    replace(RDSBackend, "create_db_instance", create_db_instance)
    replace(RDSBackend, "modify_db_instance", modify_db_instance)
    replace(RDSBackend, "delete_db_instance", delete_db_instance)
    replace(RDSBackend, "create_db_snapshot", create_db_snapshot)
    replace(RDSBackend, "restore_db_instance_from_db_snapshot", restore_db_instance_from_db_snapshot)
