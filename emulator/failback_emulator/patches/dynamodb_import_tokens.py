"""ImportTable's ClientToken as AWS honours it (ImportTable API reference): within 8 hours a request
with a token already used answers that import — whatever became of it, a FAILED one too — and the same
token with other parameters is IdempotentParameterMismatchException. Descriptions carry the token.
An import into a table name that exists is refused (ResourceInUseException), as creating it would be.
moto ignored the token (a repeat made a second import into the same table)."""

from __future__ import annotations

import json
import time
from typing import Any

from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult
from moto.dynamodb.exceptions import ResourceInUseException
from moto.dynamodb.models.table_import import TableImport
from moto.dynamodb.responses import DynamoHandler

from .common import replace

TOKEN_WINDOW_SECONDS = 8 * 3600
PREFIX = "com.amazonaws.dynamodb.v20120810#"


class IdempotentParameterMismatch(JsonRESTError):
    def __init__(self, token: str) -> None:
        super().__init__(
            PREFIX + "IdempotentParameterMismatchException",
            f"ClientToken {token} was already used with other parameters",
        )


def _fingerprint(body: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in body.items() if k != "ClientToken"}, sort_keys=True)


def import_table(self: DynamoHandler) -> ActionResult:
    body = self.body
    token = body.get("ClientToken")
    backend = self.dynamodb_backend
    tokens: dict[str, tuple[str, str, float]] = backend.__dict__.setdefault("_fb_import_tokens", {})
    if token:
        known = tokens.get(token)
        if known and time.time() - known[2] < TOKEN_WINDOW_SECONDS:
            fingerprint, arn, _ = known
            if fingerprint != _fingerprint(body):
                raise IdempotentParameterMismatch(token)
            existing = backend.table_imports.get(arn)
            if existing is not None:
                return ActionResult({"ImportTableDescription": existing.response()})
    name = (body.get("TableCreationParameters") or {}).get("TableName", "")
    if name in backend.tables:
        raise ResourceInUseException(f"Table already exists: {name}")
    result = import_table.__wrapped__(self)  # type: ignore[attr-defined]
    arn = result.result["ImportTableDescription"]["ImportArn"]  # type: ignore[index]
    created = backend.table_imports[arn]
    created.__dict__["_fb_client_token"] = token
    if token:
        tokens[token] = (_fingerprint(body), arn, time.time())
    return ActionResult({"ImportTableDescription": created.response()})


def _response(self: TableImport) -> dict[str, Any]:
    response = _response.__wrapped__(self)  # type: ignore[attr-defined]
    token = self.__dict__.get("_fb_client_token")
    if token:
        response["ClientToken"] = token
    response["S3BucketSource"] = self.s3_source
    return response


def install() -> None:
    replace(DynamoHandler, "import_table", import_table)
    replace(TableImport, "response", _response)
