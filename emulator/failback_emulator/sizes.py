"""Data sizes of resources and snapshots, and which copies are incremental (decision 0041).

A volume, DB instance or cluster carries a Size: used GiB (default: its provisioned size), allocated
GiB and a change rate (GiB written per hour, default 0); a DynamoDB table its bytes and item count
(from its items unless set). A snapshot records a SnapshotSize when it is taken: its lineage (the
volume, DB instance or cluster it is of), its source's used GiB, when it was taken, which earlier
snapshot of the lineage in the same account and region it follows and how many GiB changed since
(change rate x time between them, at most the used GiB). A copy records the same of its source plus
whether it was incremental and the GiB it transferred.

Hours of writes are AWS hours: real seconds / 3600 / the profile's scale (the realistic profile runs
AWS's clock 600 times faster, so its writes accumulate 600 times faster too). Records live on the
moto objects (`_fb_size`), so a deleted snapshot is no base for later copies and a reset forgets all.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from . import timing
from .profile import settings

_ATTR = "_fb_size"
GIB = 1024**3


@dataclass
class Size:
    used_gib: float
    allocated_gib: float
    change_gib_per_hour: float = 0.0
    bytes: int | None = None  # DynamoDB tables: set through the admin API (else from the items)
    item_count: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "usedGiB": self.used_gib,
            "allocatedGiB": self.allocated_gib,
            "changeGiBPerHour": self.change_gib_per_hour,
        }


@dataclass
class SnapshotSize:
    id: str
    lineage: str
    used_gib: float
    taken_at: float  # epoch seconds: the point in time of its data (a copy: its source's)
    change_gib_per_hour: float
    key: str | None  # the KMS key of its data, None when unencrypted
    follows: str | None = None  # the earlier snapshot of the lineage here it is incremental to
    changed_gib: float = 0.0  # GiB changed since `follows` (all of it when it follows none)
    copy_of: str | None = None
    incremental: bool | None = None  # copies only
    transferred_gib: float | None = None  # copies only: what the copy moved

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "lineage": self.lineage,
            "usedGiB": round(self.used_gib, 6),
            "takenAt": self.taken_at,
            "changeGiBPerHour": self.change_gib_per_hour,
            "kmsKeyId": self.key,
            "follows": self.follows,
            "changedGiB": round(self.changed_gib, 6),
            "copyOf": self.copy_of,
            "incremental": self.incremental,
            "transferredGiB": None if self.transferred_gib is None else round(self.transferred_gib, 6),
        }


def size_of(obj: Any, used_gib: float, allocated_gib: float | None = None) -> Size:
    """obj's size, created with these defaults the first time it is asked for."""
    size = obj.__dict__.get(_ATTR)
    if not isinstance(size, Size):
        size = Size(float(used_gib), float(allocated_gib if allocated_gib is not None else used_gib))
        obj.__dict__[_ATTR] = size
    return size


def record_of(obj: Any) -> SnapshotSize | None:
    record = obj.__dict__.get(_ATTR) if hasattr(obj, "__dict__") else None
    return record if isinstance(record, SnapshotSize) else None


def changed_gib(used_gib: float, gib_per_hour: float, earlier: float, later: float) -> float:
    """GiB written between two points in time (AWS hours), never more than the data there is."""
    scale = settings.profile.scale or 1.0
    hours = max(0.0, later - earlier) / 3600.0 / scale
    return min(used_gib, gib_per_hour * hours)


def _latest(
    candidates: Iterable[Any],
    lineage: str,
    before: float,
    wanted: Callable[[SnapshotSize], bool] | None = None,
) -> SnapshotSize | None:
    best: SnapshotSize | None = None
    for obj in candidates:
        record = record_of(obj)
        if record is None or record.lineage != lineage or record.taken_at >= before:
            continue
        if wanted is not None and not wanted(record):
            continue
        if best is None or record.taken_at > best.taken_at:
            best = record
    return best


def record_snapshot(
    snapshot: Any, snapshot_id: str, lineage: str, size: Size, key: str | None, neighbours: Iterable[Any]
) -> SnapshotSize:
    """A new snapshot of `lineage` (neighbours: the other snapshots of its account and region)."""
    now = time.time()
    previous = _latest(neighbours, lineage, now)
    changed = size.used_gib
    if previous is not None:
        changed = changed_gib(size.used_gib, size.change_gib_per_hour, previous.taken_at, now)
    record = SnapshotSize(
        snapshot_id,
        lineage,
        size.used_gib,
        now,
        size.change_gib_per_hour,
        key,
        previous.id if previous else None,
        changed,
    )
    snapshot.__dict__[_ATTR] = record
    return record


def record_copy(
    target: Any,
    target_id: str,
    source: SnapshotSize,
    key: str | None,
    destination: Iterable[Any],
    may_be_incremental: bool = True,
) -> SnapshotSize:
    """A copy of `source` into a destination whose snapshots are `destination`: incremental to the
    latest completed copy there of an earlier snapshot of the same lineage under the same key (EBS
    and RDS's rule, see decision 0041), a full copy otherwise."""
    # Only a copy that finished counts: one still pending/copying, or one that failed (`error`), does not.
    completed = [s for s in destination if s is not target and _finished(s)]
    base = None
    if may_be_incremental:
        base = _latest(
            completed, source.lineage, source.taken_at, lambda r: r.copy_of is not None and r.key == key
        )
    transferred = source.used_gib
    if base is not None:
        transferred = changed_gib(
            source.used_gib, source.change_gib_per_hour, base.taken_at, source.taken_at
        )
    record = SnapshotSize(
        target_id,
        source.lineage,
        source.used_gib,
        source.taken_at,
        source.change_gib_per_hour,
        key,
        base.id if base else None,
        transferred,
        copy_of=source.id,
        incremental=base is not None,
        transferred_gib=transferred,
    )
    target.__dict__[_ATTR] = record
    return record


def _finished(snapshot: Any) -> bool:
    status = str(getattr(snapshot, "status", ""))
    return not timing.in_progress(snapshot) and status in ("completed", "available")


def transition_json(obj: Any) -> dict[str, Any] | None:
    transition = timing.last(obj)
    if transition is None:
        return None
    return {
        "kind": transition.kind,
        "durationMs": round(transition.duration * 1000.0, 3),
        "gib": round(transition.gib, 6),
        "inProgress": transition.active(),
    }
