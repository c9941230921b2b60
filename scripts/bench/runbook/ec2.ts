import {
  CopyImageCommand,
  CreateImageCommand,
  CreateTagsCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
  RunInstancesCommand,
  StopInstancesCommand,
  type Image,
  type Instance,
} from '@aws-sdk/client-ec2';
import type { AwsEnvironment } from '../../../src/activities/aws/clients.js';
import type { ResourceSpec } from '../../../src/domain/plan-spec.js';
import { cliWait, type Runbook } from './steps.js';

async function instance(env: AwsEnvironment, id: string): Promise<Instance | undefined> {
  const out = await env.ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations?.[0]?.Instances?.[0];
}

/** Quiesce: stop the instance (the script stops every source instance before any image). */
export async function stopAndWait(runbook: Runbook, env: AwsEnvironment, id: string): Promise<void> {
  await env.ec2.send(new StopInstancesCommand({ InstanceIds: [id] }));
  await cliWait(runbook, `instance ${id} stopped`, 'ec2', async () =>
    (await instance(env, id))?.State?.Name === 'stopped' ? true : undefined,
  );
}

function imageAvailable(runbook: Runbook, env: AwsEnvironment, imageId: string): Promise<Image> {
  return cliWait(runbook, `image ${imageId} available`, 'ec2', async () => {
    const image = (await env.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }))).Images?.[0];
    return image?.State === 'available' ? image : undefined;
  });
}

/**
 * An EC2 instance by hand (stopped already): image it, share the image and its snapshots, copy it
 * into primary, tag and stop the old primary instance, launch the copy, check it runs from the copy.
 */
export async function failBackInstance(runbook: Runbook, resource: ResourceSpec): Promise<void> {
  const { recovery, primary } = runbook;
  const created = await recovery.ec2.send(
    new CreateImageCommand({ InstanceId: resource.source, Name: `${runbook.runId}-${resource.target}` }),
  );
  const image = await imageAvailable(runbook, recovery, created.ImageId!);
  await recovery.ec2.send(
    new ModifyImageAttributeCommand({
      ImageId: image.ImageId,
      LaunchPermission: { Add: [{ UserId: runbook.primaryAccount }] },
    }),
  );
  for (const mapping of image.BlockDeviceMappings ?? []) {
    if (!mapping.Ebs?.SnapshotId) continue;
    await recovery.ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: mapping.Ebs.SnapshotId,
        Attribute: 'createVolumePermission',
        CreateVolumePermission: { Add: [{ UserId: runbook.primaryAccount }] },
      }),
    );
  }
  const copied = await primary.ec2.send(
    new CopyImageCommand({
      SourceImageId: image.ImageId,
      SourceRegion: runbook.recoveryRegion,
      Name: `${runbook.runId}-${resource.target}-copy`,
    }),
  );
  const copy = await imageAvailable(runbook, primary, copied.ImageId!);

  const old = await primary.ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'tag:Name', Values: [resource.target] },
        { Name: 'instance-state-name', Values: ['running'] },
      ],
    }),
  );
  for (const previous of old.Reservations?.flatMap((r) => r.Instances ?? []) ?? []) {
    await primary.ec2.send(
      new CreateTagsCommand({ Resources: [previous.InstanceId!], Tags: [{ Key: 'retired', Value: 'true' }] }),
    );
    await stopAndWait(runbook, primary, previous.InstanceId!);
  }
  const launched = await primary.ec2.send(
    new RunInstancesCommand({
      ImageId: copy.ImageId,
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: resource.target }] }],
    }),
  );
  const id = launched.Instances![0]!.InstanceId!;
  const running = await cliWait(runbook, `instance ${id} running`, 'ec2', async () => {
    const current = await instance(primary, id);
    return current?.State?.Name === 'running' ? current : undefined;
  });
  if (running.ImageId !== copy.ImageId)
    throw new Error(`runbook: ${resource.target} runs ${running.ImageId}, not the copy ${copy.ImageId}`);
}
