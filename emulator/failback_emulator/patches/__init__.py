"""Patches to moto's models and responses, one module per concern; installed once at start-up."""

from __future__ import annotations

import importlib

MODULES = (
    "dispatch",
    "ec2_tags",
    "ec2_snapshots",
    "ec2_block_devices",
    "ec2_images",
    "ec2_marketplace",
    "ec2_instances",
    "ec2_instance_profiles",
    "ec2_run_tokens",
    "ec2_describe_lag",
    "rds_snapshots",
    "rds_instances",
    "rds_clusters",
    "rds_account",
    "dynamodb_items",
    "dynamodb_scan",
    "dynamodb_tables",
    "dynamodb_backup_listing",
    "dynamodb_transfer",
    "dynamodb_export",
    "dynamodb_import_tokens",
    "dynamodb_wire",
    "cloudformation",
    "cloudformation_iam",
    "iam_quotas",
    "route53",
    "s3_regions",
    "s3_tagging",
    "kms_managed",
    "policy_principals",
    "identifier_limits",
    "autoscaling_role",
    "autoscaling_health",
    "autoscaling_targets",
)
_installed = False


def install_all() -> None:
    global _installed
    if _installed:
        return
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}").install()
    _installed = True
