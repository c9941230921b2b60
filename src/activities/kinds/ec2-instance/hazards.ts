import {
  DescribeInstanceAttributeCommand,
  DescribeInstanceTypesCommand,
  type Instance,
  type _InstanceType,
} from '@aws-sdk/client-ec2';
import type { AwsEnvironment } from '../../aws/clients.js';
import type { KindContext } from '../resource-kind.js';
import { call } from '../shared/calls.js';
import { tagValue } from '../shared/markers.js';
import { type Findings } from '../shared/preflight.js';

/** The tag EC2 Auto Scaling puts on every instance of a group (users cannot set `aws:` tags). */
const ASG_TAG = 'aws:autoscaling:groupName';

/**
 * What the plan does to an instance that its kind of instance does not survive (issue 15), found before
 * anything starts. The plan stops the recovery source to quiesce it, terminates it to conclude
 * recovery, and stops the old primary to retire it:
 * - an Auto Scaling group replaces a stopped instance (it terminates it): refused, with the fix;
 * - a stop erases the instance store (and an AMI never holds it): a warning for the source (its copy
 *   lacks that data), refused for the old primary unless the spec says its instance store holds nothing
 *   to keep (`options.instanceStoreDisposable`), since nothing in primary may be destroyed;
 * - a spot instance can be reclaimed at any time: a warning for the source, refused for the old primary
 *   (it would not stay retired);
 * - termination protection on the source stops conclude recovery: a warning;
 * - an AMI derived from an AWS Marketplace AMI cannot be copied into another account: refused across
 *   accounts, with the way out.
 */
export async function checkInstanceHazards(
  findings: Findings,
  ctx: KindContext,
  source: Instance | undefined,
  old: Instance | undefined,
): Promise<void> {
  if (source) {
    const id = source.InstanceId ?? ctx.resource.source;
    const group = tagValue(source.Tags, ASG_TAG);
    if (group)
      findings.add(
        'error',
        'settings',
        `instance ${id} in recovery belongs to Auto Scaling group ${group}: the plan stops it to quiesce it and the group would terminate and replace it. Suspend the group's HealthCheck, ReplaceUnhealthy and Terminate processes (or put the instance in Standby), then run preflight again`,
      );
    const marketplace = (source.ProductCodes ?? []).filter((c) => c.ProductCodeType === 'marketplace');
    if (marketplace.length && ctx.crossAccount)
      findings.add(
        'error',
        'settings',
        `instance ${id} in recovery runs an AWS Marketplace product (${marketplace.map((c) => c.ProductCodeId).join(', ')}): AWS refuses to copy an AMI derived from a Marketplace AMI into another account. Subscribe to the product in primary and launch it there (move the data on separate EBS volumes or a database), or fail back within one account; then leave this instance out of the plan`,
      );
    if (source.InstanceLifecycle === 'spot')
      findings.add(
        'warning',
        'settings',
        `instance ${id} in recovery is a spot instance: AWS may reclaim it before its recovery point is taken, and its copy in primary runs on demand`,
      );
    const store = await instanceStore(findings, ctx.recovery, source);
    if (store)
      findings.add(
        'warning',
        'settings',
        `instance ${id} in recovery (${source.InstanceType}) has ${store}: an AMI does not hold it and the quiesce (a stop) erases it. Copy what must survive to EBS before the failback`,
      );
    const protectedSource = await findings.probe('access', `termination protection of ${id}`, () =>
      call(ctx.recovery, `DescribeInstanceAttribute ${id} disableApiTermination`, async () => {
        const out = await ctx.recovery.ec2.send(
          new DescribeInstanceAttributeCommand({ InstanceId: id, Attribute: 'disableApiTermination' }),
        );
        return out.DisableApiTermination?.Value === true;
      }),
    );
    if (protectedSource)
      findings.add(
        'warning',
        'settings',
        `instance ${id} in recovery has termination protection: concluding recovery terminates it (after a kept AMI) and will stop until you turn the protection off`,
      );
  }
  if (old) {
    const id = old.InstanceId ?? '';
    const group = tagValue(old.Tags, ASG_TAG);
    if (group)
      findings.add(
        'error',
        'settings',
        `instance ${id} in primary (retired by the failback) belongs to Auto Scaling group ${group}: a stopped instance is terminated and replaced by the group, and nothing in primary may be destroyed. Detach it from the group (or suspend the group's HealthCheck, ReplaceUnhealthy and Terminate processes), then run preflight again`,
      );
    if (old.InstanceLifecycle === 'spot')
      findings.add(
        'error',
        'settings',
        `instance ${id} in primary (retired by the failback) is a spot instance: AWS may reclaim it while it is kept stopped, so it cannot be kept. Create an AMI of it yourself (or move it to on demand), then run preflight again`,
      );
    const store = await instanceStore(findings, ctx.primary, old);
    if (store && ctx.resource.options?.instanceStoreDisposable !== true)
      findings.add(
        'error',
        'settings',
        `instance ${id} in primary (${old.InstanceType}) has ${store}, which the failback's stop erases. Copy what must survive to EBS, then set options.instanceStoreDisposable: true for ${ctx.resource.key}`,
      );
  }
}

/** The instance store the instance has, in words (undefined when none). */
async function instanceStore(
  findings: Findings,
  env: AwsEnvironment,
  instance: Instance,
): Promise<string | undefined> {
  if (instance.RootDeviceType === 'instance-store') return 'an instance-store root volume';
  const type = instance.InstanceType;
  if (!type) return undefined;
  const info = await findings.probe('access', `instance type ${type}`, () =>
    call(env, `DescribeInstanceTypes ${type}`, async () => {
      const out = await env.ec2.send(
        new DescribeInstanceTypesCommand({ InstanceTypes: [type as _InstanceType] }),
      );
      return out.InstanceTypes?.[0];
    }),
  );
  if (!info?.InstanceStorageSupported) return undefined;
  const gb = info.InstanceStorageInfo?.TotalSizeInGB;
  return gb ? `${gb} GB of instance store` : 'instance store';
}
