import { AutoScalingClient, CreateAutoScalingGroupCommand } from '@aws-sdk/client-auto-scaling';
import {
  CreateKeyPairCommand,
  CreateLaunchTemplateCommand,
  DescribeInstancesCommand,
  ModifyInstanceAttributeCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlanContext, PreflightFinding } from '../../../domain/resources.js';
import { BOOTSTRAP_ROLE } from '../../../../test/support/access.js';
import { eventually, seedingClientConfig } from '../../../../test/support/aws.js';
import {
  ensurePlanRoles,
  inspectors,
  preparedPlan,
  resolved,
  stepInput,
  topologies,
  unique,
} from '../../../../test/support/kinds.js';
import { seedInstance } from '../../../../test/support/snapshot-kinds.js';
import { instanceRoleArn, seedInstanceProfile } from '../../../../scripts/scenario/instance-profiles.js';
import { kindContext } from '../context.js';
import { kindModule } from '../index.js';

// What the plan does to an instance (stop to quiesce, terminate to conclude, stop to retire) that some
// instances do not survive: preflight says so before anything starts, with the fix (issue 15).

const topology = topologies('ca-central-1', 'eu-central-1')[1]!;
const aws = inspectors(topology);
let plan: PlanContext;

/** An instance launched by an Auto Scaling group (tagged aws:autoscaling:groupName by EC2 itself). */
async function groupInstance(side: 'primary' | 'recovery', name: string): Promise<string> {
  const { accountId, region } = topology[side];
  const config = seedingClientConfig(accountId, region);
  const ec2 = aws[side].ec2;
  const autoscaling = new AutoScalingClient(config);
  const template = unique('lt');
  try {
    await ec2.send(
      new CreateLaunchTemplateCommand({
        LaunchTemplateName: template,
        LaunchTemplateData: { ImageId: 'ami-0f00d5eed0000c0de', InstanceType: 't3.small' },
      }),
    );
    await autoscaling.send(
      new CreateAutoScalingGroupCommand({
        AutoScalingGroupName: unique('web-group'),
        MinSize: 1,
        MaxSize: 1,
        DesiredCapacity: 1,
        LaunchTemplate: { LaunchTemplateName: template },
        AvailabilityZones: [`${region}a`],
        Tags: [{ Key: 'Name', Value: name, PropagateAtLaunch: true }],
      }),
    );
  } finally {
    autoscaling.destroy();
  }
  return eventually(`instance ${name} launched by its group`, () => instanceNamed(ec2, name));
}

async function instanceNamed(ec2: EC2Client, name: string): Promise<string | undefined> {
  const out = await ec2.send(
    new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: [name] }] }),
  );
  return out.Reservations?.flatMap((r) => r.Instances ?? [])[0]?.InstanceId;
}

/** Preflight of one instance, primary reached through the bootstrap role as preflightPlan does. */
async function preflight(source: string, target: string, options?: Record<string, unknown>) {
  return (await preflightResult(source, target, options)).findings.filter((f) => f.check === 'settings');
}

async function preflightResult(source: string, target: string, options?: Record<string, unknown>) {
  const primary = {
    ...plan.primary,
    roleArn: `arn:aws:iam::${plan.primary.accountId}:role/${BOOTSTRAP_ROLE}`,
  };
  const resource = resolved('ec2-instance', source, target, options);
  const result = await kindModule('ec2-instance').preflight(
    kindContext(stepInput({ ...plan, primary }, 'test-failback', resource)),
  );
  const unexpected = result.findings.filter((f) => f.severity === 'error' && f.check !== 'settings');
  expect(unexpected).toEqual([]);
  return result;
}

const about = (findings: PreflightFinding[], pattern: RegExp) =>
  findings.filter((f) => pattern.test(f.message)).map((f) => f.severity);

describe('ec2-instance preflight: instances the plan cannot stop or terminate safely', () => {
  beforeAll(async () => {
    await ensurePlanRoles(topology);
    plan = await preparedPlan(topology, unique('hz'));
  });

  it('an ordinary instance on both sides raises nothing', async () => {
    const name = unique('plain');
    const source = await seedInstance(aws.recovery.ec2, name);
    await seedInstance(aws.primary.ec2, name);
    expect(await preflight(source, name)).toEqual([]);
  });

  it('refuses an Auto Scaling group member on either side, naming the group and the fix', async () => {
    const inRecovery = unique('asg-src');
    const source = await groupInstance('recovery', inRecovery);
    const recoveryFindings = await preflight(source, unique('free-target'));
    expect(about(recoveryFindings, /Auto Scaling group .* Suspend the group's HealthCheck/)).toEqual([
      'error',
    ]);

    const target = unique('asg-old');
    await groupInstance('primary', target);
    const plain = await seedInstance(aws.recovery.ec2, unique('src'));
    const primaryFindings = await preflight(plain, target);
    expect(
      about(primaryFindings, /in primary \(retired by the failback\) belongs to Auto Scaling group/),
    ).toEqual(['error']);
  });

  it('warns of a spot source, refuses a spot old primary', async () => {
    const spot = { InstanceMarketOptions: { MarketType: 'spot' as const } };
    const source = await seedInstance(aws.recovery.ec2, unique('spot-src'), {}, spot);
    const target = unique('spot-old');
    await seedInstance(aws.primary.ec2, target, {}, spot);
    const findings = await preflight(source, target);
    expect(about(findings, /in recovery is a spot instance/)).toEqual(['warning']);
    expect(about(findings, /in primary .* is a spot instance/)).toEqual(['error']);
  });

  it('warns of instance store on the source; refuses it on the old primary unless declared disposable', async () => {
    const withStore = { InstanceType: 'm5d.large' as const };
    const source = await seedInstance(aws.recovery.ec2, unique('store-src'), {}, withStore);
    const target = unique('store-old');
    await seedInstance(aws.primary.ec2, target, {}, withStore);
    const findings = await preflight(source, target);
    expect(about(findings, /in recovery .* GB of instance store/)).toEqual(['warning']);
    expect(about(findings, /in primary .* GB of instance store, which the failback's stop erases/)).toEqual([
      'error',
    ]);
    const declared = await preflight(source, target, { instanceStoreDisposable: true });
    expect(about(declared, /in primary/)).toEqual([]);
  });

  it('refuses across accounts an instance of an AWS Marketplace product (its AMI cannot be copied there)', async () => {
    // The emulator's Marketplace product AMI (emulator/failback_emulator/patches/ec2_marketplace.py).
    const marketplace = { ImageId: 'ami-0ba5eba11c0ffee00' };
    const source = await seedInstance(aws.recovery.ec2, unique('market'), {}, marketplace);
    expect(about(await preflight(source, unique('t')), /AWS Marketplace product/)).toEqual(['error']);
  });

  it('warns of a key pair primary lacks: the copy would launch without it', async () => {
    const keyName = unique('key');
    await aws.recovery.ec2.send(new CreateKeyPairCommand({ KeyName: keyName }));
    const source = await seedInstance(aws.recovery.ec2, unique('keyed'), {}, { KeyName: keyName });
    const target = unique('t');
    expect(about(await preflight(source, target), /key pair/)).toEqual(['warning']);
    await aws.primary.ec2.send(new CreateKeyPairCommand({ KeyName: keyName }));
    expect(about(await preflight(source, target), /key pair/)).toEqual([]);
  });

  it('warns of an instance profile primary lacks; once it has one, grants passing its role to EC2', async () => {
    const app = unique('app');
    await seedInstanceProfile(topology.recovery, app);
    const profile = { IamInstanceProfile: { Name: `${app}-instance` } };
    const source = await seedInstance(aws.recovery.ec2, unique('profiled'), {}, profile);
    const target = unique('t');
    const without = await preflightResult(source, target);
    expect(about(without.findings, /instance profile .* which primary .* lacks/)).toEqual(['warning']);
    expect(without.grants?.instanceRoleArns).toBeUndefined();

    // The operator follows the warning: primary gets a profile of that name (with its own role).
    await seedInstanceProfile(topology.primary, app);
    const roleArn = instanceRoleArn(topology.primary.accountId, app);
    const withProfile = await preflightResult(source, target);
    expect(about(withProfile.findings, /instance profile/)).toEqual(['info']);
    expect(withProfile.grants?.instanceRoleArns).toEqual([roleArn]);
    expect(withProfile.sourceDetails?.instanceRoleArns).toEqual([roleArn]);
  });

  it('warns that termination protection on the source stops conclude recovery', async () => {
    const source = await seedInstance(aws.recovery.ec2, unique('protected'));
    await aws.recovery.ec2.send(
      new ModifyInstanceAttributeCommand({ InstanceId: source, DisableApiTermination: { Value: true } }),
    );
    expect(about(await preflight(source, unique('t')), /termination protection/)).toEqual(['warning']);
  });
});
