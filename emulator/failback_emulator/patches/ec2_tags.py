"""EC2 tags of one resource in constant time. moto 5.2.1 reads a resource's tags by filtering every tag
of the account and region by resource id (a regular expression per tag), and it does so for every
resource a DescribeInstances/DescribeImages answer lists or a tag filter tests: with a few hundred
instances and AMIs, each describe cost O(resources × tags) and the emulator slowed down as a plan went
on. The same list, in the same order and shape, straight from the backend's per-resource dict."""

from __future__ import annotations

from typing import Any

from moto.ec2.models.core import TaggedEC2Resource
from moto.ec2.utils import EC2_PREFIX_TO_RESOURCE, get_prefix

from .common import replace


def _get_tags(self: Any) -> list[dict[str, str]]:
    resource_id = getattr(self, "id", None)
    if not resource_id:
        return []
    tags = self.ec2_backend.tags.get(resource_id)
    if not tags:
        return []
    resource_type = EC2_PREFIX_TO_RESOURCE.get(get_prefix(resource_id), "")
    return [
        {"resource_id": resource_id, "key": key, "value": value, "resource_type": resource_type}
        for key, value in tags.items()
    ]


def install() -> None:
    replace(TaggedEC2Resource, "get_tags", _get_tags)
