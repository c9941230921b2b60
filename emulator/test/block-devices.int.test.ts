import {
  CreateImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type BlockDeviceMapping,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { aws, eventually, freshAccount } from './support.js';

// DeleteOnTermination as the EC2 User Guide has it ("Preserve data when an instance is terminated"):
// the root volume goes with its instance by default, other volumes stay; the AMI's setting and then the
// launch request's (false included) win.
const volume = (device: string, size: number, deleteOnTermination?: boolean): BlockDeviceMapping => ({
  DeviceName: device,
  Ebs: {
    VolumeSize: size,
    VolumeType: 'gp3',
    ...(deleteOnTermination === undefined ? {} : { DeleteOnTermination: deleteOnTermination }),
  },
});

async function launch(ec2: EC2Client, imageId: string, mappings?: BlockDeviceMapping[]): Promise<string> {
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: imageId,
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't3.micro',
      ...(mappings ? { BlockDeviceMappings: mappings } : {}),
    }),
  );
  const id = out.Instances![0]!.InstanceId!;
  await eventually(`${id} running`, async () => {
    const r = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
    return r.Reservations?.[0]?.Instances?.[0]?.State?.Name === 'running' ? true : undefined;
  });
  return id;
}

async function deleteOnTermination(ec2: EC2Client, instanceId: string) {
  const r = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
  const mappings = r.Reservations![0]!.Instances![0]!.BlockDeviceMappings ?? [];
  const volumes = (
    await ec2.send(new DescribeVolumesCommand({ VolumeIds: mappings.map((m) => m.Ebs!.VolumeId!) }))
  ).Volumes!;
  return {
    instance: Object.fromEntries(mappings.map((m) => [m.DeviceName!, m.Ebs?.DeleteOnTermination])),
    volumes: Object.fromEntries(
      volumes.map((v) => [v.Attachments![0]!.Device!, v.Attachments![0]!.DeleteOnTermination]),
    ),
    ids: Object.fromEntries(mappings.map((m) => [m.DeviceName!, m.Ebs!.VolumeId!])),
  };
}

describe('EBS DeleteOnTermination', () => {
  it('defaults to true for the root volume only, is reported on the volumes, and is honoured at termination', async () => {
    const { ec2 } = aws(freshAccount(), 'us-east-1');
    const id = await launch(ec2, 'ami-0f00d5eed0000c0de', [volume('/dev/sda1', 20), volume('/dev/sdf', 100)]);
    const seen = await deleteOnTermination(ec2, id);
    expect(seen.instance).toEqual({ '/dev/sda1': true, '/dev/sdf': false });
    expect(seen.volumes).toEqual(seen.instance);

    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    const left = (await ec2.send(new DescribeVolumesCommand({}))).Volumes!.map((v) => [v.VolumeId, v.State]);
    expect(left).toEqual([[seen.ids['/dev/sdf'], 'available']]);
  });

  it("AMIs keep each volume's setting; a launch's own value, false included, overrides the AMI's", async () => {
    const { ec2 } = aws(freshAccount(), 'us-east-1');
    const source = await launch(ec2, 'ami-0f00d5eed0000c0de', [
      volume('/dev/sda1', 20, false),
      volume('/dev/sdf', 100, true),
    ]);
    const image = await ec2.send(new CreateImageCommand({ InstanceId: source, Name: 'with-settings' }));
    const imageId = image.ImageId!;
    const described = (await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images![0]!;
    expect(
      Object.fromEntries(
        described.BlockDeviceMappings!.map((m) => [m.DeviceName, m.Ebs?.DeleteOnTermination]),
      ),
    ).toEqual({ '/dev/sda1': false, '/dev/sdf': true });
    await eventually('AMI available', async () => {
      const i = (await ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images![0]!;
      return i.State === 'available' ? true : undefined;
    });

    const asImage = await launch(ec2, imageId);
    expect((await deleteOnTermination(ec2, asImage)).instance).toEqual({
      '/dev/sda1': false,
      '/dev/sdf': true,
    });
    const overridden = await launch(ec2, imageId, [
      // (moto, unlike AWS, wants a size or snapshot in an override.)
      { DeviceName: '/dev/sda1', Ebs: { VolumeSize: 20, DeleteOnTermination: true } },
      { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 100, DeleteOnTermination: false } },
    ]);
    expect((await deleteOnTermination(ec2, overridden)).instance).toEqual({
      '/dev/sda1': true,
      '/dev/sdf': false,
    });
  });
});
