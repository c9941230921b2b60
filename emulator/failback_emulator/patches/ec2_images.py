"""AMIs: pending -> available, sharing by launch permission, CopyImage across accounts with
encryption (Encrypted, KmsKeyId), ClientToken (a repeat answers the first copy's id, even once that
AMI is deregistered) and tags, CreateImage tagging its snapshots."""

from __future__ import annotations

import types
from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.exceptions import EC2ClientError, InvalidAMIIdError
from moto.ec2.models import ec2_backends
from moto.ec2.models.amis import Ami, AmiBackend
from moto.ec2.responses.amis import AmisResponse
from moto.ec2.utils import random_ami_id

from .. import timing
from . import (
    ec2_block_devices,
    ec2_describe_lag,
    ec2_marketplace,
    ec2_snapshots,
    kms_failures,
    outcomes,
    sizes_resources,
)
from .common import existing_backends, replace


def image_visible(ami: Ami, account: str) -> bool:
    """AWS shows an AMI to its owner, to everyone when public, and to accounts with a launch permission."""
    return (
        ami.owner_id == account
        or ami.is_public
        or any(lp.get("UserId") == account for lp in ami.launch_permissions)
    )


def find_image(backend: Any, image_id: str, region: str) -> Ami | None:
    """The AMI `image_id` in `region` as `backend`'s account may see it (own first), or None."""
    own = ec2_backends[backend.account_id][region] if region != backend.region_name else backend
    if image_id in own.amis:
        return own.amis[image_id]
    for _, _, other in existing_backends(ec2_backends, region):
        ami = other.amis.get(image_id)
        if ami is not None and image_visible(ami, backend.account_id):
            return ami
    return None


def unavailable(image_id: str) -> EC2ClientError:
    return EC2ClientError(
        "InvalidAMIID.Unavailable", f"The image id '[{image_id}]' is not available (pending)"
    )


def refuse_duplicate_name(backend: Any, name: str | None) -> None:
    """An AMI name is unique per account and region (EC2 API error codes: InvalidAMIName.Duplicate,
    "The specified AMI name is already in use by another AMI"); a deregistered AMI frees its name.
    moto accepted any number of AMIs of one name, so a second copy beside a live one went unseen."""
    if not name:
        return
    account = backend.account_id
    holder = next((a for a in backend.amis.values() if a.name == name and a.owner_id == account), None)
    if holder is not None:
        raise EC2ClientError(
            "InvalidAMIName.Duplicate", f"AMI name {name} is already in use by AMI {holder.id}"
        )


def _tags(tag_specifications: list[dict[str, Any]], resource_type: str) -> list[dict[str, str]]:
    return [
        t
        for spec in tag_specifications
        if spec.get("ResourceType") == resource_type
        for t in spec.get("Tags", [])
    ]


def create_image(
    self: AmiBackend, instance_id: str, name: str, description: str, tag_specifications: list[dict[str, Any]]
) -> Ami:
    # moto refuses snapshot tag specifications; AWS tags the AMI's snapshots with them.
    image_specs = [s for s in tag_specifications if s.get("ResourceType") != "snapshot"]
    refuse_duplicate_name(self, name)
    ami = create_image.__wrapped__(self, instance_id, name, description, image_specs)  # type: ignore[attr-defined]
    instance = self.get_instance(instance_id)  # type: ignore[attr-defined]
    ec2_block_devices.capture(self, ami, instance)
    ec2_marketplace.inherit(ami, instance)
    timing.begin(ami, "ec2.image", self.account_id, "pending")  # type: ignore[attr-defined]
    ec2_describe_lag.begin(ami, self.account_id)  # type: ignore[attr-defined]
    for snapshot in ec2_block_devices.snapshots(ami):
        for tag in _tags(tag_specifications, "snapshot"):
            snapshot.add_tag(tag["Key"], tag["Value"])
        timing.follow(snapshot, ami)
    return ami


def copy_image(
    self: AmiBackend,
    source_image_id: str,
    source_region: str,
    name: str | None = None,
    description: str | None = None,
    encrypted: bool = False,
    kms_key_id: str | None = None,
    client_token: str | None = None,
    tag_specifications: list[dict[str, Any]] | None = None,
) -> Ami:
    tokens: dict[str, str] = self.__dict__.setdefault("_fb_copy_tokens", {})
    if client_token and client_token in tokens:
        # A used token answers its first copy whatever became of it (EC2 idempotency: the same
        # result, for at least a day), a copy that failed and was deregistered since too.
        first = tokens[client_token]
        return self.amis.get(first) or types.SimpleNamespace(id=first)  # type: ignore[return-value]
    account: str = self.account_id  # type: ignore[attr-defined]
    source = find_image(self, source_image_id, source_region)
    if source is None:
        raise InvalidAMIIdError(source_image_id)
    if timing.in_progress(source):
        raise unavailable(source_image_id)
    if source.owner_id != account and not all(
        ec2_snapshots.snapshot_visible(s, account) for s in ec2_block_devices.snapshots(source)
    ):
        raise EC2ClientError("InvalidRequest", "You do not have permission to access the storage of this ami")
    ec2_marketplace.refuse_cross_account_copy(source, account)
    refuse_duplicate_name(self, name)
    if kms_key_id and not encrypted:
        raise EC2ClientError(
            "InvalidParameterDependency", "The parameter KmsKeyId requires the parameter Encrypted to be set."
        )
    # Each snapshot of the AMI is an EBS snapshot copy: each counts against the copy quota.
    weight = len(ec2_block_devices.snapshots(source))
    ec2_snapshots.enforce_copy_quota(self, weight=weight)
    ami = Ami(self, random_ami_id(), instance=None, source_ami=source, name=name, description=description)
    self.amis[ami.id] = ami
    ami.product_codes = ec2_marketplace.codes_of(source)

    def key_for(snapshot: Any) -> str | None:
        if not (encrypted or snapshot.encrypted):
            return None
        same_place = source.owner_id == account and source_region == self.region_name  # type: ignore[attr-defined]
        if kms_key_id:
            return kms_key_id
        if same_place and snapshot.kms_key_id:
            return snapshot.kms_key_id
        return self._create_default_encryption_key()  # type: ignore[attr-defined]

    if ec2_block_devices.mappings(source):
        snapshots = ec2_block_devices.copy_mappings(self, ami, source, key_for)
    else:
        snapshots = [ami.ebs_snapshot]
        key = key_for(source.ebs_snapshot)
        if key is not None:
            ami.ebs_snapshot.encrypted, ami.ebs_snapshot.kms_key_id = True, key
    for tag in _tags(tag_specifications or [], "image"):
        ami.add_tag(tag["Key"], tag["Value"])
    # The AMI's snapshots copy side by side: the AMI is ready when its largest transfer is.
    records = [
        sizes_resources.ebs_copy(self, origin.ec2_backend, origin, copy)
        for origin, copy in zip(ec2_block_devices.snapshots(source), snapshots)
        if origin is not None and copy is not None
    ]
    gib = max((r.transferred_gib or 0.0 for r in records), default=0.0)
    transition = timing.begin(ami, "ec2.image-copy", account, "pending", gib)
    ec2_describe_lag.begin(ami, account)
    for snapshot in snapshots:
        for tag in _tags(tag_specifications or [], "snapshot"):
            snapshot.add_tag(tag["Key"], tag["Value"])
        timing.follow(snapshot, ami)
    failure = kms_failures.pending()
    if failure:
        kms_failures.fail_image(ami, failure)
    outcome = outcomes.pending()
    if outcome is not None:
        outcomes.fail_image(ami, *outcome)
    ec2_snapshots.copies.add(account, self.region_name, transition.ready_at, weight)  # type: ignore[attr-defined]
    if client_token:
        tokens[client_token] = ami.id
    return ami


def describe_images(
    self: AmiBackend, ami_ids: Any = None, filters: Any = None, exec_users: Any = None, owners: Any = None
) -> list[Ami]:
    # AWS lists the images the caller may launch: its own, public ones and those shared with it.
    pool = dict(self.amis)
    for _, _, other in existing_backends(ec2_backends, self.region_name):  # type: ignore[attr-defined]
        if other is self:
            continue
        for ami in list(other.amis.values()):
            if ami.id not in pool and ami.owner_alias != "amazon" and image_visible(ami, self.account_id):  # type: ignore[attr-defined]
                pool[ami.id] = ami
    view = types.SimpleNamespace(amis=pool, deleted_amis=self.deleted_amis, account_id=self.account_id)  # type: ignore[attr-defined]
    return describe_images.__wrapped__(view, ami_ids, filters, exec_users, owners)  # type: ignore[attr-defined]


def _own(self: AmiBackend, ami_id: str) -> Ami:
    # Only the owner changes or reads an AMI's attributes, even when it is shared.
    if ami_id not in self.amis:
        raise InvalidAMIIdError(ami_id)
    return self.amis[ami_id]


def modify_image_attribute(
    self: AmiBackend, ami_id: str, launch_permissions_to_add: Any, launch_permissions_to_remove: Any
) -> None:
    _own(self, ami_id)
    return modify_image_attribute.__wrapped__(
        self, ami_id, launch_permissions_to_add, launch_permissions_to_remove
    )  # type: ignore[attr-defined]


def describe_image_attribute(self: AmiBackend, ami_id: str, attribute_name: str) -> Any:
    return getattr(_own(self, ami_id), attribute_name)


def copy_image_response(self: AmisResponse) -> ActionResult:
    self.error_on_dryrun()
    image = self.ec2_backend.copy_image(
        self._get_param("SourceImageId"),
        self._get_param("SourceRegion"),
        name=self._get_param("Name"),
        description=self._get_param("Description"),
        encrypted=str(self._get_param("Encrypted", False)).lower() == "true",
        kms_key_id=self._get_param("KmsKeyId"),
        client_token=self._get_param("ClientToken"),
        tag_specifications=self._get_param("TagSpecifications", []),
    )
    return ActionResult({"ImageId": image.id})


def install() -> None:
    timing.lazy_attribute(Ami, "state")
    replace(AmiBackend, "create_image", create_image)
    replace(AmiBackend, "copy_image", copy_image)
    replace(AmiBackend, "describe_images", describe_images)
    replace(AmiBackend, "modify_image_attribute", modify_image_attribute)
    replace(AmiBackend, "describe_image_attribute", describe_image_attribute)
    replace(AmisResponse, "copy_image", copy_image_response)
