"""RDS DB and cluster snapshots: creating/copying -> available with PercentProgress, sharing through
the `restore` attribute (a shared snapshot is reachable by its ARN from the granted account, an
unshared one stays invisible), cross-account and cross-region copies with KmsKeyId, and AWS's quota
of cross-region copies in progress."""

from __future__ import annotations

from typing import Any

from moto.rds.exceptions import (
    DBClusterSnapshotAlreadyExistsError,
    DBClusterSnapshotNotFoundError,
    DBSnapshotAlreadyExistsError,
    DBSnapshotNotFoundFault,
    OptionGroupNotFoundFaultError,
    RDSClientError,
)
from moto.rds.models import DBClusterSnapshot, DBSnapshot, RDSBackend, rds_backends

from .. import context, timing
from .common import InFlight, enforce_quota, existing_backends, parse_arn, replace

cross_region_copies = InFlight()  # per (account, destination region), DB and cluster snapshots alike


def snapshot_visible(snapshot: Any, account: str) -> bool:
    restore = snapshot.attributes.get("restore", [])
    return snapshot.backend.account_id == account or account in restore or "all" in restore


def resolve(backend: RDSBackend, identifier: str, cluster: bool) -> Any:
    """The snapshot an identifier or ARN names, as `backend`'s account may see it; AWS's not-found
    error otherwise (an unshared snapshot of another account does not exist for the caller)."""
    not_found = DBClusterSnapshotNotFoundError if cluster else DBSnapshotNotFoundFault
    arn = parse_arn(identifier)
    account, region, name = backend.account_id, backend.region_name, identifier
    if arn is not None:
        kind, _, name = arn["resource"].partition(":")
        if arn["service"] != "rds" or kind != ("cluster-snapshot" if cluster else "snapshot"):
            raise not_found(identifier)
        account, region = arn["account"], arn["region"]
    owner = next((b for a, _, b in existing_backends(rds_backends, region) if a == account), None)
    snapshots = (owner.cluster_snapshots if cluster else owner.database_snapshots) if owner else {}
    snapshot = snapshots.get(name.lower()) or snapshots.get(name)
    if snapshot is None or not snapshot_visible(snapshot, backend.account_id):
        raise not_found(identifier)
    return snapshot


def require_available(snapshot: Any, cluster: bool) -> None:
    if timing.in_progress(snapshot):
        name = snapshot.db_cluster_snapshot_identifier if cluster else snapshot.db_snapshot_identifier
        code = "InvalidDBClusterSnapshotStateFault" if cluster else "InvalidDBSnapshotState"
        raise RDSClientError(
            code, f"Snapshot {name} is not in the available state (it is {snapshot.status})."
        )


def _quota(backend: RDSBackend, source: Any) -> bool:
    """Enforces the cross-region copy quota when the copy crosses regions; True if it does."""
    if source.backend.region_name == backend.region_name:
        return False
    region = backend.region_name
    enforce_quota(
        "rdsCrossRegionSnapshotCopiesInProgress",
        cross_region_copies,
        backend.account_id,
        region,
        "rds",
        1,
        lambda limit: RDSClientError(
            "SnapshotQuotaExceeded",
            f"Cannot copy more than {limit} snapshots across regions to {region} at the same time. "
            "Wait for a copy to complete, then retry.",
        ),
    )
    return True


def _start_copy(backend: RDSBackend, source: Any, target: Any, kind: str, crosses: bool) -> None:
    from .sizes_resources import rds_copy

    record = rds_copy(backend, source, target, cluster=kind == "rds.cluster-snapshot-copy")
    gib = record.transferred_gib or 0.0
    transition = timing.begin(target, kind, backend.account_id, "copying", gib)
    if crosses:
        cross_region_copies.add(backend.account_id, backend.region_name, transition.ready_at)


def copy_db_snapshot(
    self: RDSBackend,
    source_db_snapshot_identifier: str,
    target_db_snapshot_identifier: str,
    kms_key_id: str | None = None,
    tags: list[dict[str, str]] | None = None,
    copy_tags: bool | None = False,
    **options: Any,
) -> DBSnapshot:
    if target_db_snapshot_identifier.lower() in self.database_snapshots:
        raise DBSnapshotAlreadyExistsError(target_db_snapshot_identifier)
    source = resolve(self, source_db_snapshot_identifier, cluster=False)
    require_available(source, cluster=False)
    if kms_key_id is not None:
        kms_key_id = self._validate_kms_key(kms_key_id)
    crosses = _quota(self, source)
    target = DBSnapshot(
        self,
        source.database,
        target_db_snapshot_identifier,
        tags=tags or (source.tags if copy_tags else None),
        kms_key_id=kms_key_id,
        original_created_at=source.original_snapshot_create_time,
    )
    if kms_key_id is not None:
        target.encrypted = target.storage_encrypted = True
    _option_group_of_copy(self, source, target, options)
    self.database_snapshots[target.db_snapshot_identifier] = target
    _start_copy(self, source, target, "rds.snapshot-copy", crosses)
    return target


def _option_group_of_copy(
    backend: RDSBackend, source: Any, target: DBSnapshot, options: dict[str, Any]
) -> None:
    """CopyDBSnapshot (RDS API reference): `OptionGroupName` is the option group to associate with the
    copy; `CopyOptionGroup` copies the source's group to the target account, "only with cross-account
    snapshot copy calls". Without either, a copy from another account is associated with none of the
    owner's groups (they do not exist here), so a restore from it gets the engine's default group
    unless it names one. moto kept the owner's group name, so a restore that forgot the option group
    looked complete."""
    name = options.get("option_group_name")
    if name:
        if name not in backend.option_groups:
            raise OptionGroupNotFoundFaultError(name)
        target.database.option_group_name = name
        target.database.option_group_supplied = True
    elif source.backend.account_id != backend.account_id and not options.get("copy_option_group"):
        target.database.option_group_supplied = False


def copy_db_cluster_snapshot(
    self: RDSBackend,
    source_db_cluster_snapshot_identifier: str,
    target_db_cluster_snapshot_identifier: str,
    kms_key_id: str | None = None,
    copy_tags: bool = False,
    tags: list[dict[str, str]] | None = None,
    **_: Any,
) -> DBClusterSnapshot:
    if target_db_cluster_snapshot_identifier.lower() in self.cluster_snapshots:
        raise DBClusterSnapshotAlreadyExistsError(target_db_cluster_snapshot_identifier)
    source = resolve(self, source_db_cluster_snapshot_identifier, cluster=True)
    require_available(source, cluster=True)
    if kms_key_id is not None:
        kms_key_id = self._validate_kms_key(kms_key_id)
    crosses = _quota(self, source)
    target = DBClusterSnapshot(
        self,
        source.cluster,
        target_db_cluster_snapshot_identifier,
        tags=tags or (source.tags if copy_tags else []),
        kms_key_id=kms_key_id,
    )
    self.cluster_snapshots[target.db_cluster_snapshot_identifier] = target
    _start_copy(self, source, target, "rds.cluster-snapshot-copy", crosses)
    return target


def _time_created(kind: str, operations: tuple[str, ...]) -> Any:
    def after(self: RDSBackend, snapshot: Any, *_args: Any, **_kwargs: Any) -> None:
        if context.current_operation() in operations and snapshot.snapshot_type == "manual":
            from .sizes_resources import rds_snapshot_record

            timing.begin(snapshot, kind, self.account_id, "creating")
            rds_snapshot_record(snapshot, cluster=kind == "rds.cluster-snapshot")

    return after


def modify_db_snapshot_attribute(
    self: RDSBackend, db_snapshot_identifier: str, *args: Any, **kwargs: Any
) -> Any:
    # Only the owner shares: an ARN must name this account's own snapshot.
    if db_snapshot_identifier.lower() not in self.database_snapshots:
        raise DBSnapshotNotFoundFault(db_snapshot_identifier)
    return modify_db_snapshot_attribute.__wrapped__(self, db_snapshot_identifier, *args, **kwargs)  # type: ignore[attr-defined]


def modify_db_cluster_snapshot_attribute(
    self: RDSBackend, db_cluster_snapshot_identifier: str, *args: Any, **kwargs: Any
) -> Any:
    if db_cluster_snapshot_identifier.lower() not in self.cluster_snapshots:
        raise DBClusterSnapshotNotFoundError(db_cluster_snapshot_identifier)
    original = modify_db_cluster_snapshot_attribute.__wrapped__  # type: ignore[attr-defined]
    return original(self, db_cluster_snapshot_identifier, *args, **kwargs)


def install() -> None:
    percent = {"label": lambda obj, t: int(t.fraction() * 100), "settled": lambda obj, value: 100}
    for cls in (DBSnapshot, DBClusterSnapshot):
        timing.lazy_attribute(cls, "status")
        timing.lazy_attribute(cls, "percent_progress", **percent)
    replace(RDSBackend, "copy_db_snapshot", copy_db_snapshot)
    replace(RDSBackend, "copy_db_cluster_snapshot", copy_db_cluster_snapshot)
    replace(RDSBackend, "modify_db_snapshot_attribute", modify_db_snapshot_attribute)
    replace(RDSBackend, "modify_db_cluster_snapshot_attribute", modify_db_cluster_snapshot_attribute)
    timing.wrap_method(
        RDSBackend,
        "create_db_snapshot",
        _time_created("rds.snapshot", ("CreateDBSnapshot", "DeleteDBInstance")),
    )
    timing.wrap_method(
        RDSBackend,
        "create_db_cluster_snapshot",
        _time_created("rds.cluster-snapshot", ("CreateDBClusterSnapshot", "DeleteDBCluster")),
    )
