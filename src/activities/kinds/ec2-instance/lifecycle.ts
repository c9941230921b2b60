import type {
  CleanupReport,
  CompensationInput,
  ConcludeResult,
  RecoveryPoint,
  RestoreResult,
  Verification,
} from '../../../domain/resources.js';
import { needsPersonFailure } from '../../aws/errors.js';
import type { KindContext } from '../resource-kind.js';
import { check, notBefore } from '../shared/checks.js';
import {
  isOurs,
  phaseTags,
  QUIESCE_TAG_KEYS,
  RETIREMENT_TAG_KEYS,
  TAG_COPIED_FROM,
  TAG_KEEP,
  TAG_QUIESCED_BY,
  TAG_RETIRED_BY,
  TAG_WAS_RUNNING,
  tagValue,
} from '../shared/markers.js';
import { CONCLUDE_PHASE, finalBackupName, keptBackupName, primaryCopyName } from '../shared/names.js';
import {
  deleteTags,
  describeImage,
  describeInstance,
  ensureImage,
  findInstances,
  findOwnImageByName,
  imageArn,
  planFilters,
  removePlanImages,
  startInstance,
  terminateInstance,
} from './ec2.js';

const AMI_NAME_MAX = 128;

/** The instance runs from the plan's copy of the AMI, the copy came from the recovery point, taken after quiesce. */
export async function verifyInstance(
  ctx: KindContext,
  restore: RestoreResult,
  recoveryPoint: RecoveryPoint,
  quiescedAt?: string,
): Promise<Verification> {
  const instance = await describeInstance(ctx.primary, restore.restored.id);
  const copy = await findOwnImageByName(ctx.primary, primaryCopyName(ctx, AMI_NAME_MAX));
  const checks = [
    check('instance-running', 'running', instance?.State?.Name),
    check('instance-name', restore.restored.name, tagValue(instance?.Tags, 'Name')),
    check('instance-created-by-plan', 'true', String(isOurs(instance?.Tags, ctx))),
    check('instance-from-copied-ami', copy?.ImageId ?? 'the plan copy in primary', instance?.ImageId),
    // AWS names the source of a copied AMI where it reports it; otherwise the plan's own tag.
    check(
      'ami-copied-from-recovery-point',
      recoveryPoint.id,
      copy?.SourceImageId ?? tagValue(copy?.Tags, TAG_COPIED_FROM),
    ),
  ];
  if (quiescedAt) {
    const original = await describeImage(ctx.recovery, recoveryPoint.id);
    const created = original?.CreationDate ? new Date(original.CreationDate) : undefined;
    checks.push(notBefore('recovery-point-after-quiesce', created, quiescedAt));
  }
  return { ok: checks.every((c) => c.ok), checks, at: new Date().toISOString() };
}

async function removePhaseImages(ctx: KindContext): Promise<CleanupReport> {
  const recovery = await removePlanImages(ctx, ctx.recovery);
  const primary = await removePlanImages(ctx, ctx.primary);
  return { removed: [...recovery.removed, ...primary.removed], kept: [...recovery.kept, ...primary.kept] };
}

/** The instances this phase launched in primary for this resource (found by the plan's tags). */
async function launched(ctx: KindContext): Promise<string[]> {
  return (await findInstances(ctx.primary, planFilters(ctx))).map((i) => i.InstanceId ?? '').filter(Boolean);
}

/** Test copies hold test data only: terminated, then every AMI and snapshot of the test phase goes. */
export async function removeInstanceTestCopy(ctx: KindContext): Promise<CleanupReport> {
  const removed: string[] = [];
  for (const id of await launched(ctx)) {
    await terminateInstance(ctx.primary, id);
    removed.push(id);
  }
  const images = await removePhaseImages(ctx);
  return { removed: [...removed, ...images.removed], kept: images.kept };
}

export function cleanupInstanceIntermediates(ctx: KindContext): Promise<CleanupReport> {
  return removePhaseImages(ctx);
}

/** A final AMI of the live copy in recovery (kept), then the instance is terminated. */
export async function concludeInstance(ctx: KindContext): Promise<ConcludeResult> {
  const env = ctx.recovery;
  const source = ctx.resource.source;
  const name = finalBackupName(ctx, AMI_NAME_MAX);
  const live = await describeInstance(env, source);
  if (!live || ['shutting-down', 'terminated'].includes(live.State?.Name ?? '')) {
    const final = await findOwnImageByName(env, name);
    if (final?.State === 'available' && isOurs(final.Tags, ctx, CONCLUDE_PHASE)) {
      await terminateInstance(env, source);
      return {
        finalBackup: {
          id: final.ImageId ?? '',
          arn: imageArn(env.access.region, final.ImageId ?? ''),
          capturedAt: final.CreationDate ?? '',
        },
        removed: [],
      };
    }
    throw needsPersonFailure(
      'NotFound',
      `instance ${source} is gone from recovery and no final AMI ${name} exists: check what removed it`,
    );
  }
  const final = await ensureImage(ctx, env, {
    name,
    instanceId: source,
    tags: phaseTags(ctx, CONCLUDE_PHASE, { [TAG_KEEP]: 'true' }),
    // It is about to be terminated: a reboot costs nothing and makes the file systems consistent.
    noReboot: false,
    phase: CONCLUDE_PHASE,
  });
  await terminateInstance(env, source);
  return {
    finalBackup: {
      id: final.ImageId ?? '',
      arn: imageArn(env.access.region, final.ImageId ?? ''),
      capturedAt: final.CreationDate ?? new Date().toISOString(),
    },
    removed: [source],
  };
}

/**
 * Undoes the phase from any point, as often as needed: the launched copy goes (after a kept AMI when
 * it served traffic), the retired old primary runs again if it ran before and loses its retirement
 * tags, the source the failback stopped runs again, and the phase's AMIs and snapshots go.
 */
export async function compensateInstance(ctx: KindContext, input: CompensationInput): Promise<CleanupReport> {
  const removed: string[] = [];
  const kept: string[] = [];
  for (const id of await launched(ctx)) {
    if (input.trafficServed) {
      const backup = await ensureImage(ctx, ctx.primary, {
        name: keptBackupName(ctx, AMI_NAME_MAX),
        instanceId: id,
        tags: ctx.tags({ [TAG_KEEP]: 'true' }),
        noReboot: false,
      });
      kept.push(backup.ImageId ?? '');
    }
    await terminateInstance(ctx.primary, id);
    removed.push(id);
  }
  const retired = await findInstances(ctx.primary, [
    { Name: 'tag:Name', Values: [ctx.resource.target] },
    { Name: `tag:${TAG_RETIRED_BY}`, Values: [ctx.plan.planId] },
  ]);
  for (const old of retired) {
    const id = old.InstanceId ?? '';
    if (tagValue(old.Tags, TAG_WAS_RUNNING) === 'true') await startInstance(ctx.primary, id);
    await deleteTags(ctx.primary, id, RETIREMENT_TAG_KEYS);
    kept.push(id);
  }
  const source = await describeInstance(ctx.recovery, ctx.resource.source);
  if (source?.InstanceId && tagValue(source.Tags, TAG_QUIESCED_BY) === ctx.plan.planId) {
    if (tagValue(source.Tags, TAG_WAS_RUNNING) === 'true' || input.quiescedSource) {
      await startInstance(ctx.recovery, source.InstanceId);
    }
    await deleteTags(ctx.recovery, source.InstanceId, QUIESCE_TAG_KEYS);
  }
  const images = await removePhaseImages(ctx);
  return { removed: [...removed, ...images.removed], kept: [...kept, ...images.kept] };
}
