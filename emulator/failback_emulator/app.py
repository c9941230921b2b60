"""The emulator's WSGI application: moto's server app, patched, behind our middleware."""

from __future__ import annotations

from .middleware import EmulatorMiddleware


def build_app() -> EmulatorMiddleware:
    from moto.server import DomainDispatcherApplication, create_backend_app

    from . import accounts, patches

    accounts.install()
    patches.install_all()
    return EmulatorMiddleware(DomainDispatcherApplication(create_backend_app))
