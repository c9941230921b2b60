"""The WSGI layer in front of moto: admin routes, call counting and the request log, hold rules,
latency, faults and guards."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from . import admin, authz, context, errors, requests
from .faults import faults
from .holds import holds
from .journal import journal
from .profile import settings
from .request_log import request_log, status_code

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


# moto's models are not thread-safe (a DescribeDBClusters serialising a cluster's members while a
# CreateDBInstance adds one fails with "mutated during iteration", a 500 the SDK then retries into
# "already exists"). The server still takes requests on threads, so latency and faults sleep in
# parallel and responses are written in parallel, but moto itself serves one request at a time: it
# holds the GIL while it works anyway, so nothing runs slower for it.
_MOTO = threading.RLock()


class EmulatorMiddleware:
    def __init__(self, app: WsgiApp) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(admin.PREFIX):
            with _MOTO:
                return admin.handle(environ, start_response)
        req = requests.parse(environ)
        if req is None:  # moto's own API, unsigned requests: untouched
            with _MOTO:
                return list(self.app(environ, start_response))
        journal.count_call(req.account, req.service, req.operation)
        entry = request_log.begin(req)
        hold = holds.check(req, entry.seq)
        if hold is not None and hold.before:
            hold.wait()  # nothing has happened yet: the caller waits, moto has not seen the call
        answered: list[str] = []

        def respond(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            answered.append(status)
            return start_response(status, headers, *exc)

        body = self._serve(req, environ, respond)
        status = status_code(answered[0]) if answered else None
        request_log.finish(entry, status)
        if hold is not None and hold.after:
            hold.wait(status)  # done in moto; the caller has not seen the answer yet
        return body

    def _serve(
        self, req: requests.ApiRequest, environ: dict[str, Any], start_response: StartResponse
    ) -> list[bytes]:
        decision = faults.decide(req)
        req.outcome = decision.outcome
        latency_ms = settings.api_latency_ms(req.account) + decision.latency_ms
        if latency_ms > 0:
            time.sleep(latency_ms / 1000.0)
        with _MOTO:
            error = (
                decision.error
                or context.check_early_guards(req)
                or authz.authorize(req)
                or context.check_guards(req)
            )
            if error is not None:
                status, headers, body = errors.render(req, error)
                start_response(status, headers)
                return [body]
            with context.serving(req):
                # moto builds the whole response inside this call, so the context covers it.
                return list(self.app(environ, start_response))
