"""S3 as IAM authorizes it: bucket and object ARNs, the bucket's owner (bucket names are global: a
bucket of another account is a cross-account request, decided by its bucket policy and the caller's
own policies), and the operation of a REST request (which the emulator's request parser names only
by method)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote


from moto.s3.models import s3_backends

from ..requests import ApiRequest, split_s3_path as split_path
from .model import Check, operation, resource_tag_context, tag_context
from .principals import Caller, document


def find_bucket(name: str) -> Any:
    """moto's bucket `name`, whichever account owns it, or None."""
    owner = s3_backends.bucket_accounts.get(name)
    if owner is None:
        return None
    partition, account = owner
    return s3_backends[account][partition].buckets.get(name)


def _bucket_facts(bucket: str) -> tuple[str | None, dict[str, Any] | None, dict[str, str]]:
    found = find_bucket(bucket)
    if found is None:
        return None, None, {}
    policy = document(found.policy.decode()) if found.policy else None
    backend = s3_backends[found.account_id]["aws"]
    try:
        tags = backend.get_bucket_tagging(bucket).get("Tags", {}) or {}
        tags = tags if isinstance(tags, dict) else {t["Key"]: t["Value"] for t in tags}
    except Exception:
        tags = {}
    return found.account_id, policy, tags


def bucket_check(action: str, bucket: str, extra: dict[str, Any] | None = None) -> Check:
    owner, policy, tags = _bucket_facts(bucket)
    context = {**resource_tag_context(tags), **(extra or {})}
    return Check(action, f"arn:aws:s3:::{bucket}", "bucket", owner=owner, context=context, resource_policy=policy)


def object_check(action: str, bucket: str, key: str, extra: dict[str, Any] | None = None) -> Check:
    owner, policy, _ = _bucket_facts(bucket)
    return Check(action, f"arn:aws:s3:::{bucket}/{key}", "object", owner=owner, context=dict(extra or {}), resource_policy=policy)


def _source(copy_source: str) -> tuple[str, str]:
    return split_path("/" + unquote(copy_source).split("?", 1)[0].lstrip("/"))


_BUCKET_ACTIONS = {
    "ListObjects": "s3:ListBucket", "ListObjectsV2": "s3:ListBucket", "HeadBucket": "s3:ListBucket",
    "GetBucketTagging": "s3:GetBucketTagging", "PutBucketTagging": "s3:PutBucketTagging",
    "DeleteBucketTagging": "s3:PutBucketTagging", "GetBucketPolicy": "s3:GetBucketPolicy",
    "PutBucketPolicy": "s3:PutBucketPolicy", "DeleteBucketPolicy": "s3:DeleteBucketPolicy",
    "GetBucketLocation": "s3:GetBucketLocation", "DeleteBucket": "s3:DeleteBucket",
    "ListMultipartUploads": "s3:ListBucketMultipartUploads", "GetBucketVersioning": "s3:GetBucketVersioning",
}  # fmt: skip
_OBJECT_ACTIONS = {
    "GetObject": "s3:GetObject", "HeadObject": "s3:GetObject", "PutObject": "s3:PutObject",
    "DeleteObject": "s3:DeleteObject", "CreateMultipartUpload": "s3:PutObject", "UploadPart": "s3:PutObject",
    "CompleteMultipartUpload": "s3:PutObject", "AbortMultipartUpload": "s3:AbortMultipartUpload",
    "PutObjectTagging": "s3:PutObjectTagging",
}  # fmt: skip


@operation("s3", "*")
def s3_request(req: ApiRequest, _who: Caller) -> list[Check]:
    """Every S3 request: the parser hands the REST details over in `params` (see authz.checks_of)."""
    p = req.params
    bucket, key = split_path(p.get("_path", "/"))
    name = req.operation
    if name == "ListBuckets":
        return [Check("s3:ListAllMyBuckets")]
    if name == "CreateBucket":
        return [Check("s3:CreateBucket", f"arn:aws:s3:::{bucket}", "bucket")]
    if name in _BUCKET_ACTIONS:
        prefix = parse_qs(p.get("_query", "")).get("prefix", [""])[0]
        extra = {"s3:prefix": prefix} if _BUCKET_ACTIONS[name] == "s3:ListBucket" else {}
        if name == "PutBucketTagging":
            extra = tag_context(p.get("_tags", {}))
        return [bucket_check(_BUCKET_ACTIONS[name], bucket, extra)]
    if name == "DeleteObjects":
        return [object_check("s3:DeleteObject", bucket, k) for k in p.get("_keys", [])] or [
            bucket_check("s3:ListBucket", bucket)
        ]
    if name in ("CopyObject", "UploadPartCopy"):
        src_bucket, src_key = _source(p.get("_copy_source", ""))
        return [object_check("s3:GetObject", src_bucket, src_key), object_check("s3:PutObject", bucket, key)]
    if name in _OBJECT_ACTIONS:
        return [object_check(_OBJECT_ACTIONS[name], bucket, key)]
    return [Check(f"s3:{name}", f"arn:aws:s3:::{bucket}", "bucket")]
