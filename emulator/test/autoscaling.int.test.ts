import {
  AutoScalingClient,
  CreateAutoScalingGroupCommand,
  DescribeAutoScalingGroupsCommand,
  SuspendProcessesCommand,
} from '@aws-sdk/client-auto-scaling';
import {
  CreateLaunchTemplateCommand,
  DescribeInstancesCommand,
  StopInstancesCommand,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { aws, eventually, freshAccount, sharedEndpoint } from './support.js';
import { seedingCredentials } from '../client.js';

const account = freshAccount();
const region = 'eu-west-1';
const { ec2 } = aws(account, region);
const autoscaling = new AutoScalingClient({
  region,
  endpoint: sharedEndpoint(),
  credentials: seedingCredentials(account),
  maxAttempts: 1,
});

async function group(name: string): Promise<string> {
  await ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: `${name}-lt`,
      LaunchTemplateData: { ImageId: 'ami-12345678', InstanceType: 't3.small' },
    }),
  );
  await autoscaling.send(
    new CreateAutoScalingGroupCommand({
      AutoScalingGroupName: name,
      MinSize: 1,
      MaxSize: 1,
      DesiredCapacity: 1,
      LaunchTemplate: { LaunchTemplateName: `${name}-lt` },
      AvailabilityZones: [`${region}a`],
    }),
  );
  return (await members(name))[0]!;
}

async function members(name: string): Promise<string[]> {
  const out = await autoscaling.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [name] }));
  return (out.AutoScalingGroups?.[0]?.Instances ?? []).map((i) => i.InstanceId!);
}

async function stateOf(id: string): Promise<string | undefined> {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

describe('EC2 Auto Scaling health checks', () => {
  it('a stopped member is terminated and replaced, unless the group keeps it (HealthCheck suspended)', async () => {
    const replaced = await group('web-replaced');
    await eventually('member running', async () =>
      (await stateOf(replaced)) === 'running' ? true : undefined,
    );
    await ec2.send(new StopInstancesCommand({ InstanceIds: [replaced] }));
    expect(await stateOf(replaced)).toMatch(/shutting-down|terminated/);
    const now = await members('web-replaced');
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(replaced);

    const kept = await group('web-kept');
    await eventually('member running', async () => ((await stateOf(kept)) === 'running' ? true : undefined));
    await autoscaling.send(
      new SuspendProcessesCommand({ AutoScalingGroupName: 'web-kept', ScalingProcesses: ['HealthCheck'] }),
    );
    await ec2.send(new StopInstancesCommand({ InstanceIds: [kept] }));
    await eventually('member stopped', async () => ((await stateOf(kept)) === 'stopped' ? true : undefined));
    expect(await members('web-kept')).toEqual([kept]);
  });
});
