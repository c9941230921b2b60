"""Instances: RunInstances honours ClientToken (a repeat returns the first reservation), launches only
from AMIs the caller may see and that are available, and instances go pending -> running."""

from __future__ import annotations

from typing import Any

from moto.ec2.exceptions import EC2ClientError, InvalidAMIIdError
from moto.ec2.models import ec2_backends
from moto.ec2.models.instances import Instance, InstanceBackend, InstanceState

from .. import timing
from . import ec2_block_devices, ec2_images, kms_failures
from .common import existing_backends, replace

# moto's response fills in this token when the request has none; it must not make runs idempotent.
MOTO_DEFAULT_TOKEN = "ABCDE"


def _known_anywhere(image_id: str, region: str) -> bool:
    return any(image_id in backend.amis for _, _, backend in existing_backends(ec2_backends, region))


def run_instances(
    self: InstanceBackend, image_id: str, count: int, user_data: Any, security_group_names: Any, **kwargs: Any
) -> Any:
    token = kwargs.get("client_token")
    tokens: dict[str, str] = self.__dict__.setdefault("_fb_run_tokens", {})
    if token and token != MOTO_DEFAULT_TOKEN and token in tokens:
        reservation = self.reservations.get(tokens[token])
        if reservation is not None:
            first = reservation.instances[0] if reservation.instances else None
            if first is not None and (first.image_id != image_id or len(reservation.instances) != count):
                raise EC2ClientError(
                    "IdempotentParameterMismatch",
                    "Arguments on this idempotent request are inconsistent with arguments used "
                    "in previous request(s).",
                )
            return reservation
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
        if failure:
            kms_failures.fail_launch(instance)
    if token and token != MOTO_DEFAULT_TOKEN:
        tokens[token] = reservation.id
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
