import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  type Instance,
  type Volume,
} from '@aws-sdk/client-ec2';
import { artifactName, testTargetName, type Phase } from '../../../domain/naming.js';
import type { AccessGrants } from '../../../domain/resources.js';
import type { AwsEnvironment } from '../../aws/clients.js';
import type { DiscoveredResource, KindContext, PreflightResult } from '../resource-kind.js';
import { call } from '../shared/calls.js';
import { isOurs, tagValue } from '../shared/markers.js';
import { CONCLUDE_PHASE } from '../shared/names.js';
import { stringListOption, stringOption } from '../shared/options.js';
import { checkKmsKey, Findings, where } from '../shared/preflight.js';
import { describeInstance, findInstances, findOwnImageByName } from './ec2.js';
import { checkCarriedInstance } from './configuration.js';
import { oldPrimaryInstance } from './old-primary.js';
import { checkConfigurationSource } from '../shared/configuration.js';
import { checkInstanceHazards } from './hazards.js';
import { checkInstanceProfile } from './instance-profile.js';

/** Instances (not terminated) carrying every tag; the target defaults to the Name tag. */
export async function resolveInstances(
  recovery: AwsEnvironment,
  tags: Record<string, string>,
): Promise<DiscoveredResource[]> {
  const filters = Object.entries(tags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] }));
  return (await findInstances(recovery, filters)).map((i) => ({
    source: i.InstanceId ?? '',
    target: tagValue(i.Tags, 'Name') ?? i.InstanceId ?? '',
    sourceDetails: { instanceType: i.InstanceType, state: i.State?.Name },
  }));
}

async function checkNetwork(findings: Findings, ctx: KindContext): Promise<void> {
  const env = ctx.primary;
  for (const [subnetOption, groupsOption] of [
    ['subnetId', 'securityGroupIds'],
    ['testSubnetId', 'testSecurityGroupIds'],
  ] as const) {
    const subnetId = stringOption(ctx.resource, subnetOption);
    const groupIds = stringListOption(ctx.resource, groupsOption) ?? [];
    const subnet = subnetId
      ? await findings.probe('settings', `${subnetOption} ${subnetId}`, () =>
          call(env, `DescribeSubnets ${subnetId}`, async () => {
            const out = await env.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [subnetId] }));
            return out.Subnets?.[0];
          }),
        )
      : undefined;
    if (groupIds.length === 0) continue;
    const groups = await findings.probe('settings', `${groupsOption} ${groupIds.join(', ')}`, () =>
      call(env, `DescribeSecurityGroups ${groupIds.join(',')}`, async () => {
        const out = await env.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: groupIds }));
        return out.SecurityGroups ?? [];
      }),
    );
    for (const group of groups ?? []) {
      if (subnet?.VpcId && group.VpcId !== subnet.VpcId) {
        findings.add(
          'error',
          'settings',
          `security group ${group.GroupId} is not in the VPC ${subnet.VpcId} of ${subnetId}`,
        );
      }
    }
  }
}

function volumeKeys(volumes: Volume[]): string[] {
  return [...new Set(volumes.filter((v) => v.Encrypted && v.KmsKeyId).map((v) => v.KmsKeyId ?? ''))];
}

async function oldVolumes(
  findings: Findings,
  ctx: KindContext,
  instance: Instance | undefined,
): Promise<Volume[]> {
  const ids = (instance?.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId ?? '').filter(Boolean);
  if (!ids.length) return [];
  return (
    (await findings.probe('access', `volumes of ${instance?.InstanceId} in primary`, () =>
      call(ctx.primary, `DescribeVolumes ${ids.join(',')}`, async () => {
        const out = await ctx.primary.ec2.send(new DescribeVolumesCommand({ VolumeIds: ids }));
        return out.Volumes ?? [];
      }),
    )) ?? []
  );
}

/** Read-only: source, its volumes' keys, the old primary, names the plan will take, network settings. */
export async function preflightInstance(ctx: KindContext): Promise<PreflightResult> {
  const findings = new Findings(ctx.resource.key);
  const { source, target } = ctx.resource;
  const { found: instance, absent } = await findings.lookup('exists', `instance ${source} in recovery`, () =>
    describeInstance(ctx.recovery, source),
  );
  const state = instance?.State?.Name;
  if (absent || state === 'terminated' || state === 'shutting-down') {
    findings.add('error', 'exists', `instance ${source} does not exist in recovery (${where(ctx.recovery)})`);
  }
  const volumeIds = (instance?.BlockDeviceMappings ?? []).map((m) => m.Ebs?.VolumeId ?? '').filter(Boolean);
  const volumes = volumeIds.length
    ? ((await findings.probe('access', `volumes of ${source}`, () =>
        call(ctx.recovery, `DescribeVolumes ${volumeIds.join(',')}`, async () => {
          const out = await ctx.recovery.ec2.send(new DescribeVolumesCommand({ VolumeIds: volumeIds }));
          return out.Volumes ?? [];
        }),
      )) ?? [])
    : [];
  const grants: Partial<AccessGrants> & { recoveryKmsKeyArns: string[]; primaryKmsKeyArns: string[] } = {
    recoveryKmsKeyArns: [],
    primaryKmsKeyArns: [],
  };
  const usedFrom = { account: ctx.plan.primary.accountId, service: 'ec2' as const };
  for (const keyId of volumeKeys(volumes)) {
    const key = await checkKmsKey(
      findings,
      ctx.recovery,
      keyId,
      `volumes of ${source}`,
      ctx.crossAccount ? { shareable: true, usedFrom } : {},
    );
    if (key?.KeyManager === 'CUSTOMER' && key.Arn) grants.recoveryKmsKeyArns.push(key.Arn);
  }
  if (ctx.plan.primary.kmsKeyId) {
    const key = await checkKmsKey(findings, ctx.primary, ctx.plan.primary.kmsKeyId, 'primary copies');
    if (key?.KeyManager === 'CUSTOMER' && key.Arn) grants.primaryKmsKeyArns.push(key.Arn);
  }

  const named = await findings.probe('access', `instances named ${target} in primary`, () =>
    findInstances(ctx.primary, [{ Name: 'tag:Name', Values: [target] }]),
  );
  const old = (named ?? []).filter((i) => !isOurs(i.Tags, ctx, 'failback'));
  if (old.length > 1) {
    findings.add(
      'error',
      'name-conflict',
      `${old.length} instances are named ${target} in primary (${old.map((i) => i.InstanceId).join(', ')}): the failback would not know which to retire`,
    );
  } else if (old.length === 1) {
    findings.add(
      'info',
      'name-conflict',
      `${old[0]?.InstanceId} (${target}) in primary: the failback stops it and tags it retired`,
    );
    // An abort starts it again: EC2 then uses its volumes' keys as the plan's role.
    for (const keyId of volumeKeys(await oldVolumes(findings, ctx, old[0]))) {
      const key = await checkKmsKey(
        findings,
        ctx.primary,
        keyId,
        `volumes of ${old[0]?.InstanceId} in primary`,
      );
      if (key?.KeyManager === 'CUSTOMER' && key.Arn) grants.primaryKmsKeyArns.push(key.Arn);
    }
  }
  await checkInstanceHazards(findings, ctx, instance, old.length === 1 ? old[0] : undefined);
  await checkCarriedInstance(findings, ctx, instance);
  const profile = await checkInstanceProfile(findings, ctx, instance, old.length === 1 ? old[0] : undefined);
  if (profile.grants.length) grants.instanceRoleArns = profile.grants;
  await checkConfigurationSource(findings, ctx, oldPrimaryInstance, 'instance named');
  const testName = testTargetName(target, ctx.plan.planId, ctx.resource.kind);
  const tests = await findings.probe('name-conflict', `instances named ${testName}`, () =>
    findInstances(ctx.primary, [{ Name: 'tag:Name', Values: [testName] }]),
  );
  if ((tests ?? []).some((i) => !isOurs(i.Tags, ctx, 'test-failback'))) {
    findings.add(
      'error',
      'name-conflict',
      `an instance named ${testName} exists in primary and is not this plan's`,
    );
  }
  const names: Array<[AwsEnvironment, Phase, string]> = [
    [ctx.recovery, 'test-failback', 'rp'],
    [ctx.primary, 'test-failback', 'copy'],
    [ctx.recovery, 'failback', 'rp'],
    [ctx.primary, 'failback', 'copy'],
    [ctx.recovery, CONCLUDE_PHASE, 'final'],
  ];
  for (const [env, phase, step] of names) {
    const name = artifactName(ctx.plan.planId, phase, step, target, 128);
    const image = await findings.probe('name-conflict', `AMI ${name}`, () => findOwnImageByName(env, name));
    if (image && !isOurs(image.Tags, ctx, phase)) {
      findings.add(
        'error',
        'name-conflict',
        `AMI ${name} already exists in ${where(env)} and is not this plan's`,
      );
    }
  }
  await checkNetwork(findings, ctx);
  return {
    findings: findings.list,
    primaryExists: old.length > 0,
    grants,
    ...(instance
      ? {
          sourceDetails: {
            instanceType: instance.InstanceType,
            state,
            name: tagValue(instance.Tags, 'Name'),
            volumes: volumeIds.length,
            // What its copy moves at most: the copy-slot coordinator starts larger copies first.
            sizeGiB: volumes.reduce((gib, v) => gib + (v.Size ?? 0), 0),
            encrypted: volumes.some((v) => v.Encrypted),
            ...profile.sourceDetails,
          },
        }
      : {}),
  };
}
