"""EBS snapshots: pending -> completed with progress, sharing by create-volume permission (the SDK's
CreateVolumePermission form too), CopySnapshot across accounts with encryption, and AWS's quota of
concurrent snapshot copies per destination region."""

from __future__ import annotations

import threading
import types
from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.ec2.exceptions import EC2ClientError, InvalidSnapshotIdError
from moto.ec2.models import ec2_backends
from moto.ec2.models.elastic_block_store import EBSBackend, Snapshot
from moto.ec2.responses.elastic_block_store import ElasticBlockStore
from moto.ec2.utils import random_snapshot_id

from .. import context, timing
from . import sizes_resources
from .common import InFlight, enforce_quota, existing_backends, replace

copies = InFlight()  # snapshot copies in progress per (account, destination region), AMI copies too
_shared_reads = threading.local()


def snapshot_visible(snapshot: Snapshot, account: str) -> bool:
    return (
        snapshot.owner_id == account
        or account in snapshot.create_volume_permission_userids
        or "all" in snapshot.create_volume_permission_groups
    )


def find_snapshot(backend: Any, snapshot_id: str, region: str) -> Snapshot | None:
    for _, _, other in existing_backends(ec2_backends, region):
        snapshot = other.snapshots.get(snapshot_id)
        if snapshot is not None and snapshot_visible(snapshot, backend.account_id):
            return snapshot
    return None


def enforce_copy_quota(backend: Any, weight: int) -> None:
    region = backend.region_name
    enforce_quota(
        "ebsConcurrentSnapshotCopiesPerRegion",
        copies,
        backend.account_id,
        region,
        "ec2",
        weight,
        lambda limit: EC2ClientError(
            "ResourceLimitExceeded",
            f"Too many snapshot copies in progress. The limit is {limit} "
            f"for this destination region ({region}).",
        ),
    )


def create_snapshot(self: EBSBackend, *args: Any, **kwargs: Any) -> Snapshot:
    snapshot = create_snapshot.__wrapped__(self, *args, **kwargs)  # type: ignore[attr-defined]
    # AMIs create snapshots too (moto's default AMIs at start-up): only API snapshots are timed here.
    operation = context.current_operation()
    if operation in ("CreateSnapshot", "CreateSnapshots"):
        timing.begin(snapshot, "ebs.snapshot", self.account_id, "pending")  # type: ignore[attr-defined]
    if operation in ("CreateSnapshot", "CreateSnapshots", "CreateImage"):
        sizes_resources.ebs_snapshot_record(self, snapshot)  # its volume's used GiB, now
    return snapshot


def copy_snapshot(
    self: EBSBackend,
    source_snapshot_id: str,
    source_region: str,
    description: str,
    kms_key_id: str | None,
    encrypted: bool = False,
) -> Snapshot:
    source = find_snapshot(self, source_snapshot_id, source_region)
    if source is None:
        raise InvalidSnapshotIdError()
    if timing.in_progress(source):
        raise EC2ClientError("IncorrectState", f"Snapshot is in invalid state - {source.status}")
    if kms_key_id and not encrypted:
        raise EC2ClientError(
            "InvalidParameterDependency", "The parameter KmsKeyId requires the parameter Encrypted to be set."
        )
    enforce_copy_quota(self, weight=1)
    encrypt = encrypted or source.encrypted
    key = (kms_key_id or self._create_default_encryption_key()) if encrypt else None
    snapshot = Snapshot(
        self,
        random_snapshot_id(),
        volume=source.volume,
        description=description,
        encrypted=encrypt,
        kms_key_id=key,
    )
    self.snapshots[snapshot.id] = snapshot
    account: str = self.account_id  # type: ignore[attr-defined]
    record = sizes_resources.ebs_copy(self, source.ec2_backend, source, snapshot)
    gib = record.transferred_gib or 0.0
    transition = timing.begin(snapshot, "ebs.snapshot-copy", account, "pending", gib)
    copies.add(account, self.region_name, transition.ready_at)  # type: ignore[attr-defined]
    from .kms_failures import fail_snapshot, pending

    failure = pending()
    if failure:
        fail_snapshot(snapshot, failure)
    return snapshot


def describe_snapshots(
    self: EBSBackend,
    snapshot_ids: Any = None,
    filters: Any = None,
    owners: Any = None,
    restorable_by: Any = None,
) -> list[Snapshot]:
    account: str = self.account_id  # type: ignore[attr-defined]
    pool = dict(self.snapshots)
    for _, _, other in existing_backends(ec2_backends, self.region_name):  # type: ignore[attr-defined]
        if other is not self:
            pool.update(
                {
                    s.id: s
                    for s in list(other.snapshots.values())
                    if snapshot_visible(s, account) and s.id not in pool
                }
            )
    if owners:
        wanted = {account if o == "self" else o for o in owners}
        pool = {k: s for k, s in pool.items() if s.owner_id in wanted}
    if restorable_by:
        users = {account if u == "self" else u for u in restorable_by}
        pool = {k: s for k, s in pool.items() if any(snapshot_visible(s, u) for u in users)}
    view = types.SimpleNamespace(snapshots=pool)
    return describe_snapshots.__wrapped__(view, snapshot_ids=snapshot_ids, filters=filters)  # type: ignore[attr-defined]


def get_snapshot(self: EBSBackend, snapshot_id: str) -> Snapshot:
    if snapshot_id not in self.snapshots and getattr(_shared_reads, "on", False):
        shared = find_snapshot(self, snapshot_id, self.region_name)  # type: ignore[attr-defined]
        if shared is not None:
            return shared
    return get_snapshot.__wrapped__(self, snapshot_id)  # type: ignore[attr-defined]


def create_volume(self: EBSBackend, *args: Any, **kwargs: Any) -> Any:
    # CreateVolume may use a snapshot shared with the caller; attribute changes stay owner-only.
    _shared_reads.on = True
    try:
        return create_volume.__wrapped__(self, *args, **kwargs)  # type: ignore[attr-defined]
    finally:
        _shared_reads.on = False


def _permissions(entries: list[dict[str, str]]) -> tuple[list[str], list[str]]:
    return [e["UserId"] for e in entries if e.get("UserId")], [e["Group"] for e in entries if e.get("Group")]


def modify_snapshot_attribute_response(self: ElasticBlockStore) -> EmptyResult:
    snapshot_id = self._get_param("SnapshotId")
    self.error_on_dryrun()
    permission = self._get_param("CreateVolumePermission", {}) or {}
    add_users, add_groups = _permissions(permission.get("Add", []))
    remove_users, remove_groups = _permissions(permission.get("Remove", []))
    legacy = (self._get_param("UserIds", []), self._get_param("GroupNames", []))
    operation = self._get_param("OperationType")
    if operation == "add":
        add_users, add_groups = add_users + legacy[0], add_groups + legacy[1]
    elif operation == "remove":
        remove_users, remove_groups = remove_users + legacy[0], remove_groups + legacy[1]
    if add_users or add_groups:
        self.ec2_backend.add_create_volume_permission(snapshot_id, user_ids=add_users, groups=add_groups)
    if remove_users or remove_groups:
        self.ec2_backend.remove_create_volume_permission(
            snapshot_id, user_ids=remove_users, groups=remove_groups
        )
    return EmptyResult()


def copy_snapshot_response(self: ElasticBlockStore) -> ActionResult:
    self.error_on_dryrun()
    snapshot = self.ec2_backend.copy_snapshot(
        source_snapshot_id=self._get_param("SourceSnapshotId"),
        source_region=self._get_param("SourceRegion"),
        description=self._get_param("Description"),
        kms_key_id=self._get_param("KmsKeyId"),
        encrypted=str(self._get_param("Encrypted", False)).lower() == "true",
    )
    snapshot.add_tags(self._parse_tag_specification().get("snapshot", {}))
    return ActionResult({"SnapshotId": snapshot.id, "Tags": snapshot.tag_set})


def describe_snapshots_response(self: ElasticBlockStore) -> ActionResult:
    snapshots = self.ec2_backend.describe_snapshots(
        snapshot_ids=self._get_param("SnapshotIds", []),
        filters=self._filters_from_querystring(),
        owners=self._get_param("OwnerIds", []),
        restorable_by=self._get_param("RestorableByUserIds", []),
    )
    return ActionResult({"Snapshots": snapshots})


def install() -> None:
    timing.lazy_attribute(Snapshot, "status")
    Snapshot.progress = property(lambda self: f"{timing.percent(self)}%")  # type: ignore[assignment]
    replace(EBSBackend, "create_snapshot", create_snapshot)
    replace(EBSBackend, "copy_snapshot", copy_snapshot)
    replace(EBSBackend, "describe_snapshots", describe_snapshots)
    replace(EBSBackend, "get_snapshot", get_snapshot)
    replace(EBSBackend, "create_volume", create_volume)
    replace(ElasticBlockStore, "modify_snapshot_attribute", modify_snapshot_attribute_response)
    replace(ElasticBlockStore, "copy_snapshot", copy_snapshot_response)
    replace(ElasticBlockStore, "describe_snapshots", describe_snapshots_response)
