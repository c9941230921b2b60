"""DynamoDB item values read from and written to the wire directly. moto 5.2's generic request parser
and response serializer resolve every AttributeValue member (S, N, B, … by every alias) for every
attribute of every item: a 1,000-item Scan cost seconds of CPU, which made table copies and their
verification the emulator's bottleneck (the benchmark copies 100 tables of 1,000 items). An
AttributeValue's JSON is the value itself, with binaries in base64; every other shape still goes
through moto's parser and serializer."""

from __future__ import annotations

import base64
from typing import Any

from moto.core.parse import BaseJSONParser
from moto.core.serialize import BaseJSONSerializer

from .common import replace


MEMBERS = {"S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"}


def _b64(value: str | bytes) -> str:
    return base64.b64encode(value.encode() if isinstance(value, str) else value).decode()


def attribute_value(value: dict[str, Any]) -> dict[str, Any]:
    """The wire form of one AttributeValue as moto's models hold it (binaries as raw bytes)."""
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": _b64(inner)}
    if kind == "BS":
        return {"BS": [_b64(v) for v in inner]}
    if kind == "M":
        return {"M": {k: attribute_value(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [attribute_value(v) for v in inner]}
    return {kind: inner}


def parsed_attribute_value(value: dict[str, Any], blob: Any) -> dict[str, Any]:
    """One AttributeValue from the request's JSON, as moto's parser gives it (binaries decoded)."""
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": blob(inner)}
    if kind == "BS":
        return {"BS": [blob(v) for v in inner]}
    if kind == "M":
        return {"M": {k: parsed_attribute_value(v, blob) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [parsed_attribute_value(v, blob) for v in inner]}
    return {kind: inner}


def _is_attribute_value(shape: Any, value: Any) -> bool:
    return (
        shape.name == "AttributeValue" and isinstance(value, dict) and len(value) == 1 and next(iter(value)) in MEMBERS
    )


def _parse_structure(self: Any, shape: Any, value: Any) -> Any:
    if _is_attribute_value(shape, value):
        return parsed_attribute_value(value, self._blob_parser)
    return _parse_structure.__wrapped__(self, shape, value)  # type: ignore[attr-defined]


def _serialize_type_structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
    if _is_attribute_value(shape, value):
        encoded = attribute_value(value)
        if key:
            self._default_serialize(serialized, encoded, shape, key)
        else:
            serialized.update(encoded)
        return
    _serialize_type_structure.__wrapped__(self, serialized, value, shape, key)  # type: ignore[attr-defined]


def install() -> None:
    replace(BaseJSONParser, "_parse_structure", _parse_structure)
    replace(BaseJSONSerializer, "_serialize_type_structure", _serialize_type_structure)
