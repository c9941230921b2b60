"""The authorization part of the admin API (emulator/README.md, "Authorization")."""

from __future__ import annotations

import re
from typing import Any

from ..admin import route
from . import state


@route("GET", "/authorization")
def get_authorization(_b: dict[str, Any], _q: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    return 200, state.summary()


@route("PUT", "/authorization")
def put_authorization(body: dict[str, Any], _q: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    mode = body.get("mode")
    if mode not in ("enforce", "off"):
        raise ValueError("mode must be enforce or off")
    state.mode = mode
    return 200, state.summary()


@route("GET", "/authorization/denied")
def get_denied(_b: dict[str, Any], query: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    return 200, {"denied": state.denied(query.get("account"), int(query.get("since", 0)))}


@route("GET", "/authorization/allowed")
def get_allowed(_b: dict[str, Any], query: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    return 200, {"allowed": state.allowed_actions(query.get("principal"), query.get("account"))}


@route("DELETE", "/authorization/denied")
def delete_denied(_b: dict[str, Any], query: dict[str, str], _m: re.Match[str]) -> tuple[int, Any]:
    if query.get("account"):
        state.reset(query["account"])
    else:
        state.reset_records()
    return 200, state.summary()
