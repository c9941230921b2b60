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
  describeInstance,
  ensureImage,
  findOwnImageByName,
  imageArn,
  snapshotIdsOf,
  stopInstance,
  waitImageAvailable,
} from './ec2.js';

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

/**
 * CopyImage in primary's region, from primary's account, re-encrypted with primary's key when one is
 * given. The ClientToken makes a repeated call return the first copy; the name finds it as well.
 */
export async function copyImage(ctx: KindContext, recoveryPoint: RecoveryPoint): Promise<PrimaryCopy> {
  const env = ctx.primary;
  const name = primaryCopyName(ctx, AMI_NAME_MAX);
  const what = `AMI ${name} in primary`;
  const existing = await findOwnImageByName(env, name);
  if (existing) adoptOrConflict(existing.Tags, ctx, what);
  let imageId = existing?.ImageId;
  if (!imageId) {
    const kmsKeyId = ctx.plan.primary.kmsKeyId;
    const tags = ctx.tags({ [TAG_COPIED_FROM]: recoveryPoint.id });
    try {
      const out = await env.ec2.send(
        new CopyImageCommand({
          SourceImageId: recoveryPoint.id,
          SourceRegion: ctx.plan.recovery.region,
          Name: name,
          Description: `failback plan ${ctx.plan.planId}: copy of ${recoveryPoint.id}`,
          ClientToken: runToken(ctx, 'copy'),
          ...(kmsKeyId ? { Encrypted: true, KmsKeyId: kmsKeyId } : {}),
          CopyImageTags: false,
          TagSpecifications: [
            { ResourceType: 'image', Tags: tags },
            { ResourceType: 'snapshot', Tags: tags },
          ],
        }),
      );
      imageId = out.ImageId;
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
      const holder = await findOwnImageByName(env, name);
      adoptOrConflict(holder?.Tags, ctx, what);
      imageId = holder?.ImageId;
    }
  }
  const image = await waitImageAvailable(env, imageId ?? '', 'ec2:copy-image');
  return {
    id: image.ImageId ?? '',
    arn: imageArn(env.access.region, image.ImageId ?? ''),
    region: env.access.region,
    details: { name, sourceImageId: recoveryPoint.id, snapshots: snapshotIdsOf(image).join(',') },
  };
}
