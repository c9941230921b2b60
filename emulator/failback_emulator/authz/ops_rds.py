"""RDS and Aurora operations as IAM authorizes them (Service Authorization Reference, Amazon RDS; RDS
User Guide, "Grant permission to tag Amazon RDS resources during creation": tags in a create request
are authorized again as rds:AddTagsToResource). A restore or create also needs its option group,
parameter group and subnet group (the defaults when the request names none)."""

from __future__ import annotations

from typing import Any

from moto.rds.models import rds_backends

from ..requests import ApiRequest
from .model import Check, KeyUse, Plan, indexed, operation, resource_tag_context, simple, tag_context
from .principals import Caller

simple(
    "rds",
    {
        name: f"rds:{name}"
        for name in (
            "DescribeDBInstances", "DescribeDBClusters", "DescribeDBSnapshots", "DescribeDBClusterSnapshots",
            "DescribeDBSubnetGroups", "DescribeAccountAttributes", "DescribeDBParameterGroups",
            "DescribeDBClusterParameterGroups", "DescribeOptionGroups", "DescribeDBSnapshotAttributes",
            "DescribeDBClusterSnapshotAttributes", "DescribeOrderableDBInstanceOptions", "DescribeDBEngineVersions",
        )  # fmt: skip
    },
)
_TAG_KEY = {"db": "rds:db-tag", "snapshot": "rds:snapshot-tag", "cluster": "rds:cluster-tag",
            "cluster-snapshot": "rds:cluster-snapshot-tag", "og": "rds:og-tag", "pg": "rds:pg-tag",
            "cluster-pg": "rds:cluster-pg-tag", "subgrp": "rds:subgrp-tag"}  # fmt: skip


def arn(region: str, account: str, resource_type: str, name: str) -> str:
    return f"arn:aws:rds:{region}:{account}:{resource_type}:{name}"


def parse(reference: str, region: str, account: str) -> tuple[str, str, str]:
    """An identifier or ARN -> (region, account, name)."""
    if reference.startswith("arn:"):
        parts = reference.split(":", 6)
        return parts[3], parts[4], parts[6] if len(parts) > 6 else ""
    return region, account, reference


def _backend(account: str, region: str) -> Any:
    return dict.get(dict.get(rds_backends, account) or {}, region)


def _tags(resource: Any) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in (getattr(resource, "tags", None) or [])}


def _lookup(account: str, region: str, resource_type: str, name: str) -> Any:
    backend = _backend(account, region)
    if backend is None:
        return None
    pool = {
        "db": backend.databases,
        "cluster": backend.clusters,
        "snapshot": backend.database_snapshots,
        "cluster-snapshot": backend.cluster_snapshots,
    }.get(resource_type, {})
    return pool.get(name) or pool.get(name.lower())


def existing(req: ApiRequest, action: str, resource_type: str, reference: str, extra: dict[str, Any] | None = None) -> Check:
    region, account, name = parse(reference, req.region, req.account)
    found = _lookup(account, region, resource_type, name)
    context = {**resource_tag_context(_tags(found), _TAG_KEY[resource_type]), **(extra or {})}
    # Shared snapshots are reached through their `restore` attribute, not a resource policy: the
    # caller's own policies decide, as for its own resources.
    return Check(action, arn(region, account, resource_type, name), resource_type, context=context)


def request_tags(req: ApiRequest) -> dict[str, str]:
    return {str(t.get("Key", "")): str(t.get("Value", "")) for t in indexed(req.params, "Tags")}


def _create_context(tags: dict[str, str]) -> dict[str, Any]:
    if not tags:
        return {}
    context = tag_context(tags)
    context.update({f"rds:req-tag/{k}": v for k, v in tags.items()})
    return context


def _new(req: ApiRequest, action: str, resource_type: str, name: str, tags: dict[str, str]) -> list[Check]:
    """The created resource, and rds:AddTagsToResource on it when the request tags it."""
    context = _create_context(tags)
    created = arn(req.region, req.account, resource_type, name)
    checks = [Check(action, created, resource_type, context=context)]
    if tags:
        checks.append(Check("rds:AddTagsToResource", created, resource_type, context=context))
    return checks


def _groups(req: ApiRequest, action: str, engine: str, cluster: bool, context: dict[str, Any]) -> list[Check]:
    """The option, parameter and subnet groups a restore uses: named, or the engine's defaults."""
    p = req.params
    family = engine.replace("aurora-", "aurora-") or "postgres"
    names = {
        "og": str(p.get("OptionGroupName") or f"default:{family}"),
        ("cluster-pg" if cluster else "pg"): str(
            p.get("DBClusterParameterGroupName" if cluster else "DBParameterGroupName") or f"default.{family}"
        ),
        "subgrp": str(p.get("DBSubnetGroupName") or "default"),
    }
    return [Check(action, arn(req.region, req.account, t, n), t, context=dict(context)) for t, n in names.items()]


def _key(reference: str | None, req: ApiRequest, role: str, account: str | None = None, region: str | None = None) -> list[KeyUse]:
    if not reference or reference == "default_kms_key_id":
        return []
    return [KeyUse(reference, region or req.region, account or req.account, "rds", role)]


def _source(req: ApiRequest, reference: str, cluster: bool) -> Any:
    from ..patches.rds_snapshots import resolve

    backend = rds_backends[req.account][req.region]  # the caller's: moto makes it to serve the call anyway
    try:
        return resolve(backend, reference, cluster=cluster)
    except Exception:
        return None  # moto answers the not-found itself


def _snapshot_key(snapshot: Any, role: str) -> list[KeyUse]:
    if snapshot is None:
        return []
    encrypted = getattr(snapshot, "encrypted", None) or getattr(snapshot, "storage_encrypted", False)
    key = getattr(snapshot, "kms_key_id", None)
    if not encrypted or not key or key == "default_kms_key_id":
        return []
    backend = snapshot.backend
    return [KeyUse(key, backend.region_name, backend.account_id, "rds", role)]


@operation("rds", "CopyDBSnapshot", "CopyDBClusterSnapshot")
def copy_snapshot(req: ApiRequest, _who: Caller) -> Plan:
    cluster = req.operation == "CopyDBClusterSnapshot"
    kind = "cluster-snapshot" if cluster else "snapshot"
    prefix = "SourceDBClusterSnapshotIdentifier" if cluster else "SourceDBSnapshotIdentifier"
    target = "TargetDBClusterSnapshotIdentifier" if cluster else "TargetDBSnapshotIdentifier"
    checks = _new(req, f"rds:{req.operation}", kind, str(req.params.get(target, "")), request_tags(req))
    source = _source(req, str(req.params.get(prefix, "")), cluster)
    keys = _snapshot_key(source, "source snapshot") + _key(req.params.get("KmsKeyId"), req, "copy")
    return Plan(checks, keys)


def _restore(req: ApiRequest, action: str, cluster: bool) -> Plan:
    """A restore from a snapshot: the new database (tags on create), the snapshot, its groups and keys."""
    kind, snapshot_kind = ("cluster", "cluster-snapshot") if cluster else ("db", "snapshot")
    identifier = "DBClusterIdentifier" if cluster else "DBInstanceIdentifier"
    tags = request_tags(req)
    checks = _new(req, action, kind, str(req.params.get(identifier, "")), tags)
    reference = str(req.params.get("SnapshotIdentifier" if cluster else "DBSnapshotIdentifier", ""))
    checks.append(existing(req, action, snapshot_kind, reference, _create_context(tags)))
    source = _source(req, reference, cluster=cluster)
    default = "aurora-postgresql" if cluster else getattr(getattr(source, "database", None), "engine", "postgres")
    engine = str(req.params.get("Engine") or default)
    checks += _groups(req, action, engine, cluster=cluster, context=_create_context(tags))
    return Plan(checks, _snapshot_key(source, "snapshot") + _key(req.params.get("KmsKeyId"), req, "restore"))


@operation("rds", "RestoreDBInstanceFromDBSnapshot")
def restore_instance(req: ApiRequest, _who: Caller) -> Plan:
    return _restore(req, "rds:RestoreDBInstanceFromDBSnapshot", cluster=False)


@operation("rds", "RestoreDBClusterFromSnapshot")
def restore_cluster(req: ApiRequest, _who: Caller) -> Plan:
    return _restore(req, "rds:RestoreDBClusterFromSnapshot", cluster=True)


@operation("rds", "CreateDBInstance")
def create_instance(req: ApiRequest, _who: Caller) -> Plan:
    action = "rds:CreateDBInstance"
    tags = request_tags(req)
    checks = _new(req, action, "db", str(req.params.get("DBInstanceIdentifier", "")), tags)
    keys = _key(req.params.get("KmsKeyId"), req, "instance")
    cluster_id = req.params.get("DBClusterIdentifier")
    if cluster_id:
        checks.append(existing(req, action, "cluster", str(cluster_id), _create_context(tags)))
        cluster = _lookup(req.account, req.region, "cluster", str(cluster_id))
        if cluster is not None and getattr(cluster, "storage_encrypted", False):
            keys += _key(getattr(cluster, "kms_key_id", None), req, f"cluster {cluster_id}")
    elif str(req.params.get("StorageEncrypted", "")).lower() == "true" and not keys:
        keys = _key("alias/aws/rds", req, "instance")
    return Plan(checks + _pass_monitoring_role(req), keys)


def _pass_monitoring_role(req: ApiRequest) -> list[Check]:
    """Enhanced monitoring hands RDS a role: iam:PassRole on that role, passed to
    monitoring.rds.amazonaws.com (RDS User Guide, "Setting up and enabling Enhanced Monitoring",
    "Creating the IAM role before you enable Enhanced Monitoring": the user who turns it on must be
    granted the PassRole permission; the role trusts monitoring.rds.amazonaws.com). Checked on the ARN
    as named, before RDS looks for the role (patches/rds_instances.py)."""
    role = str(req.params.get("MonitoringRoleArn") or "")
    if not role:
        return []
    context = {"iam:PassedToService": "monitoring.rds.amazonaws.com"}
    return [Check("iam:PassRole", role, "role", context=context)]


@operation("rds", "CreateDBCluster")
def create_cluster(req: ApiRequest, _who: Caller) -> Plan:
    checks = _new(req, "rds:CreateDBCluster", "cluster", str(req.params.get("DBClusterIdentifier", "")), request_tags(req))
    keys = _key(req.params.get("KmsKeyId"), req, "cluster")
    if not keys and str(req.params.get("StorageEncrypted", "")).lower() == "true":
        keys = _key("alias/aws/rds", req, "cluster")
    return Plan(checks, keys)


@operation("rds", "CreateDBSnapshot", "CreateDBClusterSnapshot")
def create_snapshot(req: ApiRequest, _who: Caller) -> list[Check]:
    cluster = req.operation == "CreateDBClusterSnapshot"
    source_type, kind = ("cluster", "cluster-snapshot") if cluster else ("db", "snapshot")
    source = str(req.params.get("DBClusterIdentifier" if cluster else "DBInstanceIdentifier", ""))
    name = str(req.params.get("DBClusterSnapshotIdentifier" if cluster else "DBSnapshotIdentifier", ""))
    tags = request_tags(req)
    return [existing(req, f"rds:{req.operation}", source_type, source, _create_context(tags)), *_new(req, f"rds:{req.operation}", kind, name, tags)]


@operation("rds", "ModifyDBInstance", "DeleteDBInstance", "StopDBInstance", "StartDBInstance", "RebootDBInstance")
def instance(req: ApiRequest, _who: Caller) -> list[Check]:
    name = str(req.params.get("DBInstanceIdentifier", ""))
    checks = [existing(req, f"rds:{req.operation}", "db", name)]
    final = req.params.get("FinalDBSnapshotIdentifier")
    if req.operation == "DeleteDBInstance" and final:
        checks.append(Check("rds:CreateDBSnapshot", arn(req.region, req.account, "snapshot", str(final)), "snapshot"))
    if req.operation == "ModifyDBInstance":
        checks += _pass_monitoring_role(req)
    return checks


@operation("rds", "ModifyDBCluster", "DeleteDBCluster", "StopDBCluster", "StartDBCluster")
def cluster(req: ApiRequest, _who: Caller) -> list[Check]:
    name = str(req.params.get("DBClusterIdentifier", ""))
    checks = [existing(req, f"rds:{req.operation}", "cluster", name)]
    final = req.params.get("FinalDBSnapshotIdentifier")
    if req.operation == "DeleteDBCluster" and final:
        final_arn = arn(req.region, req.account, "cluster-snapshot", str(final))
        checks.append(Check("rds:DeleteDBCluster", final_arn, "cluster-snapshot"))
    return checks


@operation("rds", "DeleteDBSnapshot", "ModifyDBSnapshotAttribute")
def db_snapshot(req: ApiRequest, _who: Caller) -> list[Check]:
    return [existing(req, f"rds:{req.operation}", "snapshot", str(req.params.get("DBSnapshotIdentifier", "")))]


@operation("rds", "DeleteDBClusterSnapshot", "ModifyDBClusterSnapshotAttribute")
def cluster_snapshot(req: ApiRequest, _who: Caller) -> list[Check]:
    name = str(req.params.get("DBClusterSnapshotIdentifier", ""))
    return [existing(req, f"rds:{req.operation}", "cluster-snapshot", name)]


def _type_of_arn(reference: str) -> str:
    return reference.split(":")[5] if reference.count(":") >= 6 else "db"


@operation("rds", "AddTagsToResource", "RemoveTagsFromResource", "ListTagsForResource")
def tagging(req: ApiRequest, _who: Caller) -> list[Check]:
    reference = str(req.params.get("ResourceName", ""))
    resource_type = _type_of_arn(reference)
    if req.operation == "AddTagsToResource":
        extra = _create_context(request_tags(req))
    elif req.operation == "RemoveTagsFromResource":
        keys = [str(e.get("", "")) for e in indexed(req.params, "TagKeys")]
        extra = {"aws:TagKeys": sorted(keys)}
    else:
        extra = {}
    if resource_type not in _TAG_KEY:
        return [Check(f"rds:{req.operation}", reference, resource_type, context=extra)]
    return [existing(req, f"rds:{req.operation}", resource_type, reference, extra)]
