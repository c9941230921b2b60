"""What a request asks IAM for: the checks of one API operation (action, resource, resource type,
context), as AWS's Service Authorization Reference defines them. Each service module registers a
function per operation; an operation nobody registered is refused (`UnknownOperation`), so a new call
of the product is never authorized by accident."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..requests import ApiRequest
from .principals import Caller


@dataclass
class Check:
    action: str
    resource: str = "*"
    resource_type: str | None = None
    owner: str | None = None  # the account that owns the resource; None: the caller's
    context: dict[str, Any] = field(default_factory=dict)
    resource_policy: dict[str, Any] | None = None


@dataclass
class KeyUse:
    """A KMS key an AWS service uses on the caller's behalf (EBS, RDS): authorized as the caller,
    through the service (`kms:ViaService`), against the key policy and the caller's policies."""

    key: str  # a key id, key ARN, alias name or alias ARN, as the request or resource names it
    region: str  # where the key is looked up when `key` is no ARN
    account: str
    service: str  # ec2 | rds
    role: str  # what for, in the error: "source snapshot", "copy", "volume"…


@dataclass
class Plan:
    """Everything one request needs: the IAM checks, and the KMS keys the service will use."""

    checks: list[Check] = field(default_factory=list)
    keys: list[KeyUse] = field(default_factory=list)


class UnknownOperation(Exception):
    pass


Builder = Callable[[ApiRequest, Caller], Plan | list[Check]]
_registry: dict[tuple[str, str], Builder] = {}


def operation(service: str, *names: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        for name in names:
            _registry[(service, name)] = builder
        return builder

    return register


def simple(service: str, mapping: dict[str, str]) -> None:
    """Operations on `*` (no resource types in the SAR): {"DescribeInstances": "ec2:DescribeInstances"}."""
    for name, action in mapping.items():
        _registry[(service, name)] = lambda _req, _who, action=action: [Check(action)]


def plan_for(req: ApiRequest, who: Caller) -> Plan:
    # S3 is one builder for every operation (s3_access.s3_request reads the REST details).
    builder = _registry.get((req.service, "*" if req.service == "s3" else req.operation))
    if builder is None:
        raise UnknownOperation(f"{req.service}:{req.operation}")
    built = builder(req, who)
    return built if isinstance(built, Plan) else Plan(checks=built)


def known_operations() -> list[str]:
    return sorted(f"{s}:{o}" for s, o in _registry)


# --- request parameters (query protocols flatten lists as Name.1.Key, Name.member.1, Name.Tag.1…) ---

_INDEX = re.compile(r"^(\d+)(?:\.(.*))?$")


def indexed(params: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    """`Prefix.1.Key=a&Prefix.1.Value=b` (also `Prefix.member.1…`) -> [{"Key": "a", "Value": "b"}]."""
    items: dict[int, dict[str, Any]] = {}
    for key, value in params.items():
        if not key.startswith(f"{prefix}."):
            continue
        rest = key[len(prefix) + 1 :]
        for wrapper in ("member.", "Tag.", "item."):
            if rest.startswith(wrapper):
                rest = rest[len(wrapper) :]
        match = _INDEX.match(rest)
        if not match:
            continue
        entry = items.setdefault(int(match.group(1)), {})
        entry[match.group(2) or ""] = value
    return [items[i] for i in sorted(items)]


def values(params: dict[str, Any], prefix: str) -> list[str]:
    """`Prefix.1=a&Prefix.2=b` -> ["a", "b"]."""
    return [str(e.get("", "")) for e in indexed(params, prefix) if "" in e]


def nested(entry: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    """The list under `prefix` inside one indexed entry (TagSpecification.1.Tag.1.Key…)."""
    return indexed({k: v for k, v in entry.items()}, prefix)


def tag_context(tags: dict[str, str]) -> dict[str, Any]:
    """aws:RequestTag/<key> for each tag and aws:TagKeys: what a create or tag request carries."""
    context: dict[str, Any] = {f"aws:RequestTag/{k}": v for k, v in tags.items()}
    context["aws:TagKeys"] = sorted(tags)
    return context


def resource_tag_context(tags: dict[str, str], *service_keys: str) -> dict[str, Any]:
    """aws:ResourceTag/<key> (and service aliases such as ec2:ResourceTag, rds:db-tag)."""
    context: dict[str, Any] = {}
    for key, value in tags.items():
        context[f"aws:ResourceTag/{key}"] = value
        for service_key in service_keys:
            context[f"{service_key}/{key}"] = value
    return context
