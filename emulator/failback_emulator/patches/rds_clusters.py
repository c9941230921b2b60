"""Aurora clusters: creating -> available (create and restore), renaming -> available, duplicate
names refused, snapshots only of available clusters, RestoreDBClusterFromSnapshot accepting the
ARN of a snapshot shared by another account (moto rejects ARNs), and DeleteDBCluster removing the
cluster's automated backups unless `DeleteAutomatedBackups=false` (AWS's default; moto kept them)."""

from __future__ import annotations

import copy
from typing import Any

from moto.rds.exceptions import InvalidParameterValue, RDSClientError
from moto.rds.models import DBCluster, DBInstanceClustered, RDSBackend

from .. import context, timing
from . import rds_snapshots
from .common import replace
from .rds_instances import reserved

_CREATE_KINDS = {
    "CreateDBCluster": "rds.cluster",
    "RestoreDBClusterFromSnapshot": "rds.cluster-restore",
    "RestoreDBClusterToPointInTime": "rds.cluster-restore",
}
_RESERVED = "_fb_renamed_clusters"


def already_exists() -> RDSClientError:
    return RDSClientError("DBClusterAlreadyExistsFault", "DB Cluster already exists")


def require_available(cluster: DBCluster) -> None:
    if timing.in_progress(cluster) or cluster.status != "available":
        raise RDSClientError(
            "InvalidDBClusterStateFault",
            f"DbCluster {cluster.db_cluster_identifier} is in {cluster.status} state "
            "but expected it to be available.",
        )


def _status(self: DBCluster) -> str:
    transition = timing.current(self)
    if transition is not None:
        return transition.label
    # moto stores "creating" and flips it on first read; with timing, creation is already over.
    return "available" if self._status == "creating" else self._status


def _set_status(self: DBCluster, value: str) -> None:
    self._status = value


def create_db_cluster(self: RDSBackend, kwargs: dict[str, Any]) -> DBCluster:
    name = kwargs["db_cluster_identifier"]
    if name in self.clusters or name in reserved(self, _RESERVED):
        raise already_exists()
    cluster = create_db_cluster.__wrapped__(self, kwargs)  # type: ignore[attr-defined]
    kind = _CREATE_KINDS.get(context.current_operation())
    if kind:
        timing.begin(cluster, kind, self.account_id, "creating")
    return cluster


def modify_db_cluster(self: RDSBackend, kwargs: dict[str, Any]) -> DBCluster:
    old_id = kwargs["db_cluster_identifier"]
    if old_id not in self.clusters:
        from moto.rds.exceptions import DBClusterNotFoundError

        raise DBClusterNotFoundError(old_id)
    cluster = self.clusters[old_id]
    require_available(cluster)
    new_id = kwargs.get("new_db_cluster_identifier")
    if new_id and (new_id in self.clusters or new_id in reserved(self, _RESERVED)):
        raise already_exists()
    result = modify_db_cluster.__wrapped__(self, kwargs)  # type: ignore[attr-defined]
    if new_id:
        # The cluster's instances follow it (moto leaves them pointing at the old name).
        for database in self.databases.values():
            if isinstance(database, DBInstanceClustered) and database.db_cluster_identifier == old_id:
                database.db_cluster_identifier = new_id
        transition = timing.begin(cluster, "rds.cluster-rename", self.account_id, "renaming")
        reserved(self, _RESERVED)[old_id] = transition.ready_at
    return result


def create_db_cluster_snapshot(
    self: RDSBackend, db_cluster_identifier: str, *args: Any, **kwargs: Any
) -> Any:
    cluster = self.clusters.get(db_cluster_identifier)
    if cluster is not None and kwargs.get("snapshot_type", "manual") == "manual":
        require_available(cluster)
    return create_db_cluster_snapshot.__wrapped__(self, db_cluster_identifier, *args, **kwargs)  # type: ignore[attr-defined]


# RestoreDBClusterFromSnapshot starts from "a default configuration": no deletion protection, no tags
# unless the request gives them, the default cluster parameter group, no IAM database authentication.
# moto copied each from the source cluster, so a restore that forgot them looked complete.
NOT_RESTORED = {
    "deletion_protection",
    "tags",
    "copy_tags_to_snapshot",
    "parameter_group",
    "db_cluster_parameter_group_name",
    "iam_auth",
    "enable_iam_database_authentication",
    "serverless_v2_scaling_configuration",
}


def restore_db_cluster_from_snapshot(
    self: RDSBackend, from_snapshot_id: str, overrides: dict[str, Any]
) -> DBCluster:
    snapshot = rds_snapshots.resolve(self, from_snapshot_id, cluster=True)
    if snapshot.backend.region_name != self.region_name:
        raise InvalidParameterValue("The snapshot must be in the same region as the restored DB cluster.")
    rds_snapshots.require_available(snapshot, cluster=True)
    props = copy.copy(snapshot.cluster.get_cfg())
    props = {k: v for k, v in props.items() if not k.startswith("_fb_") and k not in NOT_RESTORED}
    props["kms_key_id"] = snapshot.kms_key_id
    props["storage_encrypted"] = snapshot.encrypted
    if snapshot.backend is not self:
        # The owner's subnet and parameter groups do not exist in this account.
        for key in ("db_subnet_group_name", "parameter_group", "db_cluster_parameter_group_name"):
            props.pop(key, None)
    for key, value in overrides.items():
        if value:
            props[key] = value
    return self.create_db_cluster(props)


def delete_db_cluster(self: RDSBackend, cluster_identifier: str, *args: Any, **kwargs: Any) -> Any:
    cluster = self.clusters.get(cluster_identifier)
    resource_id = getattr(cluster, "db_cluster_resource_id", None)
    result = delete_db_cluster.__wrapped__(self, cluster_identifier, *args, **kwargs)  # type: ignore[attr-defined]
    req = context.current_request()
    keep = req is not None and str(req.params.get("DeleteAutomatedBackups", "")).lower() == "false"
    if resource_id and not keep:
        for snapshot_id, snapshot in list(self.cluster_snapshots.items()):
            if snapshot.snapshot_type == "automated" and snapshot.cluster.db_cluster_resource_id == resource_id:
                del self.cluster_snapshots[snapshot_id]
    return result


def install() -> None:
    DBCluster.status = property(_status, _set_status)  # type: ignore[assignment]
    replace(RDSBackend, "create_db_cluster", create_db_cluster)
    replace(RDSBackend, "modify_db_cluster", modify_db_cluster)
    replace(RDSBackend, "delete_db_cluster", delete_db_cluster)
    replace(RDSBackend, "create_db_cluster_snapshot", create_db_cluster_snapshot)
    replace(RDSBackend, "restore_db_cluster_from_snapshot", restore_db_cluster_from_snapshot)
