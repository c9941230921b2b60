"""Shared plumbing between the middleware and the moto patches: the request being served, request
guards (preconditions a patch checks before moto runs), and hooks run on reset."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .errors import AwsError
from .requests import ApiRequest

_local = threading.local()
Guard = Callable[[ApiRequest], AwsError | None]
_guards: dict[str, list[Guard]] = {}
_early_guards: dict[str, list[Guard]] = {}
_reset_hooks: list[Callable[[], None]] = []


@contextmanager
def serving(req: ApiRequest) -> Iterator[None]:
    _local.request = req
    try:
        yield
    finally:
        _local.request = None


def current_request() -> ApiRequest | None:
    """The AWS request this thread is serving (werkzeug serves each request on one thread)."""
    return getattr(_local, "request", None)


def current_operation() -> str:
    req = current_request()
    return req.operation if req else "unknown"


def add_guard(service: str, guard: Guard, early: bool = False) -> None:
    """A precondition of `service`'s requests. Early guards run before authorization (where AWS
    answers before it authorizes: an S3 bucket in another region), the others after it."""
    (_early_guards if early else _guards).setdefault(service, []).append(guard)


def check_early_guards(req: ApiRequest) -> AwsError | None:
    for guard in _early_guards.get(req.service, []):
        error = guard(req)
        if error is not None:
            return error
    return None


def check_guards(req: ApiRequest) -> AwsError | None:
    for guard in _guards.get(req.service, []):
        error = guard(req)
        if error is not None:
            return error
    return None


def on_reset(hook: Callable[[], None]) -> None:
    _reset_hooks.append(hook)


def run_reset_hooks() -> None:
    for hook in _reset_hooks:
        hook()
