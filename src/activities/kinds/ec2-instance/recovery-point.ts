import {
  CopyImageCommand,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
} from '@aws-sdk/client-ec2';
import type { PrimaryCopy, QuiesceResult, RecoveryPoint } from '../../../domain/resources.js';
import { awsErrorCode, needsPersonFailure } from '../../aws/errors.js';
import type { KindContext } from '../resource-kind.js';
import { call } from '../shared/calls.js';
import {
  adoptOrConflict,
  quiescedByUs,
  quiesceTags,
  TAG_COPIED_FROM,
  TAG_QUIESCED_AT,
  TAG_WAS_RUNNING,
  tagValue,
} from '../shared/markers.js';
import { primaryCopyName, recoveryPointName, runToken } from '../shared/names.js';
import {
  createTags,
  describeImage,
  describeInstance,
  ensureImage,
  findOwnImageByName,
  imageArn,
  snapshotIdsOf,
  stopInstance,
  waitImageAvailable,
} from './ec2.js';
import { deregisteredByRun } from './images.js';
import { onceVisible } from './visibility.js';

/** AMI names: up to 128 characters. */
const AMI_NAME_MAX = 128;

async function sourceInstance(ctx: KindContext) {
  const instance = await describeInstance(ctx.recovery, ctx.resource.source);
  if (!instance || instance.State?.Name === 'terminated') {
    throw needsPersonFailure('NotFound', `instance ${ctx.resource.source} does not exist in recovery`);
  }
  return instance;
}

/**
 * Stops the source instance so the recovery point holds everything it wrote. The tags record, before
 * the stop, that this plan stopped it and whether it was running (compensation starts it again only
 * then); after the stop, when writes ended. A retry reads both back instead of guessing.
 */
export async function quiesceInstance(ctx: KindContext): Promise<QuiesceResult> {
  const env = ctx.recovery;
  const instance = await sourceInstance(ctx);
  const id = ctx.resource.source;
  const ours = quiescedByUs(instance.Tags, ctx);
  const state = instance.State?.Name ?? '';
  const wasRunning = ours
    ? tagValue(instance.Tags, TAG_WAS_RUNNING) === 'true'
    : ['pending', 'running'].includes(state);
  if (!ours) {
    await createTags(env, id, quiesceTags(ctx, { [TAG_WAS_RUNNING]: String(wasRunning) }));
  }
  await stopInstance(env, id);
  let quiescedAt = ours ? tagValue(instance.Tags, TAG_QUIESCED_AT) : undefined;
  if (!quiescedAt) {
    quiescedAt = new Date().toISOString();
    await createTags(env, id, [{ Key: TAG_QUIESCED_AT, Value: quiescedAt }]);
  }
  return { quiescedAt, stopped: wasRunning };
}

/**
 * An AMI of the source in recovery (with its EBS snapshots), shared with primary's account when that
 * is another account: launch permission on the AMI, create-volume permission on each snapshot.
 */
export async function takeImage(ctx: KindContext): Promise<RecoveryPoint> {
  const env = ctx.recovery;
  const instance = await sourceInstance(ctx);
  const image = await ensureImage(ctx, env, {
    name: recoveryPointName(ctx, AMI_NAME_MAX),
    instanceId: instance.InstanceId ?? ctx.resource.source,
    tags: ctx.tags(),
    // The failback stopped the instance (quiesce); the test failback must not disturb the live copy.
    noReboot: ctx.input.phase === 'test-failback',
  });
  const imageId = image.ImageId ?? '';
  const primaryAccount = ctx.plan.primary.accountId;
  if (ctx.crossAccount) {
    await call(env, `ModifyImageAttribute ${imageId} launch +${primaryAccount}`, () =>
      env.ec2.send(
        new ModifyImageAttributeCommand({
          ImageId: imageId,
          LaunchPermission: { Add: [{ UserId: primaryAccount }] },
        }),
      ),
    );
    for (const snapshotId of snapshotIdsOf(image)) {
      await call(env, `ModifySnapshotAttribute ${snapshotId} createVolumePermission +${primaryAccount}`, () =>
        env.ec2.send(
          new ModifySnapshotAttributeCommand({
            SnapshotId: snapshotId,
            Attribute: 'createVolumePermission',
            CreateVolumePermission: { Add: [{ UserId: primaryAccount }] },
          }),
        ),
      );
    }
  }
  return {
    id: imageId,
    arn: imageArn(env.access.region, imageId),
    capturedAt: image.CreationDate ?? new Date().toISOString(),
    ...(ctx.crossAccount ? { sharedWith: primaryAccount } : {}),
    details: { name: image.Name ?? '', snapshots: snapshotIdsOf(image).join(',') },
  };
}

/** Copies a token may start before one gives up: each copy that failed (and was removed) uses one. */
const COPY_GENERATIONS = 10;

/**
 * CopyImage in primary's region, from primary's account, re-encrypted with primary's key when one is
 * given. The ClientToken makes a repeated call return the first copy; the name finds it as well. A
 * copy that ended failed was removed (waitImageAvailable), but its token answers that AMI's id for a
 * day: the next generation's token copies anew (decision 0039), so the retry does not wait for an AMI
 * that no longer exists. But an id CopyImage answered may not be visible to DescribeImages yet (EC2's
 * eventual consistency): the generation moves on only when the run deregistered that AMI itself, or
 * when it stays invisible for the grace AWS documents — never at its first NotFound, which would
 * start a second copy beside the first.
 */
export async function copyImage(ctx: KindContext, recoveryPoint: RecoveryPoint): Promise<PrimaryCopy> {
  const env = ctx.primary;
  const name = primaryCopyName(ctx, AMI_NAME_MAX);
  const what = `AMI ${name} in primary`;
  const existing = await findOwnImageByName(env, name);
  if (existing) adoptOrConflict(existing.Tags, ctx, what);
  let imageId = existing?.ImageId;
  for (let generation = 0; !imageId && generation < COPY_GENERATIONS; generation++) {
    const answered = await startCopy(
      ctx,
      recoveryPoint,
      name,
      generation === 0 ? 'copy' : `copy${generation}`,
    );
    if (!answered || deregisteredByRun(env, answered)) continue;
    if (await onceVisible(`AMI ${answered} in ${env.access.region}`, () => describeImage(env, answered))) {
      imageId = answered;
    }
  }
  if (!imageId) {
    throw needsPersonFailure(
      'WaitFailed',
      `${COPY_GENERATIONS} copies of ${recoveryPoint.id} into ${env.access.region} ended failed: look at their state reasons`,
    );
  }
  const image = await waitImageAvailable(env, imageId ?? '', 'ec2:copy-image');
  return {
    id: image.ImageId ?? '',
    arn: imageArn(env.access.region, image.ImageId ?? ''),
    region: env.access.region,
    details: { name, sourceImageId: recoveryPoint.id, snapshots: snapshotIdsOf(image).join(',') },
  };
}

/** Starts the copy under `step`'s token; the id AWS answers (or the name's holder, when ours). */
async function startCopy(
  ctx: KindContext,
  recoveryPoint: RecoveryPoint,
  name: string,
  step: string,
): Promise<string | undefined> {
  const env = ctx.primary;
  const kmsKeyId = ctx.plan.primary.kmsKeyId;
  const tags = ctx.tags({ [TAG_COPIED_FROM]: recoveryPoint.id });
  try {
    const out = await env.ec2.send(
      new CopyImageCommand({
        SourceImageId: recoveryPoint.id,
        SourceRegion: ctx.plan.recovery.region,
        Name: name,
        Description: `failback plan ${ctx.plan.planId}: copy of ${recoveryPoint.id}`,
        ClientToken: runToken(ctx, step),
        ...(kmsKeyId ? { Encrypted: true, KmsKeyId: kmsKeyId } : {}),
        CopyImageTags: false,
        TagSpecifications: [
          { ResourceType: 'image', Tags: tags },
          { ResourceType: 'snapshot', Tags: tags },
        ],
      }),
    );
    return out.ImageId;
  } catch (error) {
    if (awsErrorCode(error) !== 'InvalidAMIName.Duplicate') {
      return call(
        env,
        `CopyImage ${recoveryPoint.id} into ${env.access.region}`,
        () => Promise.reject(error),
        {
          copy: true,
        },
      );
    }
    // The name's holder may not be listed yet (eventual consistency): a conflict only once it is.
    const holder = await onceVisible(`AMI named ${name}`, () => findOwnImageByName(env, name));
    adoptOrConflict(holder?.Tags, ctx, `AMI ${name} in primary`);
    return holder?.ImageId;
  }
}
