"""Sizes of moto's resources (volumes, DB instances and clusters, tables) and the size records of
their snapshots and copies; the patches of each service call these (decision 0041)."""

from __future__ import annotations

from typing import Any

from .. import sizes
from ..sizes import GIB, Size, SnapshotSize


def volume_size(volume: Any) -> Size:
    return sizes.size_of(volume, float(volume.size or 0))


def instance_size(database: Any) -> Size:
    allocated = float(getattr(database, "allocated_storage", 0) or 0)
    return sizes.size_of(database, allocated, allocated)


def cluster_size(cluster: Any) -> Size:
    allocated = float(getattr(cluster, "allocated_storage", 0) or 0)
    return sizes.size_of(cluster, allocated, allocated)


def _ebs_key(snapshot: Any) -> str | None:
    return snapshot.kms_key_id if snapshot.encrypted else None


def ebs_snapshot_record(backend: Any, snapshot: Any) -> SnapshotSize:
    """The record of an EBS snapshot, made now if it has none (a snapshot of a volume)."""
    record = sizes.record_of(snapshot)
    if record is None:
        volume = snapshot.volume
        lineage = getattr(volume, "id", None) or f"unknown-volume-of-{snapshot.id}"
        size = volume_size(volume) if volume is not None else Size(0.0, 0.0)
        others = [s for s in list(backend.snapshots.values()) if s is not snapshot]
        record = sizes.record_snapshot(snapshot, snapshot.id, lineage, size, _ebs_key(snapshot), others)
    return record


def ebs_copy(backend: Any, source_backend: Any, source: Any, target: Any) -> SnapshotSize:
    """EBS CopySnapshot (and each snapshot of CopyImage): incremental when the destination already
    holds a completed copy of an earlier snapshot of the same volume under the same KMS key ("The
    resulting EBS Snapshot will be incremental if there is already a prior copy of the EBS Snapshot
    encrypted under the same custom CMK in the destination account/region", AWS What's New,
    2018-05-09; EBS User Guide, "Incremental snapshot copying"); a copy under another key is full."""
    origin = ebs_snapshot_record(source_backend, source)
    return sizes.record_copy(target, target.id, origin, _ebs_key(target), list(backend.snapshots.values()))


def _rds_key(snapshot: Any) -> str | None:
    return snapshot.kms_key_id if getattr(snapshot, "encrypted", False) else None


def rds_snapshot_record(snapshot: Any, cluster: bool) -> SnapshotSize:
    record = sizes.record_of(snapshot)
    if record is None:
        owner = snapshot.cluster if cluster else snapshot.database
        if cluster:
            lineage, size = owner.db_cluster_resource_id, cluster_size(owner)
        else:
            lineage, size = owner.dbi_resource_id, instance_size(owner)
        pool = snapshot.backend.cluster_snapshots if cluster else snapshot.backend.database_snapshots
        others = [s for s in list(pool.values()) if s is not snapshot]
        name = snapshot.db_cluster_snapshot_identifier if cluster else snapshot.db_snapshot_identifier
        record = sizes.record_snapshot(snapshot, name, lineage, size, _rds_key(snapshot), others)
    return record


def rds_copy(backend: Any, source: Any, target: Any, cluster: bool) -> SnapshotSize:
    """CopyDBSnapshot: incremental when the destination holds a completed copy of an earlier snapshot
    of the same DB instance under the same KMS key (RDS User Guide, "Incremental snapshot copying";
    AWS Database Blog, "Accelerate cross-account Amazon RDS refreshes with incremental snapshots":
    "The copy is incremental if a recent encrypted copy (using the same KMS key) is already
    available"), and the source is no copy itself (a copy lacks the metadata an incremental copy
    needs, as the RDS User Guide says). CopyDBClusterSnapshot (Aurora) is always a full copy: the
    Aurora User Guide's "DB cluster snapshot copying" describes no incremental copying, only that a
    copy's time depends on the amount of data copied."""
    origin = rds_snapshot_record(source, cluster)
    pool = backend.cluster_snapshots if cluster else backend.database_snapshots
    name = target.db_cluster_snapshot_identifier if cluster else target.db_snapshot_identifier
    incremental = not cluster and origin.copy_of is None
    return sizes.record_copy(target, name, origin, _rds_key(target), list(pool.values()), incremental)


def table_bytes(table: Any) -> tuple[int, int]:
    """(bytes, items) of a table: what was set through the admin API, else the size of its items."""
    size = table.__dict__.get(sizes._ATTR)
    items = None
    if isinstance(size, Size) and size.bytes is not None:
        total = size.bytes
    else:
        items = list(table.all_items())
        total = sum(item.size() for item in items)
    if isinstance(size, Size) and size.item_count is not None:
        count = size.item_count
    else:
        count = len(items if items is not None else list(table.all_items()))
    return int(total), int(count)


def table_gib(table: Any) -> float:
    return table_bytes(table)[0] / GIB


def set_table(table: Any, byte_count: int | None, item_count: int | None) -> None:
    size = table.__dict__.get(sizes._ATTR)
    if not isinstance(size, Size):
        size = Size(0.0, 0.0)
        table.__dict__[sizes._ATTR] = size
    if byte_count is not None:
        size.bytes = int(byte_count)
    if item_count is not None:
        size.item_count = int(item_count)


def inherit(target: Any, source: Any) -> None:
    """A table restored from a backup or a point in time starts with its source's set size."""
    size = source.__dict__.get(sizes._ATTR)
    if isinstance(size, Size) and size.bytes is not None:
        set_table(target, size.bytes, size.item_count)
