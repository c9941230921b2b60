import {
  DescribeImageAttributeCommand,
  DescribeSnapshotAttributeCommand,
  paginateDescribeInstances,
  paginateDescribeSnapshots,
  paginateDescribeVolumes,
  DescribeImagesCommand,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import { iso, sorted, tagMap, type ResourceRecord } from './types.js';

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

function instanceRecord(i: Instance): ResourceRecord {
  return {
    name: tagMap(i.Tags).Name ?? null,
    state: i.State?.Name ?? '',
    instanceType: i.InstanceType ?? '',
    imageId: i.ImageId ?? '',
    subnetId: i.SubnetId ?? null,
    vpcId: i.VpcId ?? null,
    privateIpAddress: i.PrivateIpAddress ?? null,
    securityGroups: sorted((i.SecurityGroups ?? []).map((g) => g.GroupId ?? '')),
    keyName: i.KeyName ?? null,
    iamInstanceProfile: i.IamInstanceProfile?.Arn ?? null,
    ebsOptimized: i.EbsOptimized ?? false,
    rootDeviceName: i.RootDeviceName ?? null,
    availabilityZone: i.Placement?.AvailabilityZone ?? null,
    blockDevices: (i.BlockDeviceMappings ?? [])
      .map((b) => ({
        device: b.DeviceName ?? '',
        volumeId: b.Ebs?.VolumeId ?? '',
        deleteOnTermination: b.Ebs?.DeleteOnTermination ?? null,
      }))
      .sort((a, b) => (a.device < b.device ? -1 : 1)),
    tags: tagMap(i.Tags),
  };
}

/**
 * Instances (terminated ones are gone: AWS shows them for an hour only), volumes with their
 * attachments and DeleteOnTermination, the account's own AMIs and EBS snapshots with whom they are
 * shared.
 */
export async function ec2Resources(ec2: EC2Client): Promise<Record<string, ResourceRecord>> {
  const out: Record<string, ResourceRecord> = {};
  for (const page of await all(paginateDescribeInstances({ client: ec2 }, {}))) {
    for (const i of (page.Reservations ?? []).flatMap((r) => r.Instances ?? [])) {
      if (i.State?.Name === 'terminated') continue;
      out[`ec2-instance/${i.InstanceId}`] = instanceRecord(i);
    }
  }
  for (const page of await all(paginateDescribeVolumes({ client: ec2 }, {}))) {
    for (const v of page.Volumes ?? []) {
      out[`ec2-volume/${v.VolumeId}`] = {
        state: v.State ?? '',
        size: v.Size ?? 0,
        volumeType: v.VolumeType ?? '',
        iops: v.Iops ?? null,
        encrypted: v.Encrypted ?? false,
        kmsKeyId: v.KmsKeyId ?? null,
        snapshotId: v.SnapshotId || null,
        availabilityZone: v.AvailabilityZone ?? null,
        attachments: (v.Attachments ?? [])
          .map((a) => ({
            instanceId: a.InstanceId ?? '',
            device: a.Device ?? '',
            deleteOnTermination: a.DeleteOnTermination ?? null,
          }))
          .sort((a, b) => (a.device < b.device ? -1 : 1)),
        tags: tagMap(v.Tags),
      };
    }
  }
  const images = (await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images ?? [];
  for (const image of images) {
    const launch = await ec2.send(
      new DescribeImageAttributeCommand({ ImageId: image.ImageId, Attribute: 'launchPermission' }),
    );
    out[`ec2-image/${image.ImageId}`] = {
      name: image.Name ?? '',
      state: image.State ?? '',
      created: image.CreationDate ?? null,
      rootDeviceName: image.RootDeviceName ?? null,
      blockDevices: (image.BlockDeviceMappings ?? [])
        .map((b) => ({
          device: b.DeviceName ?? '',
          snapshotId: b.Ebs?.SnapshotId ?? null,
          size: b.Ebs?.VolumeSize ?? null,
          encrypted: b.Ebs?.Encrypted ?? null,
          deleteOnTermination: b.Ebs?.DeleteOnTermination ?? null,
        }))
        .sort((a, b) => (a.device < b.device ? -1 : 1)),
      sharedWith: sorted((launch.LaunchPermissions ?? []).map((p) => p.UserId ?? p.Group ?? '')),
      tags: tagMap(image.Tags),
    };
  }
  for (const page of await all(paginateDescribeSnapshots({ client: ec2 }, { OwnerIds: ['self'] }))) {
    for (const s of page.Snapshots ?? []) {
      const shared = await ec2.send(
        new DescribeSnapshotAttributeCommand({
          SnapshotId: s.SnapshotId,
          Attribute: 'createVolumePermission',
        }),
      );
      out[`ec2-snapshot/${s.SnapshotId}`] = {
        state: s.State ?? '',
        volumeId: s.VolumeId ?? null,
        size: s.VolumeSize ?? null,
        encrypted: s.Encrypted ?? false,
        kmsKeyId: s.KmsKeyId ?? null,
        started: iso(s.StartTime),
        sharedWith: sorted((shared.CreateVolumePermissions ?? []).map((p) => p.UserId ?? p.Group ?? '')),
        tags: tagMap(s.Tags),
      };
    }
  }
  return out;
}
