"""A resource policy naming an IAM role or user that does not exist is refused, as AWS refuses it when
the policy is saved (AWS turns each principal ARN into the principal's unique id, so it must exist):
IAM trust policies (MalformedPolicyDocument "Invalid principal in policy"), KMS key policies
(MalformedPolicyDocumentException) and S3 bucket policies (MalformedPolicy). This is how a role named
without its path (an assumed-role ARN carries no path: `arn:aws:iam::…:role/name` for a role at
`/team/name`) shows itself. The emulator's orchestrator user counts as existing."""

from __future__ import annotations

import json
from typing import Any

from moto.core.exceptions import JsonRESTError, ServiceException
from moto.iam.exceptions import MalformedPolicyDocument
from moto.iam.models import IAMBackend, iam_backends
from moto.kms.models import KmsBackend
from moto.s3.models import S3Backend

from ..accounts import ORCHESTRATOR_ARN
from .common import replace


def _principals(document: Any) -> list[str]:
    try:
        doc = json.loads(document) if isinstance(document, (str, bytes)) else document
    except ValueError:
        return []
    found: list[str] = []
    statements = doc.get("Statement", []) if isinstance(doc, dict) else []
    for statement in statements if isinstance(statements, list) else [statements]:
        principal = statement.get("Principal") if isinstance(statement, dict) else None
        if isinstance(principal, dict):
            aws = principal.get("AWS", [])
            found += [str(p) for p in (aws if isinstance(aws, list) else [aws])]
    return found


def _exists(arn: str) -> bool:
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam" or arn == ORCHESTRATOR_ARN:
        return True  # account ids, root ARNs, "*", service principals: not IAM entities
    kind = parts[5].split("/", 1)[0]
    if kind not in ("role", "user"):
        return True
    per_account = dict.get(iam_backends, parts[4])
    if per_account is None:
        return False
    backend = per_account["aws"]
    pool = backend.roles.values() if kind == "role" else backend.users.values()
    return any(entity.arn == arn for entity in pool)


def invalid_principal(document: Any) -> str | None:
    return next((p for p in _principals(document) if not _exists(p)), None)


def create_role(self: IAMBackend, role_name: str, assume_role_policy_document: str, *args: Any, **kwargs: Any) -> Any:
    bad = invalid_principal(assume_role_policy_document)
    if bad is not None:
        raise MalformedPolicyDocument(f'Invalid principal in policy: "AWS":"{bad}"')
    return create_role.__wrapped__(self, role_name, assume_role_policy_document, *args, **kwargs)  # type: ignore[attr-defined]


def update_assume_role_policy(self: IAMBackend, role_name: str, policy_document: str) -> None:
    bad = invalid_principal(policy_document)
    if bad is not None:
        raise MalformedPolicyDocument(f'Invalid principal in policy: "AWS":"{bad}"')
    update_assume_role_policy.__wrapped__(self, role_name, policy_document)  # type: ignore[attr-defined]


class KmsMalformedPolicy(JsonRESTError):
    def __init__(self) -> None:
        super().__init__("MalformedPolicyDocumentException",
                         "Policy contains a statement with one or more invalid principals.")  # fmt: skip


def put_key_policy(self: KmsBackend, key_id: str, policy: str) -> None:
    if invalid_principal(policy) is not None:
        raise KmsMalformedPolicy()
    put_key_policy.__wrapped__(self, key_id, policy)  # type: ignore[attr-defined]


def create_key(self: KmsBackend, policy: str | None, *args: Any, **kwargs: Any) -> Any:
    if policy and invalid_principal(policy) is not None:
        raise KmsMalformedPolicy()
    return create_key.__wrapped__(self, policy, *args, **kwargs)  # type: ignore[attr-defined]


class S3MalformedPolicy(ServiceException):
    code = "MalformedPolicy"


def put_bucket_policy(self: S3Backend, bucket_name: str, policy: bytes) -> None:
    if invalid_principal(policy) is not None:
        raise S3MalformedPolicy("Invalid principal in policy")
    put_bucket_policy.__wrapped__(self, bucket_name, policy)  # type: ignore[attr-defined]


def install() -> None:
    replace(IAMBackend, "create_role", create_role)
    replace(IAMBackend, "update_assume_role_policy", update_assume_role_policy)
    replace(KmsBackend, "put_key_policy", put_key_policy)
    replace(KmsBackend, "create_key", create_key)
    replace(S3Backend, "put_bucket_policy", put_bucket_policy)
