"""EBS accepts a copy or a launch whose KMS key the caller may not use, and the resource fails when
EBS needs the key: an AMI copy ends `failed`, a snapshot copy `error`, an instance goes from `pending`
to `terminated` (a started one back to `stopped`) with the state reason Client.InternalError: "Client
error on launch" (EC2 troubleshooting, "Instance terminates immediately"; re:Post, "kms-iam-ec2-
permission"). Authorization (authz.authorize) finds the key it cannot use and leaves the reason on the
request; the patches that create those resources call these."""

from __future__ import annotations

from typing import Any

from moto.ec2.models.instances import InstanceState, StateReason

from .. import context

LAUNCH_ERROR = ("Client.InternalError", "Client.InternalError: Client error on launch")


def pending() -> str | None:
    """Why EBS will not be able to use a key for the resource this request creates, or None."""
    req = context.current_request()
    return req.kms_failure if req is not None else None


def fail_image(ami: Any, reason: str) -> None:
    ami.state = "failed"  # reported once the copy's transition is over
    ami.state_reason = {"Code": "Client.InternalError", "Message": reason}
    from .ec2_block_devices import snapshots

    for snapshot in snapshots(ami):
        fail_snapshot(snapshot, reason)


def fail_snapshot(snapshot: Any, reason: str) -> None:
    snapshot.status = "error"
    snapshot.state_message = reason


def fail_launch(instance: Any, started: bool = False) -> None:
    """A launch (or start) that EC2 could not complete: terminated (stopped) once `pending` is over."""
    code, message = LAUNCH_ERROR
    instance._state = InstanceState("stopped", 80) if started else InstanceState("terminated", 48)
    instance._reason = message
    instance.state_reason = StateReason(message, code)
