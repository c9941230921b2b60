"""Application Auto Scaling: DeregisterScalableTarget deletes the target's scaling policies (and their
alarms) and its scheduled actions, as AWS documents ("Deregistering a scalable target deletes the
scaling policies and the scheduled actions that are associated with it"). moto deleted the target only,
so a cleanup that deregistered a target seemed to leave its policies behind."""

from __future__ import annotations

from typing import Any

from moto.applicationautoscaling.models import ApplicationAutoscalingBackend

from .common import replace


def deregister_scalable_target(
    self: ApplicationAutoscalingBackend, namespace: str, r_id: str, dimension: str
) -> None:
    deregister_scalable_target.__wrapped__(self, namespace, r_id, dimension)  # type: ignore[attr-defined]

    def of_target(x: Any) -> bool:
        return x.service_namespace == namespace and x.resource_id == r_id and x.scalable_dimension == dimension

    for key, policy in list(self.policies.items()):
        if of_target(policy):
            policy.delete_alarms(self.account_id, self.region_name)
            del self.policies[key]
    self.scheduled_actions = [a for a in self.scheduled_actions if not of_target(a)]


def install() -> None:
    replace(ApplicationAutoscalingBackend, "deregister_scalable_target", deregister_scalable_target)
