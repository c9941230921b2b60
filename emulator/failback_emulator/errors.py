"""AWS error responses in each wire protocol, with the codes each service really uses.

The SDKs classify errors by these codes (throttling → back off, 5xx → retry), so an injected fault must
look exactly like AWS's: RequestLimitExceeded for EC2, Throttling for query APIs (RDS, STS,
CloudFormation, IAM) and Route 53, ThrottlingException / ProvisionedThroughputExceededException for
DynamoDB, SlowDown for S3.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from xml.sax.saxutils import escape

from .requests import ApiRequest

DYNAMODB_PREFIX = "com.amazonaws.dynamodb.v20120810#"
DYNAMODB_DATA_PLANE = {
    "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan",
    "BatchGetItem", "BatchWriteItem", "TransactGetItems", "TransactWriteItems",
}  # fmt: skip


@dataclass(frozen=True)
class AwsError:
    status: int
    code: str
    message: str
    headers: tuple[tuple[str, str], ...] = ()


def throttling(req: ApiRequest) -> AwsError:
    if req.protocol == "ec2":
        return AwsError(503, "RequestLimitExceeded", "Request limit exceeded.")
    if req.service == "dynamodb":
        if req.operation in DYNAMODB_DATA_PLANE:
            return AwsError(
                400,
                "ProvisionedThroughputExceededException",
                "The level of configured provisioned throughput for the table was exceeded. "
                "Consider increasing your provisioning level with the UpdateTable API.",
            )
        return AwsError(400, "ThrottlingException", "Rate of requests exceeds the allowed throughput.")
    if req.service == "s3":
        return AwsError(503, "SlowDown", "Please reduce your request rate.")
    if req.protocol in ("json", "rest-json"):
        return AwsError(400, "ThrottlingException", "Rate exceeded")
    return AwsError(400, "Throttling", "Rate exceeded")


def server_error(req: ApiRequest, status: int = 500) -> AwsError:
    if status == 503:
        if req.protocol == "ec2":
            return AwsError(503, "Unavailable", "The server is overloaded and can't handle the request.")
        return AwsError(503, "ServiceUnavailable", "Service is unavailable. Please try again later.")
    if req.protocol == "ec2" or req.service == "s3":
        return AwsError(status, "InternalError", "An internal error has occurred. Please try again.")
    if req.service == "dynamodb":
        return AwsError(status, "InternalServerError", "Internal server error")
    return AwsError(
        status,
        "InternalFailure",
        "The request processing has failed because of an unknown error, exception or failure.",
    )


def render(req: ApiRequest, error: AwsError) -> tuple[str, list[tuple[str, str]], bytes]:
    """(status line, headers, body) of `error` as `req`'s service would send it."""
    request_id = str(uuid.uuid4())
    code, message = escape(error.code), escape(error.message)
    headers = [("x-amzn-RequestId", request_id), *error.headers]
    if req.protocol == "json" or req.protocol == "rest-json":
        type_ = f"{DYNAMODB_PREFIX}{error.code}" if req.service == "dynamodb" else error.code
        body = json.dumps({"__type": type_, "message": error.message}).encode()
        headers += [
            ("Content-Type", "application/x-amz-json-1.0" if req.protocol == "json" else "application/json"),
            ("x-amzn-ErrorType", error.code),
        ]
    elif req.protocol == "ec2":
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code>'
            f"<Message>{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
        ).encode()
        headers.append(("Content-Type", "text/xml;charset=UTF-8"))
    elif req.service == "s3":
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code><Message>{message}</Message>'
            f"<RequestId>{request_id}</RequestId></Error>"
        ).encode()
        headers.append(("Content-Type", "application/xml"))
    else:
        fault = "Receiver" if error.status >= 500 else "Sender"
        body = (
            f'<ErrorResponse xmlns="https://{req.service}.amazonaws.com/doc/"><Error><Type>{fault}</Type>'
            f"<Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        headers.append(("Content-Type", "text/xml"))
    headers.append(("Content-Length", str(len(body))))
    return f"{error.status} {_REASONS.get(error.status, 'Error')}", headers, body


_REASONS = {
    301: "Moved Permanently",
    400: "Bad Request",
    403: "Forbidden",
    500: "Internal Server Error",
    503: "Service Unavailable",
}
