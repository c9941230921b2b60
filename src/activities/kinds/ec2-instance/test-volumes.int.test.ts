import {
  CreateVolumeCommand,
  DescribeImagesCommand,
  DescribeVolumesCommand,
  RegisterImageCommand,
  RunInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../emulator/test/support.js';
import {
  crashOnce,
  ensurePlanRoles,
  inspectors,
  planEnvironments,
  preparedPlan,
  resolved,
  runStep,
  stepInput,
  topologies,
  unique,
} from '../../../../test/support/kinds.js';
import { describeInstance } from '../../../../test/support/snapshot-kinds.js';

/**
 * Item 14 of issue 14 (kind part): the source instance has a data volume with DeleteOnTermination=false,
 * so the AMI the plan copies and the test instance launched from it have one too. Terminating the test
 * instance leaves that volume behind: removeTestCopy must delete the volumes the test instance had, and
 * never a volume that is not the plan run's: an available volume of the account stays, and so does a
 * volume an operator made from the copy's snapshot carrying the run's tags (tags do not make it the
 * run's: the review of issue 14's fixes).
 */
const [topology] = topologies('sa-east-1', 'ca-central-1');

async function seedWithDataVolume(ec2: EC2Client, name: string): Promise<string> {
  const image = await ec2.send(
    new RegisterImageCommand({ Name: unique(`base-${name}`), RootDeviceName: '/dev/sda1' }),
  );
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: image.ImageId,
      InstanceType: 't3.small',
      MinCount: 1,
      MaxCount: 1,
      BlockDeviceMappings: [
        { DeviceName: '/dev/sdf', Ebs: { VolumeSize: 8, VolumeType: 'gp3', DeleteOnTermination: false } },
      ],
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: name }] }],
    }),
  );
  const id = out.Instances?.[0]?.InstanceId ?? '';
  await eventually(`instance ${id} running`, async () =>
    (await describeInstance(ec2, id))?.State?.Name === 'running' ? true : undefined,
  );
  return id;
}

describe('test failback of an instance with a volume kept on termination', () => {
  beforeAll(() => ensurePlanRoles(topology!));

  it('removeTestCopy deletes the test instance’s volumes, and only those', async () => {
    const aws = inspectors(topology!);
    const target = unique('web');
    const source = await seedWithDataVolume(aws.recovery.ec2, `${target}-recovery`);
    const bystander = await aws.primary.ec2.send(
      new CreateVolumeCommand({ AvailabilityZone: `${topology!.primary.region}a`, Size: 4 }),
    );
    const plan = await preparedPlan(topology!, unique('p'));
    const input = stepInput(plan, 'test-failback', resolved('ec2-instance', source, target));
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    const restore = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    const instance = await describeInstance(aws.primary.ec2, restore.restored.id);
    const volumeIds = (instance?.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId ?? '');
    expect(instance?.BlockDeviceMappings?.map((m) => m.DeviceName)).toContain('/dev/sdf');
    const runVolume = await aws.primary.ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeIds[0]!] }));
    const runTags = (runVolume.Volumes?.[0]?.Tags ?? []).filter((t) => !t.Key?.startsWith('aws:'));
    expect(runTags.map((t) => t.Key)).toContain('failback:plan-id');
    const image = await aws.primary.ec2.send(new DescribeImagesCommand({ ImageIds: [copy.id] }));
    const snapshotId = image.Images?.[0]?.BlockDeviceMappings?.find((m) => m.Ebs?.SnapshotId)?.Ebs
      ?.SnapshotId;
    const lookalike = await aws.primary.ec2.send(
      new CreateVolumeCommand({
        AvailabilityZone: `${topology!.primary.region}a`,
        SnapshotId: snapshotId,
        TagSpecifications: [{ ResourceType: 'volume', Tags: runTags }],
      }),
    );

    await runStep('removeTestCopy', input);
    expect((await describeInstance(aws.primary.ec2, restore.restored.id))?.State?.Name).toBe('terminated');
    const left = await aws.primary.ec2.send(
      new DescribeVolumesCommand({ Filters: [{ Name: 'volume-id', Values: volumeIds }] }),
    );
    expect(left.Volumes?.map((v) => `${v.VolumeId} ${v.State}`) ?? []).toEqual([]);
    const kept = await aws.primary.ec2.send(
      new DescribeVolumesCommand({ VolumeIds: [bystander.VolumeId!, lookalike.VolumeId!] }),
    );
    expect(kept.Volumes?.map((v) => v.State)).toEqual(['available', 'available']);
  });

  it('a test cleanup cut short after the termination: compensation, another activity, still removes the volumes', async () => {
    const aws = inspectors(topology!);
    const target = unique('web');
    const source = await seedWithDataVolume(aws.recovery.ec2, `${target}-recovery`);
    const plan = await preparedPlan(topology!, unique('p'));
    const input = stepInput(plan, 'test-failback', resolved('ec2-instance', source, target));
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    const restore = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    const instance = await describeInstance(aws.primary.ec2, restore.restored.id);
    const volumeIds = (instance?.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId ?? '');

    // The abort cancels the cleanup once TerminateInstances was answered: its heartbeat dies with it.
    await crashOnce(planEnvironments(plan).primary.ec2, 'TerminateInstancesCommand', () =>
      runStep('removeTestCopy', input),
    );
    await runStep('compensateResource', { ...input, trafficServed: false });
    const left = await aws.primary.ec2.send(
      new DescribeVolumesCommand({ Filters: [{ Name: 'volume-id', Values: volumeIds }] }),
    );
    expect(left.Volumes?.map((v) => `${v.VolumeId} ${v.State}`) ?? []).toEqual([]);
  });
});
