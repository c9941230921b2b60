"""The emulator's WSGI application: moto's server app, patched, behind our middleware."""

from __future__ import annotations

import json
from typing import Any, Callable, Iterable

from .middleware import EmulatorMiddleware


def build_app() -> EmulatorMiddleware:
    from moto.server import DomainDispatcherApplication, create_backend_app

    from . import accounts, patches

    accounts.install()
    patches.install_all()
    return EmulatorMiddleware(DomainDispatcherApplication(create_backend_app))


def build_plain_app(seeding_keys: bool) -> Callable[..., Iterable[bytes]]:
    """moto as it is (optionally with the seeding keys), answering only /_emulator/health: to check
    that the emulator's tests fail against plain moto (FAILBACK_EMULATOR_PLAIN=1 or =keys)."""
    from moto.server import DomainDispatcherApplication, create_backend_app

    if seeding_keys:
        from . import accounts

        accounts.install()
    moto = DomainDispatcherApplication(create_backend_app)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/_emulator"):
            return moto(environ, start_response)
        found = path.rstrip("/") == "/_emulator/health"
        body = json.dumps({"status": "ok", "profile": "plain"} if found else {"error": "plain moto"}).encode()
        start_response("200 OK" if found else "404 Not Found", [("Content-Type", "application/json")])
        return [body]

    return app
