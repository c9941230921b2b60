"""Route 53 changes: each ChangeResourceRecordSets gets its own change id, PENDING until the profile's
`route53.change` duration has passed, then INSYNC; GetChange of an unknown id is NoSuchChange.
moto answers INSYNC at once with one fixed id for every change. Hosted zone ids start with Z, as AWS's."""

from __future__ import annotations

import random
import string
import threading
from datetime import datetime, timezone
from typing import Any

from moto.core.responses import ActionResult
from moto.route53.exceptions import Route53ClientError
from moto.route53 import models as route53_models
from moto.route53.responses import Route53

from .. import context, timing
from .common import replace

_lock = threading.Lock()
_changes: dict[tuple[str, str], tuple[timing.Transition, datetime]] = {}


def _clear() -> None:
    with _lock:
        _changes.clear()


def _change_info(change_id: str, transition: timing.Transition, submitted: datetime) -> dict[str, Any]:
    status = "PENDING" if transition.active() else "INSYNC"
    return {"ChangeInfo": {"Id": f"/change/{change_id}", "Status": status, "SubmittedAt": submitted}}


def change_resource_record_sets(self: Route53) -> ActionResult:
    change_resource_record_sets.__wrapped__(self)  # type: ignore[attr-defined]  # validates and applies
    change_id = "C" + "".join(random.choices(string.ascii_uppercase + string.digits, k=13))
    holder = type("Change", (), {})()
    transition = timing.begin(holder, "route53.change", self.current_account, "PENDING")
    submitted = datetime.now(timezone.utc)
    with _lock:
        _changes[(self.current_account, change_id)] = (transition, submitted)
    return ActionResult(_change_info(change_id, transition, submitted))


def get_change(self: Route53) -> ActionResult:
    change_id = str(self._get_param("Id")).removeprefix("/change/")
    with _lock:
        found = _changes.get((self.current_account, change_id))
    if found is None:
        raise Route53ClientError(
            "NoSuchChange", f"A change with the specified change ID does not exist: {change_id}"
        )
    return ActionResult(_change_info(change_id, *found))


def _zone_id(*_args: Any, **_kwargs: Any) -> str:
    # AWS hosted zone ids start with Z (Z1RWWTK7Y8UDDQ); moto's are 22 random characters.
    return "Z" + "".join(random.choice(string.ascii_uppercase + string.digits) for _ in range(20))


def install() -> None:
    route53_models.create_route53_zone_id = _zone_id  # type: ignore[assignment]
    replace(Route53, "change_resource_record_sets", change_resource_record_sets)
    replace(Route53, "get_change", get_change)
    context.on_reset(_clear)
