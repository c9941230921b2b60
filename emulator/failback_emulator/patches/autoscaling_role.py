"""Registering the first DynamoDB scalable target of an account creates Application Auto Scaling's
service-linked role, AWSServiceRoleForApplicationAutoScaling_DynamoDBTable (Application Auto Scaling
User Guide, "Service-linked roles"); authorization asks the caller for iam:CreateServiceLinkedRole
while it is missing (authz.ops_other). moto made no role."""

from __future__ import annotations

import json
from typing import Any

from moto.applicationautoscaling.models import ApplicationAutoscalingBackend
from moto.iam.models import iam_backends

from ..authz.ops_other import DYNAMODB_SCALING_ROLE, DYNAMODB_SCALING_SERVICE
from .common import replace


def register_scalable_target(self: ApplicationAutoscalingBackend, namespace: str, *args: Any, **kwargs: Any) -> Any:
    target = register_scalable_target.__wrapped__(self, namespace, *args, **kwargs)  # type: ignore[attr-defined]
    if namespace == "dynamodb":
        iam = iam_backends[self.account_id]["aws"]
        if not any(r.name == DYNAMODB_SCALING_ROLE for r in iam.roles.values()):
            trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                              "Principal": {"Service": DYNAMODB_SCALING_SERVICE}}]}  # fmt: skip
            iam.create_role(
                role_name=DYNAMODB_SCALING_ROLE,
                assume_role_policy_document=json.dumps(trust),
                path=f"/aws-service-role/{DYNAMODB_SCALING_SERVICE}/",
                permissions_boundary=None,
                description="Service-linked role of Application Auto Scaling for DynamoDB tables",
                tags=[],
                max_session_duration="3600",
                linked_service=DYNAMODB_SCALING_SERVICE,
            )
    return target


def install() -> None:
    replace(ApplicationAutoscalingBackend, "register_scalable_target", register_scalable_target)
