"""EC2's API is eventually consistent ("Eventual consistency in the Amazon EC2 API", EC2 Developer
Guide): a resource a call just created "will eventually be visible to other commands"; a describe of
its id meanwhile answers that it does not exist (InvalidAMIID.NotFound, InvalidInstanceID.NotFound).
The profile's `ec2.describe-lag` duration (0 unless set; per account through the admin API) models it
deterministically for what the orchestrator relies on: for that long after CreateImage or CopyImage,
DescribeImages by the new AMI's id answers InvalidAMIID.NotFound and by filter omits it; for that long
after RunInstances, DescribeInstances filtered by `client-token` omits the new instance, and
DescribeInstances naming its id answers InvalidInstanceID.NotFound (the guide's own example: "If you
use DescribeInstances … immediately after RunInstances"). moto showed everything at once."""

from __future__ import annotations

import time
from typing import Any

from moto.ec2.exceptions import InvalidAMIIdError, InvalidInstanceIdError
from moto.ec2.models.amis import AmiBackend
from moto.ec2.models.instances import InstanceBackend

from ..profile import settings
from .common import replace

KIND = "ec2.describe-lag"
_VISIBLE_AT = "_fb_visible_at"


def begin(obj: Any, account: str) -> None:
    """obj (a new AMI or instance) stays out of the lagging describes for the account's lag."""
    obj.__dict__[_VISIBLE_AT] = time.time() + settings.duration_ms(KIND, account) / 1000.0


def hidden(obj: Any, now: float) -> bool:
    return obj.__dict__.get(_VISIBLE_AT, 0.0) > now


def describe_images(
    self: AmiBackend, ami_ids: Any = None, filters: Any = None, exec_users: Any = None, owners: Any = None
) -> list[Any]:
    original = describe_images.__wrapped__  # type: ignore[attr-defined]
    images = original(self, ami_ids, filters, exec_users, owners)
    now = time.time()
    unseen = [image.id for image in images if hidden(image, now)]
    if ami_ids and unseen:
        # AWS answers a request naming an id it does not know (yet) with an error, not a shorter list.
        raise InvalidAMIIdError(unseen)
    return [image for image in images if not hidden(image, now)]


def describe_instances(self: InstanceBackend, filters: Any = None) -> list[Any]:
    reservations = describe_instances.__wrapped__(self, filters)  # type: ignore[attr-defined]
    if not filters or "client-token" not in filters:
        return reservations
    now = time.time()
    visible = []
    for reservation in reservations:  # moto answers copies: trimming their instances changes nothing
        reservation.instances = [i for i in reservation.instances if not hidden(i, now)]
        if reservation.instances:
            visible.append(reservation)
    return visible


def get_reservations_by_instance_ids(self: InstanceBackend, instance_ids: list[str], filters: Any = None) -> list[Any]:
    # DescribeInstances with InstanceIds (moto's only caller): an id not visible yet is not known.
    original = get_reservations_by_instance_ids.__wrapped__  # type: ignore[attr-defined]
    reservations = original(self, instance_ids, filters)
    now = time.time()
    for reservation in reservations:
        unseen = [i.id for i in reservation.instances if hidden(i, now)]
        if unseen:
            raise InvalidInstanceIdError(unseen[0])
    return reservations


def install() -> None:
    replace(AmiBackend, "describe_images", describe_images)
    replace(InstanceBackend, "describe_instances", describe_instances)
    replace(InstanceBackend, "get_reservations_by_instance_ids", get_reservations_by_instance_ids)
