import { createHash } from 'node:crypto';
import {
  DescribeInstanceAttributeCommand,
  DescribeKeyPairsCommand,
  DescribeVolumesCommand,
  type Instance,
  type RunInstancesCommandInput,
  type Volume,
} from '@aws-sdk/client-ec2';
import type { AwsEnvironment } from '../../aws/clients.js';
import type { KindContext } from '../resource-kind.js';
import { call, describeOrUndefined } from '../shared/calls.js';
import {
  carriedTags,
  TEST_COPY_TAGS_NOTE,
  TAGS_PER_RESOURCE,
  listItem,
  tagsItem,
  valueItem,
  type ConfigurationTable,
} from '../shared/configuration.js';
import { configurationFrom, stringListOption, stringOption } from '../shared/options.js';
import { where, type Findings } from '../shared/preflight.js';
import { describeInstance } from './ec2.js';
import {
  carriedInstanceProfile,
  INSTANCE_PROFILE_NOTE,
  INSTANCE_PROFILE_TEST_NOTE,
  profileName,
} from './instance-profile.js';
import { oldPrimaryInstance } from './old-primary.js';

/** What makes an instance what it is: the instance, its volumes, its user data. */
export interface InstanceConfiguration {
  instance: Instance;
  volumes: Volume[];
  /** Base64, as AWS gives it. */
  userData?: string;
}

function volumesOf(config: InstanceConfiguration): Array<{ device: string; volume?: Volume; keep: boolean }> {
  return (config.instance.BlockDeviceMappings ?? []).map((m) => ({
    device: m.DeviceName ?? '?',
    volume: config.volumes.find((v) => v.VolumeId === m.Ebs?.VolumeId),
    keep: m.Ebs?.DeleteOnTermination === false,
  }));
}

function blockDevices(config: InstanceConfiguration): string | undefined {
  const devices = volumesOf(config).map(({ device, volume: v, keep }) =>
    [
      device,
      `${v?.Size ?? '?'}GiB`,
      v?.VolumeType ?? '?',
      ...(v?.Iops ? [`${v.Iops}iops`] : []),
      ...(v?.Throughput ? [`${v.Throughput}MiB/s`] : []),
      keep ? 'kept-on-termination' : 'deleted-on-termination',
    ].join(' '),
  );
  return listItem(devices);
}

function encryption(config: InstanceConfiguration): string | undefined {
  return listItem(
    volumesOf(config).map(({ device, volume }) => `${device}:${volume?.Encrypted ? 'encrypted' : 'plain'}`),
  );
}

function hashOf(userData: string | undefined): string | undefined {
  if (!userData) return undefined;
  const bytes = Buffer.from(userData, 'base64');
  return `sha256:${createHash('sha256').update(bytes).digest('hex').slice(0, 16)} (${bytes.length} bytes)`;
}

function metadataOptions(i: Instance): string | undefined {
  const m = i.MetadataOptions;
  if (!m) return undefined;
  return [
    `tokens=${m.HttpTokens ?? '?'}`,
    `hop-limit=${m.HttpPutResponseHopLimit ?? '?'}`,
    `endpoint=${m.HttpEndpoint ?? '?'}`,
    `tags=${m.InstanceMetadataTags ?? 'disabled'}`,
  ].join(' ');
}

/** The subnet and security groups the copy gets: the test failback may have its own. */
export function network(ctx: KindContext): { subnetId?: string; securityGroupIds?: string[] } {
  const test = ctx.input.phase === 'test-failback';
  const subnetId =
    (test ? stringOption(ctx.resource, 'testSubnetId') : undefined) ?? stringOption(ctx.resource, 'subnetId');
  const securityGroupIds =
    (test ? stringListOption(ctx.resource, 'testSecurityGroupIds') : undefined) ??
    stringListOption(ctx.resource, 'securityGroupIds');
  return { ...(subnetId ? { subnetId } : {}), ...(securityGroupIds ? { securityGroupIds } : {}) };
}

const NETWORK_NOTE = 'subnets and security groups belong to their account and VPC: map them in the plan spec';

/** Adding an item is one line here (and, if the restore can carry it, one in `carriedLaunch`). */
export const ec2Configuration: ConfigurationTable<InstanceConfiguration> = {
  items: [
    {
      item: 'tags',
      read: (c) => tagsItem(c.instance.Tags, ['Name']),
      notCarried: `an instance takes ${TAGS_PER_RESOURCE} tags and the plan's own come first`,
      notInTest: TEST_COPY_TAGS_NOTE,
    },
    {
      item: 'instance type',
      read: (c) => c.instance.InstanceType,
      mapped: (ctx) => stringOption(ctx.resource, 'instanceType'),
    },
    // The AMI brings the volumes: from the recovery source whatever configurationFrom says.
    { item: 'block devices', read: blockDevices, fromSnapshot: true },
    {
      item: 'volume encryption',
      read: encryption,
      fromSnapshot: true,
      // The copy is re-encrypted with primary's key when the plan names one (DESIGN.md §4).
      mapped: (ctx, source) =>
        ctx.plan.primary.kmsKeyId
          ? listItem(volumesOf(source).map(({ device }) => `${device}:encrypted`))
          : undefined,
    },
    {
      item: 'instance profile',
      read: (c) => profileName(c.instance),
      notCarried: INSTANCE_PROFILE_NOTE,
      notInTest: INSTANCE_PROFILE_TEST_NOTE,
    },
    {
      item: 'key pair',
      read: (c) => c.instance.KeyName,
      notCarried:
        'carried when primary has a key pair of that name (key pairs are not copied): import the public key there',
    },
    { item: 'user data', read: (c) => hashOf(c.userData) },
    { item: 'metadata options', read: (c) => metadataOptions(c.instance) },
    { item: 'EBS optimised', read: (c) => valueItem(c.instance.EbsOptimized) },
    { item: 'detailed monitoring', read: (c) => valueItem(c.instance.Monitoring?.State) },
    { item: 'tenancy', read: (c) => valueItem(c.instance.Placement?.Tenancy) },
    {
      item: 'subnet',
      read: (c) => c.instance.SubnetId,
      mapped: (ctx) => network(ctx).subnetId,
      notCarried: `${NETWORK_NOTE} (options.subnetId; without it the copy lands in the default VPC)`,
    },
    {
      item: 'security groups',
      read: (c) => listItem(c.instance.SecurityGroups?.map((g) => g.GroupId)),
      mapped: (ctx) => listItem(network(ctx).securityGroupIds),
      notCarried: `${NETWORK_NOTE} (options.securityGroupIds)`,
    },
  ],
  describe: async (ctx, side, id) => {
    const env = side === 'recovery' ? ctx.recovery : ctx.primary;
    return configurationOf(env, await describeInstance(env, id));
  },
  oldPrimary: async (ctx) => configurationOf(ctx.primary, await oldPrimaryInstance(ctx)),
};

async function configurationOf(
  env: AwsEnvironment,
  instance: Instance | undefined,
): Promise<InstanceConfiguration | undefined> {
  if (!instance?.InstanceId) return undefined;
  const id = instance.InstanceId;
  const volumeIds = (instance.BlockDeviceMappings ?? []).flatMap((m) =>
    m.Ebs?.VolumeId ? [m.Ebs.VolumeId] : [],
  );
  const volumes = volumeIds.length
    ? await call(env, `DescribeVolumes of ${id}`, async () => {
        const out = await env.ec2.send(new DescribeVolumesCommand({ VolumeIds: volumeIds }));
        return out.Volumes ?? [];
      })
    : [];
  const userData = await readUserData(env, id);
  return { instance, volumes, ...(userData ? { userData } : {}) };
}

export async function readUserData(env: AwsEnvironment, instanceId: string): Promise<string | undefined> {
  return call(env, `DescribeInstanceAttribute ${instanceId} userData`, async () => {
    const out = await env.ec2.send(
      new DescribeInstanceAttributeCommand({ InstanceId: instanceId, Attribute: 'userData' }),
    );
    return out.UserData?.Value || undefined;
  });
}

async function keyPairInPrimary(ctx: KindContext, keyName: string): Promise<boolean> {
  const found = await describeOrUndefined(ctx.primary, `DescribeKeyPairs ${keyName}`, async () => {
    const out = await ctx.primary.ec2.send(new DescribeKeyPairsCommand({ KeyNames: [keyName] }));
    return out.KeyPairs?.[0];
  });
  return found !== undefined;
}

/**
 * The launch parameters that carry the configuration source's configuration (the table's carried
 * items): the recovery source's, or the old primary's with configurationFrom 'primary' (its instance
 * type too: the plan spec's instanceType still wins).
 */
export async function carriedLaunch(
  ctx: KindContext,
): Promise<
  Pick<
    RunInstancesCommandInput,
    | 'KeyName'
    | 'UserData'
    | 'MetadataOptions'
    | 'EbsOptimized'
    | 'Monitoring'
    | 'Placement'
    | 'IamInstanceProfile'
  > & { tags: Array<{ Key: string; Value: string }>; instanceType?: string }
> {
  const fromPrimary = configurationFrom(ctx.resource) === 'primary';
  const env = fromPrimary ? ctx.primary : ctx.recovery;
  const source = fromPrimary
    ? await oldPrimaryInstance(ctx)
    : await describeInstance(ctx.recovery, ctx.resource.source);
  if (!source?.InstanceId) return { tags: [] };
  const userData = await readUserData(env, source.InstanceId);
  const m = source.MetadataOptions;
  const keyName =
    source.KeyName && (await keyPairInPrimary(ctx, source.KeyName)) ? source.KeyName : undefined;
  return {
    tags: carriedTags(ctx, source.Tags, ['Name']),
    ...(fromPrimary && source.InstanceType ? { instanceType: source.InstanceType } : {}),
    ...(keyName ? { KeyName: keyName } : {}),
    ...(await carriedInstanceProfile(ctx, source)),
    ...(userData ? { UserData: userData } : {}),
    ...(m
      ? {
          MetadataOptions: {
            ...(m.HttpTokens ? { HttpTokens: m.HttpTokens } : {}),
            ...(m.HttpPutResponseHopLimit ? { HttpPutResponseHopLimit: m.HttpPutResponseHopLimit } : {}),
            ...(m.HttpEndpoint ? { HttpEndpoint: m.HttpEndpoint } : {}),
            ...(m.InstanceMetadataTags ? { InstanceMetadataTags: m.InstanceMetadataTags } : {}),
          },
        }
      : {}),
    ...(source.EbsOptimized !== undefined ? { EbsOptimized: source.EbsOptimized } : {}),
    ...(source.Monitoring?.State ? { Monitoring: { Enabled: source.Monitoring.State === 'enabled' } } : {}),
    ...(source.Placement?.Tenancy ? { Placement: { Tenancy: source.Placement.Tenancy } } : {}),
  };
}

/**
 * Preflight: what of the source's configuration the copy will lack unless the operator acts first
 * (the table's lines that depend on primary), each with the fix. The instance profile: instance-profile.ts.
 */
export async function checkCarriedInstance(
  findings: Findings,
  ctx: KindContext,
  source: Instance | undefined,
): Promise<void> {
  const id = source?.InstanceId ?? ctx.resource.source;
  const keyName = source?.KeyName;
  if (keyName) {
    const { absent } = await findings.lookup('settings', `key pair ${keyName} in primary`, async () =>
      (await keyPairInPrimary(ctx, keyName)) ? true : undefined,
    );
    if (absent)
      findings.add(
        'warning',
        'settings',
        `instance ${id} in recovery uses key pair ${keyName}, which primary (${where(ctx.primary)}) lacks: its copy launches without one. Import the public key into primary under that name (aws ec2 import-key-pair --key-name ${keyName}), then run preflight again`,
      );
  }
}
