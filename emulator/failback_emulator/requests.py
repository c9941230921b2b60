"""Which AWS operation a raw HTTP request is: service, operation, region, account and wire protocol."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

from .accounts import access_key_from_authorization, account_of

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")

# Signing names that use the query protocol (form body with Action=...).
_EC2 = {"ec2"}
_REST_XML = {"route53", "s3", "cloudfront"}
_ID_SEGMENT = re.compile(r"/[^/]*\d[^/]*")

_ROUTE53 = [
    ("POST", re.compile(r"^/\d{4}-\d\d-\d\d/hostedzone/[^/]+/rrset/?$"), "ChangeResourceRecordSets"),
    ("GET", re.compile(r"^/\d{4}-\d\d-\d\d/hostedzone/[^/]+/rrset/?$"), "ListResourceRecordSets"),
    ("GET", re.compile(r"^/\d{4}-\d\d-\d\d/change/[^/]+$"), "GetChange"),
    ("POST", re.compile(r"^/\d{4}-\d\d-\d\d/hostedzone/?$"), "CreateHostedZone"),
    ("GET", re.compile(r"^/\d{4}-\d\d-\d\d/hostedzone/?$"), "ListHostedZones"),
    ("GET", re.compile(r"^/\d{4}-\d\d-\d\d/hostedzone/[^/]+$"), "GetHostedZone"),
    ("DELETE", re.compile(r"^/\d{4}-\d\d-\d\d/hostedzone/[^/]+$"), "DeleteHostedZone"),
]
_S3 = {
    ("PUT", False): "CreateBucket",
    ("GET", False): "ListObjects",
    ("HEAD", False): "HeadBucket",
    ("DELETE", False): "DeleteBucket",
    ("PUT", True): "PutObject",
    ("GET", True): "GetObject",
    ("HEAD", True): "HeadObject",
    ("DELETE", True): "DeleteObject",
    ("POST", False): "DeleteObjects",
}


@dataclass
class ApiRequest:
    service: str
    operation: str
    region: str
    access_key: str | None
    account: str
    protocol: str  # ec2 | query | json | rest-xml | rest-json
    params: dict[str, Any] = field(default_factory=dict)
    # Set by authorization when an AWS service accepts the request but cannot use a KMS key as the
    # caller: the resource fails later, as in EBS (see authz).
    kms_failure: str | None = None
    # Set by an `outcome` fault rule: the (state, message) the resource this call starts ends in.
    outcome: tuple[str, str] | None = None


def read_body(environ: dict[str, Any]) -> bytes:
    """Reads the request body and puts it back, so moto can read it again."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _rest_operation(service: str, method: str, path: str) -> str:
    if service == "route53":
        for verb, pattern, name in _ROUTE53:
            if verb == method and pattern.match(path):
                return name
    if service == "s3":
        if path.strip("/") == "":
            return "ListBuckets"
        has_key = len([p for p in path.split("/") if p]) > 1
        return _S3.get((method, has_key), f"{method} object" if has_key else f"{method} bucket")
    return f"{method} {_ID_SEGMENT.sub('/{id}', path)}"


def parse(environ: dict[str, Any]) -> ApiRequest | None:
    """The AWS operation of a signed request, or None for anything else (moto's own API, unsigned)."""
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    scope = _SCOPE.search(authorization)
    if not scope:
        return None
    region, service = scope.group(1), scope.group(2).lower()
    access_key = access_key_from_authorization(authorization)
    method = environ.get("REQUEST_METHOD", "GET")
    path = environ.get("PATH_INFO", "/")
    target = environ.get("HTTP_X_AMZ_TARGET")
    content_type = environ.get("CONTENT_TYPE", "")
    params: dict[str, Any] = {}
    if target:
        protocol, operation = "json", target.split(".", 1)[-1]
        try:
            params = json.loads(read_body(environ) or b"{}")
        except ValueError:
            params = {}
    elif content_type.startswith("application/x-www-form-urlencoded") or (
        method == "GET" and "Action=" in environ.get("QUERY_STRING", "")
    ):
        body = read_body(environ).decode("utf-8", "replace") or environ.get("QUERY_STRING", "")
        params = {k: v[0] for k, v in parse_qs(body).items()}
        operation = params.get("Action", "Unknown")
        protocol = "ec2" if service in _EC2 else "query"
    else:
        protocol = "rest-xml" if service in _REST_XML else "rest-json"
        query = environ.get("QUERY_STRING", "")
        if service == "s3":
            operation = s3_operation(method, path, query, environ.get("HTTP_X_AMZ_COPY_SOURCE"))
            params = _s3_params(environ, operation, path, query)
        else:
            operation = _rest_operation(service, method, path)
            params = {"_path": path, "_query": query}
    return ApiRequest(service, operation, region, access_key, account_of(access_key), protocol, params)


_S3_BUCKET_OPS = {
    ("GET", "tagging"): "GetBucketTagging", ("PUT", "tagging"): "PutBucketTagging",
    ("DELETE", "tagging"): "DeleteBucketTagging", ("GET", "policy"): "GetBucketPolicy",
    ("PUT", "policy"): "PutBucketPolicy", ("DELETE", "policy"): "DeleteBucketPolicy",
    ("GET", "location"): "GetBucketLocation", ("POST", "delete"): "DeleteObjects",
    ("GET", "uploads"): "ListMultipartUploads", ("GET", "versioning"): "GetBucketVersioning",
}  # fmt: skip


def split_s3_path(path: str) -> tuple[str, str]:
    """Path-style `/bucket/key…` -> (bucket, key)."""
    parts = path.lstrip("/").split("/", 1)
    return unquote(parts[0]), unquote(parts[1]) if len(parts) > 1 else ""


def s3_operation(method: str, path: str, query: str, copy_source: str | None) -> str:
    """The S3 API operation of a path-style REST request (the names of the S3 API Reference)."""
    q = parse_qs(query, keep_blank_values=True)
    bucket, key = split_s3_path(path)
    if not bucket:
        return "ListBuckets"
    if not key:
        for (verb, sub), name in _S3_BUCKET_OPS.items():
            if method == verb and sub in q:
                return name
        if method == "GET":
            return "ListObjectsV2" if q.get("list-type") == ["2"] else "ListObjects"
        return _S3.get((method, False), f"{method} bucket")
    if method == "PUT" and "uploadId" in q:
        return "UploadPartCopy" if copy_source else "UploadPart"
    if method == "POST" and "uploads" in q:
        return "CreateMultipartUpload"
    if method == "POST" and "uploadId" in q:
        return "CompleteMultipartUpload"
    if method == "DELETE" and "uploadId" in q:
        return "AbortMultipartUpload"
    if method == "PUT":
        return "CopyObject" if copy_source else ("PutObjectTagging" if "tagging" in q else "PutObject")
    return _S3.get((method, True), f"{method} object")


_XML_KEY = re.compile(r"<Key>([^<]*)</Key>")
_XML_TAG = re.compile(r"<Tag>\s*<Key>([^<]*)</Key>\s*<Value>([^<]*)</Value>\s*</Tag>")


def _s3_params(environ: dict[str, Any], operation: str, path: str, query: str) -> dict[str, Any]:
    from xml.sax.saxutils import unescape

    params: dict[str, Any] = {"_path": path, "_query": query}
    if environ.get("HTTP_X_AMZ_COPY_SOURCE"):
        params["_copy_source"] = environ["HTTP_X_AMZ_COPY_SOURCE"]
    if operation == "DeleteObjects":
        body = read_body(environ).decode("utf-8", "replace")
        params["_keys"] = [unescape(k) for k in _XML_KEY.findall(body)]
    elif operation == "PutBucketTagging":
        body = read_body(environ).decode("utf-8", "replace")
        params["_tags"] = {unescape(k): unescape(v) for k, v in _XML_TAG.findall(body)}
    elif operation == "CreateBucket":
        body = read_body(environ).decode("utf-8", "replace")
        constraint = re.search(r"<LocationConstraint>([^<]*)</LocationConstraint>", body)
        params["_location"] = constraint.group(1) if constraint else "us-east-1"
    return params
