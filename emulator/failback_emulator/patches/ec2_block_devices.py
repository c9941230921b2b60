"""AMIs carry their instance's real block devices: CreateImage snapshots every attached EBS volume (its
size, type, IOPS, throughput, encryption and key), CopyImage copies every snapshot (each one an EBS
snapshot copy: it counts against the copy quota, and is re-encrypted with the request's KmsKeyId), and
RunInstances from such an AMI creates a volume from each mapping, the request's mappings overriding by
device name. moto gave every AMI one unencrypted 15 GiB root snapshot whatever the instance had, so a
second volume or an encrypted one never travelled.

DeleteOnTermination as in AWS ("Preserve data when an instance is terminated", EC2 User Guide): a
launch's root volume is deleted with the instance unless the AMI or the request says otherwise, other
volumes are kept unless one of them says so; the request's value, `false` included, overrides the AMI's
(moto made every requested volume, the root too, survive its instance, and dropped a `false` override).
DescribeVolumes reports it on each attachment, as AWS does."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace as copy_of
from typing import Any

from moto.ec2.models.amis import Ami
from moto.ec2.models.elastic_block_store import VolumeAttachment

from .. import context

DEFAULT_ROOT_DEVICE = "/dev/sda1"  # moto's, for an AMI it does not know
_DEVICE_PARAM = re.compile(r"^BlockDeviceMapping\.(\d+)\.DeviceName$")


@dataclass
class Mapping:
    device: str
    snapshot: Any
    size: int
    volume_type: str
    iops: int | None
    throughput: int | None
    delete_on_termination: bool

    def to_json(self) -> dict[str, Any]:
        ebs: dict[str, Any] = {
            "SnapshotId": self.snapshot.id,
            "VolumeSize": self.size,
            "VolumeType": self.volume_type,
            "DeleteOnTermination": self.delete_on_termination,
            "Encrypted": bool(self.snapshot.encrypted),
        }
        if self.iops:
            ebs["Iops"] = self.iops
        if self.throughput:
            ebs["Throughput"] = self.throughput
        if self.snapshot.kms_key_id:
            ebs["KmsKeyId"] = self.snapshot.kms_key_id
        return {"DeviceName": self.device, "Ebs": ebs}


def mappings(ami: Ami) -> list[Mapping] | None:
    return ami.__dict__.get("fb_mappings")


def snapshots(ami: Ami) -> list[Any]:
    found = mappings(ami)
    return [m.snapshot for m in found] if found else [ami.ebs_snapshot]


def _drop_placeholder(backend: Any, ami: Ami) -> None:
    placeholder = ami.ebs_snapshot
    if placeholder is not None and placeholder.id in backend.snapshots:
        del backend.snapshots[placeholder.id]


def capture(backend: Any, ami: Ami, instance: Any) -> None:
    """CreateImage: a snapshot of every EBS volume attached to the instance."""
    found: list[Mapping] = []
    for device, attachment in sorted(instance.block_device_mapping.items()):
        volume = backend.get_volume(attachment.volume_id)
        snapshot = backend.create_snapshot(volume.id, f"Created by CreateImage({instance.id}) for {ami.id}",
                                           ami.owner_id, from_ami=ami.id)  # fmt: skip
        snapshot.encrypted = bool(volume.encrypted)
        snapshot.kms_key_id = volume.kms_key_id
        found.append(
            Mapping(device, snapshot, int(volume.size), volume.volume_type or "gp2", getattr(volume, "iops", None),
                    getattr(volume, "throughput", None), bool(attachment.delete_on_termination))  # fmt: skip
        )
    if not found:
        return
    _drop_placeholder(backend, ami)
    found.sort(key=lambda m: (m.device != ami.root_device_name, m.device))
    ami.__dict__["fb_mappings"] = found
    ami.ebs_snapshot = found[0].snapshot


def copy_mappings(backend: Any, ami: Ami, source: Ami, key_for: Any) -> list[Any]:
    """CopyImage: every snapshot of the source copied into the new AMI; returns the new snapshots.
    `key_for(source_snapshot)` says the key of each copy (None: unencrypted)."""
    from moto.ec2.models.elastic_block_store import Snapshot
    from moto.ec2.utils import random_snapshot_id

    source_mappings = mappings(source)
    if not source_mappings:
        return [ami.ebs_snapshot]
    _drop_placeholder(backend, ami)
    copied: list[Mapping] = []
    for mapping in source_mappings:
        key = key_for(mapping.snapshot)
        snapshot = Snapshot(backend, random_snapshot_id(), volume=mapping.snapshot.volume,
                            description=f"Copied for DestinationAmi {ami.id} from SourceAmi {source.id}",
                            encrypted=key is not None, kms_key_id=key, from_ami=ami.id)  # fmt: skip
        backend.snapshots[snapshot.id] = snapshot
        copied.append(copy_of(mapping, snapshot=snapshot))
    ami.__dict__["fb_mappings"] = copied
    ami.ebs_snapshot = copied[0].snapshot
    return [m.snapshot for m in copied]


def _requested_delete_on_termination() -> dict[str, bool]:
    """Device -> DeleteOnTermination, for the mappings of the RunInstances request that set it (moto's
    parsed mappings cannot tell an absent value from false)."""
    req = context.current_request()
    params = req.params if req is not None else {}
    given: dict[str, bool] = {}
    for key, device in params.items():
        match = _DEVICE_PARAM.match(key)
        flag = params.get(f"BlockDeviceMapping.{match.group(1)}.Ebs.DeleteOnTermination") if match else None
        if flag is not None:
            given[str(device)] = str(flag).lower() == "true"
    return given


def launch_mappings(ami: Ami | None, requested: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    """RunInstances: the AMI's mappings with the request's overriding them by device name."""
    found = mappings(ami) if ami is not None else None
    explicit = _requested_delete_on_termination()
    root = (ami.root_device_name if ami is not None else None) or DEFAULT_ROOT_DEVICE
    by_device = {m.device: m.to_json() for m in found or []}
    for override in requested or []:
        device = override.get("DeviceName", "")
        base = by_device.get(device, {"DeviceName": device, "Ebs": {}})
        # moto fills absent fields with None/False: only what the request set overrides the AMI
        # (AWS cannot make an encrypted snapshot's volume unencrypted anyway).
        given = {k: v for k, v in (override.get("Ebs") or {}).items() if v not in (None, "", False)}
        merged_ebs = {**base.get("Ebs", {}), **given}
        if device in explicit:
            merged_ebs["DeleteOnTermination"] = explicit[device]
        elif "DeleteOnTermination" not in base.get("Ebs", {}):
            merged_ebs["DeleteOnTermination"] = device == root
        by_device[device] = {**base, **override, "Ebs": merged_ebs}
    return list(by_device.values()) if by_device else requested


def _attachment_delete_on_termination(self: VolumeAttachment) -> bool:
    mapping = self.instance.block_device_mapping.get(self.device)
    return bool(mapping.delete_on_termination) if mapping is not None else False


def _block_device_mappings(self: Ami) -> list[dict[str, Any]]:
    found = mappings(self)
    if found:
        return [m.to_json() for m in found]
    snapshot = self.ebs_snapshot
    ebs = {"SnapshotId": snapshot.id, "VolumeSize": 15, "DeleteOnTermination": False, "VolumeType": "standard"}
    ebs["Encrypted"] = bool(snapshot.encrypted)
    if snapshot.kms_key_id:
        ebs["KmsKeyId"] = snapshot.kms_key_id
    return [{"DeviceName": self.root_device_name, "Ebs": ebs}]


def install() -> None:
    Ami.block_device_mappings = property(_block_device_mappings)  # type: ignore[assignment]
    VolumeAttachment.delete_on_termination = property(_attachment_delete_on_termination)  # type: ignore[attr-defined]
