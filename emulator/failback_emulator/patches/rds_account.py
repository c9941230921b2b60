"""RDS DescribeAccountAttributes, which moto 5.2.1 does not implement (the orchestrator's preflight
reads its quotas from it: without it, every run warned "could not read the RDS quotas ... XML parse
error"). AWS's default quotas per account and region, with what the account uses now."""

from __future__ import annotations

from moto.core.responses import ActionResult
from moto.rds.responses import RDSResponse

# AWS's defaults (RDS User Guide, "Quotas in Amazon RDS"), per account and region.
_DEFAULT_MAX = {
    "DBInstances": 40,
    "ReservedDBInstances": 40,
    "AllocatedStorage": 100000,
    "DBSecurityGroups": 25,
    "AuthorizationsPerDBSecurityGroup": 20,
    "DBParameterGroups": 50,
    "ManualSnapshots": 100,
    "EventSubscriptions": 20,
    "DBSubnetGroups": 50,
    "OptionGroups": 20,
    "SubnetsPerDBSubnetGroup": 20,
    "ReadReplicasPerMaster": 15,
    "DBClusters": 40,
    "DBClusterParameterGroups": 50,
    "ManualClusterSnapshots": 100,
}


def describe_account_attributes(self: RDSResponse) -> ActionResult:
    backend = self.backend
    used = {
        "DBInstances": len(backend.databases),
        "AllocatedStorage": sum(
            int(getattr(d, "allocated_storage", 0) or 0) for d in backend.databases.values()
        ),
        "DBParameterGroups": len(backend.db_parameter_groups),
        "ManualSnapshots": sum(
            1 for s in backend.database_snapshots.values() if getattr(s, "snapshot_type", "manual") == "manual"
        ),
        "EventSubscriptions": len(backend.event_subscriptions),
        "DBSubnetGroups": len(backend.subnet_groups),
        "OptionGroups": len(backend.option_groups),
        "DBSecurityGroups": len(backend.security_groups),
        "DBClusters": len(backend.clusters),
        "DBClusterParameterGroups": len(backend.db_cluster_parameter_groups),
        "ManualClusterSnapshots": sum(
            1 for s in backend.cluster_snapshots.values() if getattr(s, "snapshot_type", "manual") == "manual"
        ),
    }
    quotas = [
        {"AccountQuotaName": name, "Used": used.get(name, 0), "Max": maximum}
        for name, maximum in _DEFAULT_MAX.items()
    ]
    return ActionResult({"AccountQuotas": quotas})


def install() -> None:
    RDSResponse.describe_account_attributes = describe_account_attributes  # type: ignore[attr-defined]
