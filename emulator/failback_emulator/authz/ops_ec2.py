"""EC2 operations as IAM authorizes them (Service Authorization Reference, Amazon EC2; EC2 User Guide,
"Grant permission to tag resources during creation"): every resource a request touches is its own
check, resources being created are named with a placeholder id (AWS evaluates `instance/*`), and tags
in a create request are authorized again as `ec2:CreateTags` with `ec2:CreateAction`."""

from __future__ import annotations

from typing import Any

from moto.ec2.models import ec2_backends

from ..requests import ApiRequest
from .model import Check, KeyUse, Plan, indexed, operation, resource_tag_context, simple, tag_context, values
from .principals import Caller

NEW = {
    "instance": "i-00000000000000000",
    "volume": "vol-00000000000000000",
    "network-interface": "eni-00000000000000000",
    "image": "ami-00000000000000000",
    "snapshot": "snap-00000000000000000",
}
_PREFIX = {"i-": "instance", "ami-": "image", "snap-": "snapshot", "vol-": "volume", "eni-": "network-interface",
           "subnet-": "subnet", "sg-": "security-group", "vpc-": "vpc"}  # fmt: skip

simple(
    "ec2",
    {
        name: f"ec2:{name}"
        for name in (
            "DescribeImages", "DescribeInstances", "DescribeInstanceStatus", "DescribeSecurityGroups",
            "DescribeSnapshots", "DescribeSubnets", "DescribeTags", "DescribeVolumes", "DescribeVpcs",
            "DescribeKeyPairs", "DescribeAccountAttributes", "DescribeRegions", "DescribeAvailabilityZones",
            "DescribeInstanceTypes", "DescribeImageAttribute", "DescribeSnapshotAttribute",
            "DescribeInstanceAttribute",
        )  # fmt: skip
    },
)


def arn(region: str, account: str, resource_type: str, resource_id: str) -> str:
    # AMIs and snapshots have no account in their ARN (they may be shared, even public).
    owner = "" if resource_type in ("image", "snapshot") else account
    return f"arn:aws:ec2:{region}:{owner}:{resource_type}/{resource_id}"


def type_of(resource_id: str) -> str:
    return next((t for prefix, t in _PREFIX.items() if resource_id.startswith(prefix)), "instance")


def backend(account: str, region: str) -> Any:
    return ec2_backends[account][region]


# Where moto keeps each kind, to tell a resource that exists from one that is gone: moto leaves a
# deregistered AMI's or deleted snapshot's tags in its tag store, AWS deletes them with the resource,
# so a tag condition on something gone has nothing to match (UnauthorizedOperation, as for RDS).
_STORES = {"image": "amis", "snapshot": "snapshots", "volume": "volumes"}


def exists(account: str, region: str, resource_id: str) -> bool:
    store = _STORES.get(type_of(resource_id))
    return store is None or resource_id in getattr(backend(account, region), store, {resource_id: None})


def tags_of(account: str, region: str, resource_id: str) -> dict[str, str]:
    if not exists(account, region, resource_id):
        return {}
    return dict(backend(account, region).tags.get(resource_id) or {})


def _existing(req: ApiRequest, action: str, resource_id: str, extra: dict[str, Any] | None = None) -> Check:
    resource_type = type_of(resource_id)
    tags = tags_of(req.account, req.region, resource_id)
    context = {"ec2:Region": req.region, **resource_tag_context(tags, "ec2:ResourceTag"), **(extra or {})}
    return Check(action, arn(req.region, req.account, resource_type, resource_id), resource_type, context=context)


def _new(req: ApiRequest, action: str, resource_type: str, tags: dict[str, str], extra: dict[str, Any] | None = None) -> Check:
    context = {"ec2:Region": req.region, **(tag_context(tags) if tags else {}), **(extra or {})}
    return Check(action, arn(req.region, req.account, resource_type, NEW[resource_type]), resource_type, context=context)


def tag_specifications(params: dict[str, Any]) -> dict[str, dict[str, str]]:
    """TagSpecification.N.ResourceType / .Tag.M.Key / .Tag.M.Value -> {resource type: {key: value}}."""
    found: dict[str, dict[str, str]] = {}
    for spec in indexed(params, "TagSpecification"):
        tags = indexed({k: v for k, v in spec.items() if k.startswith("Tag.")}, "Tag")
        found.setdefault(str(spec.get("ResourceType", "")), {}).update(
            {str(t.get("Key", "")): str(t.get("Value", "")) for t in tags}
        )
    return found


def _tag_on_create(req: ApiRequest, create_action: str, tagged: dict[str, dict[str, str]]) -> list[Check]:
    extra = {"ec2:CreateAction": create_action}
    return [_new(req, "ec2:CreateTags", t, tags, extra) for t, tags in tagged.items() if tags and t in NEW]


@operation("ec2", "CreateTags", "DeleteTags")
def create_tags(req: ApiRequest, _who: Caller) -> list[Check]:
    tags = {str(t.get("Key", "")): str(t.get("Value", "")) for t in indexed(req.params, "Tag")}
    context = tag_context(tags) if req.operation == "CreateTags" else {"aws:TagKeys": sorted(tags)}
    return [_existing(req, f"ec2:{req.operation}", rid, context) for rid in values(req.params, "ResourceId")]


@operation("ec2", "StopInstances", "TerminateInstances", "RebootInstances")
def instances(req: ApiRequest, _who: Caller) -> list[Check]:
    return [_existing(req, f"ec2:{req.operation}", iid) for iid in values(req.params, "InstanceId")]


def _volume_keys(req: ApiRequest, instance_id: str) -> list[KeyUse]:
    b = backend(req.account, req.region)
    try:
        instance = b.get_instance(instance_id)
    except Exception:
        return []
    keys = []
    for _, device in instance.get_block_device_mapping:
        volume = b.volumes.get(device.volume_id)
        if volume is not None and volume.encrypted and volume.kms_key_id:
            keys.append(KeyUse(volume.kms_key_id, req.region, req.account, "ec2", f"volume {volume.id}"))
    return keys


@operation("ec2", "StartInstances")
def start_instances(req: ApiRequest, who: Caller) -> Plan:
    ids = values(req.params, "InstanceId")
    return Plan(instances(req, who), [k for i in ids for k in _volume_keys(req, i)])


@operation("ec2", "DeleteVolume")
def volume(req: ApiRequest, _who: Caller) -> list[Check]:
    return [_existing(req, "ec2:DeleteVolume", str(req.params.get("VolumeId", "")))]


@operation("ec2", "DeleteSnapshot", "ModifySnapshotAttribute")
def snapshot(req: ApiRequest, _who: Caller) -> list[Check]:
    return [_existing(req, f"ec2:{req.operation}", str(req.params.get("SnapshotId", "")))]


@operation("ec2", "DeregisterImage", "ModifyImageAttribute")
def image(req: ApiRequest, _who: Caller) -> list[Check]:
    return [_existing(req, f"ec2:{req.operation}", str(req.params.get("ImageId", "")))]


@operation("ec2", "CreateImage")
def create_image(req: ApiRequest, _who: Caller) -> list[Check]:
    tagged = tag_specifications(req.params)
    return [
        _existing(req, "ec2:CreateImage", str(req.params.get("InstanceId", ""))),
        _new(req, "ec2:CreateImage", "image", tagged.get("image", {})),
        _new(req, "ec2:CreateImage", "snapshot", tagged.get("snapshot", {})),
        *_tag_on_create(req, "CreateImage", tagged),
    ]


def _destination_key(req: ApiRequest, source_encrypted: bool) -> list[KeyUse]:
    key = req.params.get("KmsKeyId")
    if key:
        return [KeyUse(str(key), req.region, req.account, "ec2", "copy")]
    if source_encrypted or str(req.params.get("Encrypted", "")).lower() == "true":
        return [KeyUse("alias/aws/ebs", req.region, req.account, "ec2", "copy")]
    return []


@operation("ec2", "CopyImage")
def copy_image(req: ApiRequest, _who: Caller) -> Plan:
    from ..patches.ec2_images import find_image

    tagged = tag_specifications(req.params)
    checks = [
        _new(req, "ec2:CopyImage", "image", tagged.get("image", {})),
        _new(req, "ec2:CopyImage", "snapshot", tagged.get("snapshot", {})),
        *_tag_on_create(req, "CopyImage", tagged),
    ]
    source_region = str(req.params.get("SourceRegion", req.region))
    source = find_image(backend(req.account, req.region), str(req.params.get("SourceImageId", "")), source_region)
    keys: list[KeyUse] = []
    encrypted = False
    for snap in _image_snapshots(source):
        if snap.encrypted and snap.kms_key_id:
            encrypted = True
            keys.append(KeyUse(snap.kms_key_id, source_region, snap.owner_id, "ec2", f"source snapshot {snap.id}"))
    return Plan(checks, keys + _destination_key(req, encrypted))


def _image_snapshots(ami: Any) -> list[Any]:
    from ..patches.ec2_block_devices import snapshots

    return [] if ami is None else snapshots(ami)


@operation("ec2", "CopySnapshot")
def copy_snapshot(req: ApiRequest, _who: Caller) -> Plan:
    from ..patches.ec2_snapshots import find_snapshot

    tagged = tag_specifications(req.params)
    checks = [_new(req, "ec2:CopySnapshot", "snapshot", tagged.get("snapshot", {})), *_tag_on_create(req, "CopySnapshot", tagged)]
    region = str(req.params.get("SourceRegion", req.region))
    source = find_snapshot(backend(req.account, req.region), str(req.params.get("SourceSnapshotId", "")), region)
    keys = []
    if source is not None and source.encrypted and source.kms_key_id:
        keys.append(KeyUse(source.kms_key_id, region, source.owner_id, "ec2", f"source snapshot {source.id}"))
    return Plan(checks, keys + _destination_key(req, bool(keys)))


@operation("ec2", "RunInstances")
def run_instances(req: ApiRequest, who: Caller) -> Plan:
    from ..patches.ec2_images import find_image

    p = req.params
    tagged = tag_specifications(p)
    b = backend(req.account, req.region)
    image_id = str(p.get("ImageId", ""))
    ami = find_image(b, image_id, req.region)
    instance_context = {"ec2:InstanceType": str(p.get("InstanceType", "m1.small"))}
    if p.get("IamInstanceProfile.Arn") or p.get("IamInstanceProfile.Name"):
        instance_context["ec2:InstanceProfile"] = str(p.get("IamInstanceProfile.Arn") or p.get("IamInstanceProfile.Name"))
    checks = [
        _new(req, "ec2:RunInstances", "instance", tagged.get("instance", {}), instance_context),
        _new(req, "ec2:RunInstances", "network-interface", tagged.get("network-interface", {})),
        Check("ec2:RunInstances", arn(req.region, req.account, "image", image_id), "image", context={"ec2:Region": req.region}),
    ]
    keys: list[KeyUse] = []
    overrides = {str(m.get("DeviceName", "")): m for m in indexed(p, "BlockDeviceMapping")}
    for snap in _image_snapshots(ami):
        checks.append(Check("ec2:RunInstances", arn(req.region, req.account, "snapshot", snap.id), "snapshot", context={"ec2:Region": req.region}))
        volume = _new(req, "ec2:RunInstances", "volume", tagged.get("volume", {}), {"ec2:Encrypted": str(bool(snap.encrypted)).lower()})
        checks.append(volume)
        if snap.encrypted and snap.kms_key_id:
            keys.append(KeyUse(snap.kms_key_id, req.region, snap.owner_id, "ec2", f"volume from {snap.id}"))
    for mapping in overrides.values():
        key = mapping.get("Ebs.KmsKeyId")
        if key:
            keys.append(KeyUse(str(key), req.region, req.account, "ec2", f"volume {mapping.get('DeviceName', '')}"))
    subnet = p.get("SubnetId") or _default_subnet(b)
    if subnet:
        checks.append(_existing(req, "ec2:RunInstances", str(subnet)))
    groups = values(p, "SecurityGroupId") or _default_group(b, subnet)
    checks += [_existing(req, "ec2:RunInstances", g) for g in groups]
    if p.get("KeyName"):
        key_arn = arn(req.region, req.account, "key-pair", str(p["KeyName"]))
        checks.append(Check("ec2:RunInstances", key_arn, "key-pair", context={"ec2:Region": req.region}))
    checks += _tag_on_create(req, "RunInstances", tagged)
    checks += _pass_instance_role(req, p)
    return Plan(checks, keys)


def _default_subnet(b: Any) -> str | None:
    try:
        subnets = b.get_default_subnets()
    except Exception:
        return None
    first = next(iter(subnets.values()), None)
    return first.id if first is not None else None


def _default_group(b: Any, subnet_id: str | None) -> list[str]:
    try:
        vpc_id = b.get_subnet(subnet_id).vpc_id if subnet_id else b.get_default_vpc().id
        group = b.get_default_security_group(vpc_id)
    except Exception:
        return []
    return [group.id] if group is not None else []


def _pass_instance_role(req: ApiRequest, p: dict[str, Any]) -> list[Check]:
    """An instance profile passes its role to EC2: iam:PassRole on that role."""
    from moto.iam.models import iam_backends

    ref = str(p.get("IamInstanceProfile.Arn") or p.get("IamInstanceProfile.Name") or "")
    if not ref:
        return []
    name = ref.split("/")[-1]
    iam = iam_backends[req.account]["aws"]
    profile = next((ip for ip in iam.instance_profiles.values() if ip.name == name), None)
    if profile is None:
        return []
    context = {"iam:PassedToService": "ec2.amazonaws.com"}
    return [Check("iam:PassRole", role.arn, "role", context=context) for role in profile.roles]
