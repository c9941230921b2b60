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
  assertCreatedDuringRun,
  isOurs,
  phaseTags,
  QUIESCE_TAG_KEYS,
  quiescedByUs,
  RETIREMENT_TAG_KEYS,
  retiredByUs,
  TAG_COPIED_FROM,
  TAG_KEEP,
  TAG_RESTORED_BY,
  TAG_RETIRED_BY,
  TAG_WAS_RUNNING,
  tagValue,
} from '../shared/markers.js';
import {
  CONCLUDE_PHASE,
  finalBackupName,
  keptBackupName,
  primaryCopyName,
  recoveryPointName,
} from '../shared/names.js';
import {
  deleteTags,
  describeImage,
  describeInstance,
  ensureImage,
  findInstances,
  findOurInstances,
  findOwnImageByName,
  imageArn,
  startInstance,
  terminateInstance,
} from './ec2.js';
import { removeRunImage } from './images.js';
import { handedOver, handOverInstance, rememberVolumes, removeLeftVolumes } from './volumes.js';

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

/** The phase's two AMIs, by the names the run gave them: the recovery point and its copy (item 9). */
async function removePhaseImages(ctx: KindContext): Promise<CleanupReport> {
  const recovery = await removeRunImage(ctx, ctx.recovery, recoveryPointName(ctx, AMI_NAME_MAX));
  const primary = await removeRunImage(ctx, ctx.primary, primaryCopyName(ctx, AMI_NAME_MAX));
  return { removed: [...recovery.removed, ...primary.removed], kept: [...recovery.kept, ...primary.kept] };
}

/**
 * The instances this phase launched in primary for this resource (the run's tags), each checked to
 * have been launched during the run; their volumes are noted before anything terminates them.
 */
async function launched(ctx: KindContext): Promise<string[]> {
  const instances = await findOurInstances(ctx);
  for (const i of instances) assertCreatedDuringRun(ctx, `instance ${i.InstanceId}`, i.LaunchTime);
  for (const i of instances) await rememberVolumes(ctx, i);
  return instances.map((i) => i.InstanceId ?? '').filter(Boolean);
}

/**
 * Test copies hold test data only: terminated, then the volumes that outlive them
 * (DeleteOnTermination false), then the test phase's AMIs and snapshots.
 */
export async function removeInstanceTestCopy(ctx: KindContext): Promise<CleanupReport> {
  const removed: string[] = [];
  for (const id of await launched(ctx)) {
    await terminateInstance(ctx.primary, id);
    removed.push(id);
  }
  removed.push(...(await removeLeftVolumes(ctx)));
  const images = await removePhaseImages(ctx);
  return { removed: [...removed, ...images.removed], kept: images.kept };
}

/**
 * After the plan succeeded: the failback's AMIs go, and the new production instance (with its
 * volumes) trades its ownership tags for provenance (decision 0035).
 */
export async function cleanupInstanceIntermediates(ctx: KindContext): Promise<CleanupReport> {
  const images = await removePhaseImages(ctx);
  const kept = [...images.kept];
  const restored = [
    ...(await findOurInstances(ctx, 'failback')),
    ...(
      await findInstances(ctx.primary, [{ Name: `tag:${TAG_RESTORED_BY}`, Values: [ctx.plan.planId] }])
    ).filter((i) => handedOver(ctx, i)),
  ];
  for (const instance of restored) {
    const ids = await handOverInstance(ctx, instance);
    kept.push(
      `${instance.InstanceId} (production: its and its volumes' plan tags replaced by provenance: ${ids.length})`,
    );
  }
  return { removed: images.removed, kept };
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
  removed.push(...(await removeLeftVolumes(ctx)));
  const retired = (
    await findInstances(ctx.primary, [
      { Name: 'tag:Name', Values: [ctx.resource.target] },
      { Name: `tag:${TAG_RETIRED_BY}`, Values: [ctx.plan.planId] },
    ])
  ).filter((i) => retiredByUs(i.Tags, ctx));
  for (const old of retired) {
    const id = old.InstanceId ?? '';
    if (tagValue(old.Tags, TAG_WAS_RUNNING) === 'true') await startInstance(ctx.primary, id);
    await deleteTags(ctx.primary, id, RETIREMENT_TAG_KEYS);
    kept.push(id);
  }
  const source = await describeInstance(ctx.recovery, ctx.resource.source);
  if (source?.InstanceId && quiescedByUs(source.Tags, ctx)) {
    if (tagValue(source.Tags, TAG_WAS_RUNNING) === 'true' || input.quiescedSource) {
      await startInstance(ctx.recovery, source.InstanceId);
    }
    await deleteTags(ctx.recovery, source.InstanceId, QUIESCE_TAG_KEYS);
  }
  const images = await removePhaseImages(ctx);
  return { removed: [...removed, ...images.removed], kept: [...kept, ...images.kept] };
}
