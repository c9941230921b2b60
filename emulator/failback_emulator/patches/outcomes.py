"""Long operations that end in a terminal bad state (an `outcome` fault rule, faults.py): the call
succeeds, and once the resource's transition is over AWS reports it failed — a DB instance restore
`incompatible-restore` / `restore-error` / `failed`, an AMI copy `failed` with its state reason. What
a product does then (wait for ever, adopt it on a retry, or remove it and start again) is what the
rule lets a test see."""

from __future__ import annotations

from typing import Any

from .. import context


def pending() -> tuple[str, str] | None:
    """The (state, message) the resource this request starts ends in, or None."""
    req = context.current_request()
    return req.outcome if req is not None else None


def fail_image(ami: Any, state: str, message: str) -> None:
    """The AMI reports `state` (and its snapshots `error`) once its copy's transition is over."""
    from .ec2_block_devices import snapshots

    ami.state = state
    ami.state_reason = {"Code": "Server.InternalError", "Message": message}
    for snapshot in snapshots(ami):
        snapshot.status = "error"
        snapshot.state_message = message
