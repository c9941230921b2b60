"""Instances: RunInstances honours ClientToken (ec2_run_tokens), launches only
from AMIs the caller may see and that are available, and instances go pending -> running."""

from __future__ import annotations

from typing import Any

from moto.ec2.exceptions import InvalidAMIIdError
from moto.ec2.models import ec2_backends
from moto.ec2.models.instances import Instance, InstanceBackend, InstanceState

from .. import timing
from . import ec2_block_devices, ec2_describe_lag, ec2_images, ec2_run_tokens, kms_failures
from .common import existing_backends, replace


def _known_anywhere(image_id: str, region: str) -> bool:
    return any(image_id in backend.amis for _, _, backend in existing_backends(ec2_backends, region))


def run_instances(
    self: InstanceBackend, image_id: str, count: int, user_data: Any, security_group_names: Any, **kwargs: Any
) -> Any:
    token = kwargs.get("client_token")
    earlier = ec2_run_tokens.repeated(self, token, image_id, count)
    if earlier is not None:
        return earlier
    region: str = self.region_name  # type: ignore[attr-defined]
    if image_id and _known_anywhere(image_id, region):
        ami = ec2_images.find_image(self, image_id, region)
        if ami is None:
            raise InvalidAMIIdError(image_id)
        if timing.in_progress(ami):
            raise ec2_images.unavailable(image_id)
    ami = ec2_images.find_image(self, image_id, region) if image_id else None
    devices = ec2_block_devices.launch_mappings(ami, kwargs.get("block_device_mappings"))
    if devices:
        kwargs["block_device_mappings"] = devices
    reservation = run_instances.__wrapped__(self, image_id, count, user_data, security_group_names, **kwargs)  # type: ignore[attr-defined]
    failure = kms_failures.pending()
    for instance in reservation.instances:
        timing.begin(instance, "ec2.instance", self.account_id, "pending")  # type: ignore[attr-defined]
        ec2_describe_lag.begin(instance, self.account_id)  # type: ignore[attr-defined]
        if failure:
            kms_failures.fail_launch(instance)
    ec2_run_tokens.remember(self, token, reservation)
    return reservation


def start_instances(self: InstanceBackend, instance_ids: list[str]) -> Any:
    started = start_instances.__wrapped__(self, instance_ids)  # type: ignore[attr-defined]
    failure = kms_failures.pending()
    if failure:
        for instance_id in instance_ids:
            instance = self.get_instance(instance_id)
            timing.begin(instance, "ec2.instance", self.account_id, "pending")  # type: ignore[attr-defined]
            kms_failures.fail_launch(instance, started=True)
    return started


def install() -> None:
    pending = InstanceState("pending", 0)
    timing.lazy_attribute(Instance, "instance_state", label=lambda _o, _t: pending)
    timing.lazy_attribute(Instance, "state", label=lambda _o, _t: "pending")
    timing.lazy_attribute(Instance, "state_code", label=lambda _o, _t: 0)
    replace(InstanceBackend, "run_instances", run_instances)
    replace(InstanceBackend, "start_instances", start_instances)
