"""Transitional states, computed lazily.

A resource that AWS creates asynchronously gets a Transition (kind, label, start, duration) when moto
creates it; every describe compares the clock with it. No thread or timer per resource: 500 resources
cost 500 small objects, and a profile change at run time affects only resources started afterwards,
as a changed AWS would.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .profile import settings

_ATTR = "_fb_transition"


@dataclass
class Transition:
    kind: str
    label: str
    started: float
    duration: float  # seconds
    gib: float = 0.0  # the data it moves: its duration is the kind's base plus gib x the kind's rate

    @property
    def ready_at(self) -> float:
        return self.started + self.duration

    def active(self, now: float | None = None) -> bool:
        return (now if now is not None else time.time()) < self.ready_at

    def fraction(self, now: float | None = None) -> float:
        if self.duration <= 0:
            return 1.0
        elapsed = (now if now is not None else time.time()) - self.started
        return max(0.0, min(1.0, elapsed / self.duration))


def begin(obj: Any, kind: str, account: str | None, label: str, gib: float = 0.0) -> Transition:
    """Starts obj's transition now, for as long as the profile says `kind` takes in `account` when it
    moves `gib` GiB of data (the base duration plus gib x the kind's rate; rates are 0 unless set)."""
    ms = settings.duration_ms(kind, account) + gib * settings.rate_ms_per_gib(kind, account)
    transition = Transition(kind, label, time.time(), ms / 1000.0, gib)
    obj.__dict__[_ATTR] = transition
    return transition


def follow(obj: Any, leader: Any) -> None:
    """obj is ready exactly when leader is (an AMI's snapshot with its AMI, a copy with its source)."""
    transition = leader.__dict__.get(_ATTR)
    if transition is not None:
        obj.__dict__[_ATTR] = transition


def end(obj: Any) -> None:
    """obj's transition is over now (a pending instance terminated reports its stored state)."""
    obj.__dict__.pop(_ATTR, None)


def last(obj: Any) -> Transition | None:
    """obj's transition, running or over (what the admin API reports of a copy or a restore)."""
    return obj.__dict__.get(_ATTR) if hasattr(obj, "__dict__") else None


def current(obj: Any) -> Transition | None:
    """obj's transition while it runs, None once it is over (or if there never was one)."""
    transition = obj.__dict__.get(_ATTR) if hasattr(obj, "__dict__") else None
    return transition if transition is not None and transition.active() else None


def in_progress(obj: Any) -> bool:
    return current(obj) is not None


def percent(obj: Any) -> int:
    transition = current(obj)
    return 100 if transition is None else int(transition.fraction() * 100)


def lazy_attribute(
    cls: type,
    name: str,
    label: Callable[[Any, Transition], Any] | None = None,
    settled: Callable[[Any, Any], Any] | None = None,
) -> None:
    """Makes cls.<name> report the transition's label while it runs, the stored value afterwards.

    `label` maps (obj, transition) to the reported value (default: the transition's label);
    `settled` maps (obj, stored value) to what is reported once no transition runs.
    An existing property keeps its getter and setter underneath.
    """
    existing = cls.__dict__.get(name)
    store = f"_fb_stored_{name}"

    def read_stored(self: Any) -> Any:
        if isinstance(existing, property) and existing.fget is not None:
            return existing.fget(self)
        return self.__dict__.get(store)

    def getter(self: Any) -> Any:
        transition = current(self)
        if transition is not None:
            return label(self, transition) if label else transition.label
        value = read_stored(self)
        return settled(self, value) if settled else value

    def setter(self: Any, value: Any) -> None:
        if isinstance(existing, property) and existing.fset is not None:
            existing.fset(self, value)
        else:
            self.__dict__[store] = value

    setattr(cls, name, property(getter, setter))


def wrap_method(cls: type, name: str, after: Callable[..., Any]) -> None:
    """Replaces cls.<name> with a call of the original followed by after(self, result, *args, **kw)."""
    original = getattr(cls, name)

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        after(self, result, *args, **kwargs)
        return result

    wrapper.__wrapped__ = original  # type: ignore[attr-defined]
    wrapper.__name__ = name
    setattr(cls, name, wrapper)
