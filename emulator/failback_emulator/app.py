"""The emulator's WSGI application: moto's server app, patched, behind our middleware."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .middleware import EmulatorMiddleware


def build_app() -> EmulatorMiddleware:
    from moto.server import DomainDispatcherApplication, create_backend_app

    from . import accounts, authz, patches

    accounts.install()
    patches.install_all()
    authz.install()
    return EmulatorMiddleware(DomainDispatcherApplication(create_backend_app))


def build_plain_app(seeding_keys: bool) -> Callable[..., Iterable[bytes]]:
    """moto as it is, for checking that the emulator's tests fail against it
    (FAILBACK_EMULATOR_PLAIN=1, or =keys to keep the seeding keys so accounts can be told apart).
    The admin API answers (so tests get past their set-up) but nothing it sets has any effect."""
    from moto.server import DomainDispatcherApplication, create_backend_app

    from . import admin

    if seeding_keys:
        from . import accounts

        accounts.install()
    moto = DomainDispatcherApplication(create_backend_app)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(admin.PREFIX):
            return admin.handle(environ, start_response)
        return moto(environ, start_response)

    return app
