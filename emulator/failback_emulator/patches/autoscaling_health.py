"""EC2 Auto Scaling health checks: an instance of a group that is stopped is unhealthy, and the group
terminates and replaces it (EC2 Auto Scaling User Guide, "Health checks for instances in an Auto
Scaling group": any state other than running is unhealthy) unless the group's HealthCheck or
ReplaceUnhealthy process is suspended or the instance is in Standby. AWS acts at its next health check
(minutes); the emulator at once, after the stop. moto let a stopped member stay stopped, so a plan that
stops (quiesces, retires) an Auto Scaling member looked safe."""

from __future__ import annotations

from typing import Any

from moto.autoscaling.models import autoscaling_backends
from moto.ec2.models.instances import InstanceBackend

from .common import replace

# Suspending either process keeps a stopped member (what preflight tells the operator to do).
KEEPING_PROCESSES = {"HealthCheck", "ReplaceUnhealthy"}


def _group_of(backend: Any, instance_id: str) -> tuple[Any, Any] | None:
    account, region = backend.account_id, backend.region_name
    if account not in autoscaling_backends or region not in autoscaling_backends[account]:
        return None
    for group in autoscaling_backends[account][region].autoscaling_groups.values():
        for state in group.instance_states:
            if state.instance.id == instance_id:
                return group, state
    return None


def stop_instances(self: InstanceBackend, instance_ids: list[str], *args: Any, **kwargs: Any) -> Any:
    result = stop_instances.__wrapped__(self, instance_ids, *args, **kwargs)  # type: ignore[attr-defined]
    for instance_id in instance_ids:
        found = _group_of(self, instance_id)
        if found is None:
            continue
        group, state = found
        suspended = {p["ProcessName"] for p in group.suspended_processes}
        if suspended & KEEPING_PROCESSES or state.lifecycle_state != "InService":
            continue
        group.instance_states.remove(state)
        self.terminate_instances([instance_id])
        group.replace_autoscaling_group_instances(1, {})
    return result


def install() -> None:
    replace(InstanceBackend, "stop_instances", stop_instances)
