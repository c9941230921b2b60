"""moto's per-request overhead, paid once instead. moto 5.2.1's server lists its own package directory
(an isdir per service) to find the backend of every request, under a global lock, and re-checks under
another lock that the account's backend exists; at a few hundred requests a second that was a tenth
of the emulator's CPU. A host's backend never changes, and an existing account backend stays."""

from __future__ import annotations

from typing import Any

from moto.core.base_backend import BackendDict
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

from .common import replace

_backend_for_host: dict[str, Any] = {}


def _get_backend_for_host(self: DomainDispatcherApplication, host: str | None) -> Any:
    if host is not None and host in _backend_for_host:
        return _backend_for_host[host]
    backend = _get_backend_for_host.__wrapped__(self, host)  # type: ignore[attr-defined]
    if host is not None and backend:
        _backend_for_host[host] = backend
    return backend


def _create_account_specific_backend(self: BackendDict, account_id: str) -> None:
    if dict.__contains__(self, account_id):
        return
    _create_account_specific_backend.__wrapped__(self, account_id)  # type: ignore[attr-defined]


def install() -> None:
    replace(DomainDispatcherApplication, "get_backend_for_host", _get_backend_for_host)
    replace(BackendDict, "_create_account_specific_backend", _create_account_specific_backend)
