import {
  CreateImageCommand,
  CreateTagsCommand,
  DeleteTagsCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  paginateDescribeInstances,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
  type Filter,
  type Image,
  type Instance,
} from '@aws-sdk/client-ec2';
import { ApplicationFailure } from '@temporalio/common';
import type { AwsEnvironment } from '../../aws/clients.js';
import type { Operation } from '../../aws/durations.js';
import type { Tag } from '../../aws/tags.js';
import type { KindContext } from '../resource-kind.js';
import { awsErrorCode, needsPersonFailure } from '../../aws/errors.js';
import { call, describeOrUndefined, waitFor } from '../shared/calls.js';
import { removeImage } from './images.js';
import { onceVisible } from './visibility.js';
import { adoptOrConflict, isOurs, TAG_PLAN_RUN } from '../shared/markers.js';
import { TAG_PHASE, TAG_PLAN_ID, TAG_SOURCE } from '../../../domain/contract.js';

/** EC2 calls of the ec2-instance kind: instances, AMIs and their EBS snapshots, tags, waits. */

const GONE_STATES = ['shutting-down', 'terminated'];

export function imageArn(region: string, imageId: string): string {
  return `arn:aws:ec2:${region}::image/${imageId}`;
}

export function snapshotIdsOf(image: Image): string[] {
  return (image.BlockDeviceMappings ?? []).map((m) => m.Ebs?.SnapshotId ?? '').filter(Boolean);
}

/** Filters matching what the plan run made for this resource in `phase` (callers still check isOurs). */
export function planFilters(ctx: KindContext, phase: string = ctx.input.phase): Filter[] {
  return [
    { Name: `tag:${TAG_PLAN_ID}`, Values: [ctx.plan.planId] },
    ...(ctx.plan.planRun ? [{ Name: `tag:${TAG_PLAN_RUN}`, Values: [ctx.plan.planRun] }] : []),
    { Name: `tag:${TAG_PHASE}`, Values: [phase] },
    { Name: `tag:${TAG_SOURCE}`, Values: [ctx.resource.source] },
  ];
}

export function describeInstance(env: AwsEnvironment, instanceId: string): Promise<Instance | undefined> {
  return describeOrUndefined(env, `DescribeInstances ${instanceId}`, async () => {
    const out = await env.ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    return out.Reservations?.[0]?.Instances?.[0];
  });
}

/** This run's instances of this resource in `phase` (not terminated), in primary. */
export async function findOurInstances(
  ctx: KindContext,
  phase: string = ctx.input.phase,
): Promise<Instance[]> {
  const found = await findInstances(ctx.primary, planFilters(ctx, phase));
  return found.filter((i) => isOurs(i.Tags, ctx, phase));
}

/** Instances matching the filters that are not terminated or terminating (unless `includeGone`). */
export function findInstances(
  env: AwsEnvironment,
  filters: Filter[],
  { includeGone = false } = {},
): Promise<Instance[]> {
  return call(env, 'DescribeInstances', async () => {
    const all: Instance[] = [];
    for await (const page of paginateDescribeInstances({ client: env.ec2 }, { Filters: filters })) {
      for (const reservation of page.Reservations ?? []) all.push(...(reservation.Instances ?? []));
    }
    return includeGone ? all : all.filter((i) => !isGone(i));
  });
}

export function isGone(instance: Instance): boolean {
  return GONE_STATES.includes(instance.State?.Name ?? '');
}

export function describeImage(env: AwsEnvironment, imageId: string): Promise<Image | undefined> {
  return describeOrUndefined(env, `DescribeImages ${imageId}`, async () => {
    const out = await env.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
    return out.Images?.find((i) => i.State !== 'deregistered');
  });
}

/** The account's own AMIs matching the filters (shared images of other accounts excluded). */
export function findOwnImages(env: AwsEnvironment, filters: Filter[]): Promise<Image[]> {
  return call(env, 'DescribeImages', async () => {
    const out = await env.ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: filters }));
    return (out.Images ?? []).filter((i) => i.State !== 'deregistered');
  });
}

export async function findOwnImageByName(env: AwsEnvironment, name: string): Promise<Image | undefined> {
  return (await findOwnImages(env, [{ Name: 'name', Values: [name] }]))[0];
}

/** Waits until the AMI is available; a failed AMI (the plan's own) is removed so the retry makes it again. */
export function waitImageAvailable(
  env: AwsEnvironment,
  imageId: string,
  operation: Operation,
): Promise<Image> {
  return waitFor(`AMI ${imageId} in ${env.access.region}`, operation, async () => {
    const image = await describeImage(env, imageId);
    if (image?.State === 'failed' || image?.State === 'error' || image?.State === 'invalid') {
      // Only ever called on an AMI the caller checked to be the run's (adopted or just made).
      await removeImage(env, image);
      const reason = image.StateReason?.Message ?? '';
      // A key the role may not use fails the copy every time: a person fixes the key policy or grant.
      if (/key/i.test(reason) && /not accessible|kms/i.test(reason))
        throw needsPersonFailure(
          'KmsKeyProblem',
          `AMI ${imageId} ended ${image.State} in ${env.access.region}: ${reason} (removed it; the retry copies again)`,
        );
      throw ApplicationFailure.retryable(
        `AMI ${imageId} ended ${image.State} in ${env.access.region} (${image.StateReason?.Message ?? 'no reason given'}): removed it, the retry makes it again`,
        'AwsServerError',
      );
    }
    return { done: image?.State === 'available', value: image, state: image?.State ?? 'absent' };
  });
}

/**
 * An instance that went from pending to terminated (a launch) or back to stopped (a start) with
 * Client.InternalError could not use its volumes' KMS keys as the role (EC2 User Guide, troubleshooting
 * "instance terminates immediately"): waiting longer changes nothing.
 */
function launchFailure(
  env: AwsEnvironment,
  instanceId: string,
  instance: Instance | undefined,
  current: string,
) {
  const reason = instance?.StateReason;
  const launchError = reason?.Code === 'Client.InternalError';
  if (GONE_STATES.includes(current) || (current === 'stopped' && launchError)) {
    const why = reason?.Message ?? instance?.StateTransitionReason ?? 'no reason given';
    throw needsPersonFailure(
      launchError ? 'KmsKeyProblem' : 'InvalidParameter',
      `instance ${instanceId} in ${env.access.region} did not start: it is ${current} (${why})` +
        (launchError
          ? ': the role may not use a KMS key of its volumes (kms:CreateGrant, kms:Decrypt through EC2)'
          : ''),
    );
  }
}

export function waitInstanceState(
  env: AwsEnvironment,
  instanceId: string,
  state: 'running' | 'stopped' | 'terminated',
  operation: Operation,
): Promise<Instance | undefined> {
  return waitFor(`instance ${instanceId} ${state} in ${env.access.region}`, operation, async () => {
    const instance = await describeInstance(env, instanceId);
    const current = instance?.State?.Name ?? 'terminated';
    if (state === 'running') launchFailure(env, instanceId, instance, current);
    return { done: current === state, value: instance, state: current };
  });
}

/**
 * An AMI of `instanceId` named `name` (unique per account and region), tagged with `tags` (and its
 * snapshots too): adopted when an earlier attempt made it, created otherwise, then awaited.
 */
export async function ensureImage(
  ctx: KindContext,
  env: AwsEnvironment,
  input: { name: string; instanceId: string; tags: Tag[]; noReboot: boolean; phase?: string },
): Promise<Image> {
  const what = `AMI ${input.name} in ${env.access.accountId}/${env.access.region}`;
  const existing = await findOwnImageByName(env, input.name);
  if (existing) adoptOrConflict(existing.Tags, ctx, what, input.phase);
  let imageId = existing?.ImageId;
  if (!imageId) {
    try {
      const out = await env.ec2.send(
        new CreateImageCommand({
          InstanceId: input.instanceId,
          Name: input.name,
          Description: `failback plan ${ctx.plan.planId}: ${ctx.resource.key}`,
          NoReboot: input.noReboot,
          TagSpecifications: [
            { ResourceType: 'image', Tags: input.tags },
            { ResourceType: 'snapshot', Tags: input.tags },
          ],
        }),
      );
      imageId = out.ImageId;
    } catch (error) {
      // Someone (an earlier attempt whose answer was lost, or not) holds the name.
      if (awsErrorCode(error) !== 'InvalidAMIName.Duplicate') {
        return call(env, `CreateImage ${input.name} of ${input.instanceId}`, () => Promise.reject(error));
      }
      // The holder may not be listed yet (EC2's eventual consistency): a conflict only once it is.
      const holder = await onceVisible(what, () => findOwnImageByName(env, input.name));
      adoptOrConflict(holder?.Tags, ctx, what, input.phase);
      imageId = holder?.ImageId;
    }
  }
  return waitImageAvailable(env, imageId ?? '', 'ec2:create-image');
}

export async function createTags(env: AwsEnvironment, resourceId: string, tags: Tag[]): Promise<void> {
  await call(env, `CreateTags ${resourceId}`, () =>
    env.ec2.send(new CreateTagsCommand({ Resources: [resourceId], Tags: tags })),
  );
}

export async function deleteTags(env: AwsEnvironment, resourceId: string, keys: string[]): Promise<void> {
  await call(env, `DeleteTags ${resourceId}`, () =>
    env.ec2.send(new DeleteTagsCommand({ Resources: [resourceId], Tags: keys.map((Key) => ({ Key })) })),
  );
}

/** Stops an instance (if not stopped already) and waits until it is stopped. */
export async function stopInstance(env: AwsEnvironment, instanceId: string): Promise<void> {
  const instance = await describeInstance(env, instanceId);
  const state = instance?.State?.Name;
  if (state === 'pending' || state === 'running') {
    await call(env, `StopInstances ${instanceId}`, () =>
      env.ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] })),
    );
  }
  await waitInstanceState(env, instanceId, 'stopped', 'ec2:stop-instances');
}

/** Starts a stopped instance (waiting for a stopping one first) and waits until it runs. */
export async function startInstance(env: AwsEnvironment, instanceId: string): Promise<void> {
  let state = (await describeInstance(env, instanceId))?.State?.Name;
  if (state === 'stopping') {
    await waitInstanceState(env, instanceId, 'stopped', 'ec2:stop-instances');
    state = 'stopped';
  }
  if (state === 'stopped') {
    await call(env, `StartInstances ${instanceId}`, () =>
      env.ec2.send(new StartInstancesCommand({ InstanceIds: [instanceId] })),
    );
  }
  await waitInstanceState(env, instanceId, 'running', 'ec2:run-instances');
}

/** Terminates an instance the plan may remove and waits until it is terminated. */
export async function terminateInstance(env: AwsEnvironment, instanceId: string): Promise<void> {
  const instance = await describeInstance(env, instanceId);
  if (instance && !GONE_STATES.includes(instance.State?.Name ?? '')) {
    await call(env, `TerminateInstances ${instanceId}`, () =>
      env.ec2.send(new TerminateInstancesCommand({ InstanceIds: [instanceId] })),
    );
  }
  await waitInstanceState(env, instanceId, 'terminated', 'ec2:terminate-instances');
}
