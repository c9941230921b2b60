"""Admin routes for data sizes (decision 0041): PUT /_emulator/sizes sets a volume's, DB instance's,
cluster's used GiB and change rate or a table's bytes and items; GET reads any of them back, and
a snapshot's, copy's or AMI's size record (incremental or not, GiB changed and transferred) with
the duration its transition got."""

from __future__ import annotations

import re
from typing import Any

from moto.dynamodb.models import dynamodb_backends
from moto.ec2.models import ec2_backends
from moto.rds.models import rds_backends

from . import sizes
from .admin import route
from .patches import ec2_block_devices
from .patches.common import existing_backends, parse_arn
from .patches.sizes_resources import (
    cluster_size,
    ebs_snapshot_record,
    instance_size,
    rds_snapshot_record,
    set_table,
    table_bytes,
    volume_size,
)


def _backend(backends: Any, account: str, region: str) -> Any:
    return next((b for a, _, b in existing_backends(backends, region) if a == account), None)


# An ARN's service and resource type -> the kind it names (a plain name or id is looked up in all).
_ARN_KINDS = {
    ("ec2", "volume"): "volume",
    ("ec2", "snapshot"): "snapshot",
    ("ec2", "image"): "image",
    ("rds", "db"): "db-instance",
    ("rds", "cluster"): "db-cluster",
    ("rds", "snapshot"): "db-snapshot",
    ("rds", "cluster-snapshot"): "db-cluster-snapshot",
    ("dynamodb", "table"): "table",
}


def _pools(account: str, region: str) -> list[tuple[str, dict[str, Any]]]:
    pools: list[tuple[str, dict[str, Any]]] = []
    ec2 = _backend(ec2_backends, account, region)
    if ec2 is not None:
        pools += [("volume", ec2.volumes), ("snapshot", ec2.snapshots), ("image", ec2.amis)]
    rds = _backend(rds_backends, account, region)
    if rds is not None:
        pools += [
            ("db-instance", rds.databases),
            ("db-cluster", rds.clusters),
            ("db-snapshot", rds.database_snapshots),
            ("db-cluster-snapshot", rds.cluster_snapshots),
        ]
    dynamodb = _backend(dynamodb_backends, account, region)
    if dynamodb is not None:
        pools.append(("table", dynamodb.tables))
    return pools


def _find(account: str, region: str, resource: str) -> tuple[str, Any]:
    """(kind, moto object) of a resource named by id, ARN or name in account and region."""
    arn = parse_arn(resource)
    name, wanted = resource, None
    if arn is not None:
        account, region = arn["account"] or account, arn["region"] or region
        resource_type, _, name = arn["resource"].partition("/" if arn["service"] != "rds" else ":")
        wanted = _ARN_KINDS.get((arn["service"], resource_type))
        if wanted is None:
            kinds = ", ".join(sorted(set(_ARN_KINDS.values())))
            raise KeyError(f"no sizes for {resource} (sizes are kept of: {kinds})")
    for kind, pool in _pools(account, region):
        found = pool.get(name) or pool.get(name.lower())
        if found is not None and wanted in (None, kind):
            return kind, found
    raise KeyError(f"no resource {resource} in {account} {region}")


def _describe(kind: str, obj: Any) -> dict[str, Any]:
    if kind == "volume":
        body: dict[str, Any] = volume_size(obj).to_json()
    elif kind == "db-instance":
        body = instance_size(obj).to_json()
    elif kind == "db-cluster":
        body = cluster_size(obj).to_json()
    elif kind == "table":
        byte_count, items = table_bytes(obj)
        body = {"bytes": byte_count, "itemCount": items, "usedGiB": byte_count / sizes.GIB}
    elif kind == "snapshot":
        body = ebs_snapshot_record(obj.ec2_backend, obj).to_json()
    elif kind in ("db-snapshot", "db-cluster-snapshot"):
        body = rds_snapshot_record(obj, cluster=kind == "db-cluster-snapshot").to_json()
    else:  # an AMI: the records of its snapshots
        records = [sizes.record_of(s) for s in ec2_block_devices.snapshots(obj) if s is not None]
        body = {"snapshots": [r.to_json() for r in records if r is not None]}
    return {"kind": kind, **body, "transition": sizes.transition_json(obj)}


def _params(source: dict[str, Any]) -> tuple[str, str, str]:
    try:
        return str(source["account"]), str(source["region"]), str(source["resource"])
    except KeyError as missing:
        raise ValueError(f"{missing.args[0]} is required (account, region, resource)") from None


@route("GET", "/sizes")
def get_size(_b: dict[str, Any], query: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    account, region, resource = _params(query)
    try:
        kind, obj = _find(account, region, resource)
    except KeyError as error:
        return 404, {"error": str(error.args[0])}
    return 200, {"resource": resource, **_describe(kind, obj)}


@route("PUT", "/sizes")
def put_size(body: dict[str, Any], _q: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    account, region, resource = _params(body)
    try:
        kind, obj = _find(account, region, resource)
    except KeyError as error:
        return 404, {"error": str(error.args[0])}
    if kind == "table":
        byte_count = body.get("bytes")
        if byte_count is None and body.get("usedGiB") is not None:
            byte_count = float(body["usedGiB"]) * sizes.GIB
        set_table(obj, None if byte_count is None else int(byte_count), body.get("itemCount"))
    elif kind in ("volume", "db-instance", "db-cluster"):
        size = {"volume": volume_size, "db-instance": instance_size, "db-cluster": cluster_size}[kind](obj)
        fields = {
            "usedGiB": "used_gib",
            "allocatedGiB": "allocated_gib",
            "changeGiBPerHour": "change_gib_per_hour",
        }
        values = {
            f: float(body[k]) if body.get(k) is not None else getattr(size, f) for k, f in fields.items()
        }
        if any(v < 0 for v in values.values()):
            raise ValueError("sizes and change rates must not be negative")
        if values["used_gib"] > values["allocated_gib"] and kind != "db-cluster":
            raise ValueError(f"usedGiB {values['used_gib']} exceeds allocatedGiB {values['allocated_gib']}")
        for field, value in values.items():
            setattr(size, field, value)
    else:
        raise ValueError(f"a {kind}'s size is recorded when it is taken; set its source's instead")
    return 200, {"resource": resource, **_describe(kind, obj)}
