"""The admin API under /_emulator/ (JSON in, JSON out). Documented in emulator/README.md."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from . import __version__, context, requests
from .faults import faults
from .holds import holds
from .journal import journal
from .profile import settings
from .request_log import request_log

PREFIX = "/_emulator"
Handler = Callable[[dict[str, Any], dict[str, str], re.Match[str]], tuple[int, Any]]
_routes: list[tuple[str, re.Pattern[str], Handler]] = []


def route(method: str, pattern: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _routes.append((method, re.compile(f"^{PREFIX}{pattern}/?$"), handler))
        return handler

    return register


def handle(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")
    query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    status, payload = 404, {"error": f"no admin route {method} {path}", "routes": _index()}
    for verb, pattern, handler in _routes:
        match = pattern.match(path)
        if match and verb == method:
            try:
                raw = requests.read_body(environ)
                body = json.loads(raw) if raw.strip() else {}
                if not isinstance(body, dict):
                    raise ValueError("the request body must be a JSON object")
                status, payload = handler(body, query, match)
            except (ValueError, KeyError, TypeError) as error:
                status, payload = 400, {"error": str(error)}
            break
        if match:
            status, payload = 405, {"error": f"{method} not allowed on {path}"}
    data = json.dumps(payload, indent=2, default=str).encode()
    reason = {200: "OK", 201: "Created", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}
    start_response(
        f"{status} {reason.get(status, 'OK')}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(data)))],
    )
    return [data]


def _index() -> list[str]:
    # The patterns read back as paths: drop the anchors and the optional trailing slash.
    return [f"{verb} {pattern.pattern[1:-3]}" for verb, pattern, _ in _routes]


@route("GET", "")
def index(_b: dict[str, Any], _q: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    return 200, {"emulator": "failback-emulator", "version": __version__, "routes": _index()}


@route("GET", "/health")
def health(_b: dict[str, Any], _q: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    return 200, {"status": "ok", "version": __version__, "profile": settings.profile.name}


@route("GET", "/profile")
def get_profile(_b: dict[str, Any], _q: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    return 200, settings.timing_model()


@route("PUT", "/profile")
def put_profile(body: dict[str, Any], _q: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    spec = body.get("profile", settings.profile.source or settings.profile.name)
    settings.set_profile(spec, body.get("scale"))
    return 200, settings.timing_model()


@route("GET", r"/accounts/(\d{12})")
def get_account(_b: dict[str, Any], _q: dict[str, str], m: re.Match[str]) -> tuple[int, Any]:
    override = settings.accounts.get(m.group(1))
    return 200, {"account": m.group(1), **(override.to_json() if override else {})}


@route("PUT", r"/accounts/(\d{12})")
def put_account(body: dict[str, Any], _q: dict[str, str], m: re.Match[str]) -> tuple[int, Any]:
    settings.set_account(m.group(1), body)
    return 200, {"account": m.group(1), **settings.accounts[m.group(1)].to_json()}


@route("DELETE", r"/accounts/(\d{12})")
def delete_account(_b: dict[str, Any], _q: dict[str, str], m: re.Match[str]) -> tuple[int, Any]:
    settings.clear_account(m.group(1))
    return 200, {"account": m.group(1)}


@route("GET", "/faults")
def get_faults(_b: dict[str, Any], _q: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    return 200, faults.to_json()


@route("PUT", "/faults")
def put_faults(body: dict[str, Any], _q: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    faults.replace(list(body.get("rules", [])), body.get("seed"))
    return 200, faults.to_json()


@route("POST", "/faults")
def post_fault(body: dict[str, Any], _q: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    return 201, faults.add(body).to_json()


@route("DELETE", "/faults")
def delete_faults(_b: dict[str, Any], query: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    return 200, {"removed": faults.remove(account=query.get("account"))}


@route("DELETE", r"/faults/([^/]+)")
def delete_fault(_b: dict[str, Any], _q: dict[str, str], m: re.Match[str]) -> tuple[int, Any]:
    return 200, {"removed": faults.remove(rule_id=m.group(1))}


@route("GET", "/events")
def get_events(_b: dict[str, Any], query: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    events = journal.events(query.get("account"), query.get("type"), int(query.get("since", 0)))
    return 200, {"events": events}


@route("DELETE", "/events")
def delete_events(_b: dict[str, Any], query: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    journal.clear(query.get("account"), events=True, calls=False)
    return 200, {}


@route("GET", "/calls")
def get_calls(_b: dict[str, Any], query: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    return 200, journal.calls(query.get("account"))


@route("DELETE", "/calls")
def delete_calls(_b: dict[str, Any], query: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    journal.clear(query.get("account"), events=False, calls=True)
    return 200, {}


@route("GET", "/holds")
def get_holds(_b: dict[str, Any], query: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    return 200, holds.to_json(query.get("account"))


@route("POST", "/holds")
def post_hold(body: dict[str, Any], _q: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    return 201, holds.add(body).to_json()


@route("DELETE", "/holds")
def delete_holds(_b: dict[str, Any], query: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    return 200, {"removed": holds.remove(account=query.get("account"))}


@route("GET", r"/holds/([^/]+)")
def get_hold(_b: dict[str, Any], _q: dict[str, str], m: re.Match[str]) -> tuple[int, Any]:
    try:
        return 200, holds.get(m.group(1)).to_json()
    except KeyError as error:
        return 404, {"error": str(error.args[0])}


@route("POST", r"/holds/([^/]+)/release")
def release_hold(_b: dict[str, Any], _q: dict[str, str], m: re.Match[str]) -> tuple[int, Any]:
    try:
        return 200, holds.release(m.group(1)).to_json()
    except KeyError as error:
        return 404, {"error": str(error.args[0])}


@route("DELETE", r"/holds/([^/]+)")
def delete_hold(_b: dict[str, Any], _q: dict[str, str], m: re.Match[str]) -> tuple[int, Any]:
    return 200, {"removed": holds.remove(rule_id=m.group(1))}


@route("GET", "/requests")
def get_requests(_b: dict[str, Any], query: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    entries = request_log.entries(
        query.get("account"), int(query.get("since", 0)), query.get("caller"), query.get("service")
    )
    return 200, {"requests": entries, "last": request_log.last_seq}


@route("DELETE", "/requests")
def delete_requests(_b: dict[str, Any], query: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    request_log.clear(query.get("account"))
    return 200, {}


@route("POST", "/reset")
def reset(body: dict[str, Any], query: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    account = body.get("account") or query.get("account")
    if account:
        # Only the emulator layer's state of one account: moto's resources stay.
        settings.clear_account(account)
        faults.remove(account=account)
        holds.remove(account=account, by="reset")
        request_log.clear(account)
        journal.clear(account)
        from .authz import state as authorization

        authorization.reset(account)
        return 200, {"reset": "account", "account": account}
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()
    settings.reset()
    faults.replace([], seed="0")
    holds.remove(by="reset")
    request_log.clear()
    journal.clear()
    context.run_reset_hooks()
    return 200, {"reset": "all", "profile": settings.profile.name}


# The size routes live in their own module (it needs moto's backends); importing it registers them.
from . import admin_sizes  # noqa: E402, F401
