"""Which AWS operation a raw HTTP request is: service, operation, region, account and wire protocol."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

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
        operation = _rest_operation(service, method, path)
    return ApiRequest(service, operation, region, access_key, account_of(access_key), protocol, params)
