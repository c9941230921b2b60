"""RunInstances' ClientToken as AWS honours it ("Ensuring idempotency in Amazon EC2 API requests"):
a repeat with the same token and the same parameters answers the first reservation — its instances'
current state, a terminated one's too — for at least 24 hours after the instance terminated; the same
token with any other parameter changed is IdempotentParameterMismatch (HTTP 400). Tokens are per
region (each region's backend keeps its own). DescribeInstances filters by `client-token`.
moto compared nothing: only the image and the count were checked by our first patch."""

from __future__ import annotations

import json
import time
from typing import Any

from moto.ec2 import utils as ec2_utils
from moto.ec2.exceptions import EC2ClientError
from moto.ec2.models.instances import InstanceBackend

from .. import context, timing
from .common import replace

# AWS: "valid for at least 24 hours after the termination of the instance".
TOKEN_WINDOW_SECONDS = 24 * 3600
# moto's response fills in this token when the request has none; it must not make runs idempotent.
MOTO_DEFAULT_TOKEN = "ABCDE"
_IGNORED = {"ClientToken", "Action", "Version"}
_TERMINATED_AT = "_fb_terminated_at"


class IdempotentParameterMismatch(EC2ClientError):
    def __init__(self) -> None:
        super().__init__(
            "IdempotentParameterMismatch",
            "Arguments on this idempotent request are inconsistent with arguments used in previous "
            "request(s).",
        )


def _fingerprint() -> str | None:
    """The request's parameters but the token, as sent (the query form is flat and ordered by key)."""
    req = context.current_request()
    if req is None or req.operation != "RunInstances":
        return None
    return json.dumps({k: v for k, v in req.params.items() if k not in _IGNORED}, sort_keys=True)


def _tokens(backend: InstanceBackend) -> dict[str, tuple[str, str | None]]:
    return backend.__dict__.setdefault("_fb_run_tokens", {})  # token -> (reservation id, fingerprint)


def _expired(reservation: Any, now: float) -> bool:
    instances = list(reservation.instances)
    if not instances or any(i.state != "terminated" for i in instances):
        return False
    # A launch that failed (no TerminateInstances) has no time: kept, as "at least 24 h" allows.
    ended = [i.__dict__.get(_TERMINATED_AT) for i in instances]
    return all(t is not None for t in ended) and now - max(ended) > TOKEN_WINDOW_SECONDS


def repeated(backend: InstanceBackend, token: str | None, image_id: str, count: int) -> Any:
    """The reservation a repeated token answers, None for a new (or expired) token; raises on a mismatch."""
    if not token or token == MOTO_DEFAULT_TOKEN:
        return None
    known = _tokens(backend).get(token)
    reservation = backend.reservations.get(known[0]) if known else None
    if known is None or reservation is None or _expired(reservation, time.time()):
        return None
    fingerprint = _fingerprint()
    first = reservation.instances[0] if reservation.instances else None
    if (fingerprint is not None and known[1] is not None and fingerprint != known[1]) or (
        first is not None and (first.image_id != image_id or len(reservation.instances) != count)
    ):
        raise IdempotentParameterMismatch()
    return reservation


def remember(backend: InstanceBackend, token: str | None, reservation: Any) -> None:
    if token and token != MOTO_DEFAULT_TOKEN:
        _tokens(backend)[token] = (reservation.id, _fingerprint())


def terminate_instances(self: InstanceBackend, instance_ids: list[str]) -> Any:
    result = terminate_instances.__wrapped__(self, instance_ids)  # type: ignore[attr-defined]
    now = time.time()
    for instance, _previous in result:
        instance.__dict__.setdefault(_TERMINATED_AT, now)
        # AWS terminates a pending instance too: it no longer reports `pending` for the launch's rest.
        timing.end(instance)
    return result


def install() -> None:
    replace(InstanceBackend, "terminate_instances", terminate_instances)
    # DescribeInstances' `client-token` filter (moto raised NotImplementedError: a 500).
    ec2_utils.filter_dict_attribute_mapping["client-token"] = "client_token"
