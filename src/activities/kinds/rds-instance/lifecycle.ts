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
import { concludeWithFinalDbSnapshot, keptDbSnapshot, removeDbSnapshots } from '../shared/db-snapshots.js';
import { check } from '../shared/checks.js';
import { applyDeferredSettings } from '../shared/db-deferred.js';
import { snapshotChainChecks } from '../shared/db-verify.js';
import {
  assertCreatedDuringRun,
  isOurs,
  OWNERSHIP_TAG_KEYS,
  provenanceTags,
  QUIESCE_MARK_KEYS,
  quiescedByUs,
  restoredByUs,
  RETIREMENT_TAG_KEYS,
  TAG_KEEP,
} from '../shared/markers.js';
import { keptBackupName, restoredName } from '../shared/names.js';
import {
  dbId,
  deleteDbInstance,
  describeDbInstance,
  listDbInstances,
  removeRdsTags,
  renameDbInstance,
  retagRds,
} from '../shared/rds.js';
import { findRetiredInstance } from './restore.js';
import { dbSnapshotApi } from './snapshot-api.js';

export async function verifyDbInstance(
  ctx: KindContext,
  restore: RestoreResult,
  recoveryPoint: RecoveryPoint,
  quiescedAt?: string,
): Promise<Verification> {
  const db = await describeDbInstance(ctx.primary, restore.restored.id);
  const checks = [
    check('instance-available', 'available', db?.DBInstanceStatus),
    check('instance-created-by-plan', 'true', String(isOurs(db?.TagList, ctx))),
    ...(await snapshotChainChecks(ctx, dbSnapshotApi, db?.TagList, recoveryPoint, quiescedAt)),
  ];
  if (recoveryPoint.details?.engine !== undefined) {
    checks.push(check('engine', String(recoveryPoint.details.engine), db?.Engine));
  }
  return { ok: checks.every((c) => c.ok), checks, at: new Date().toISOString() };
}

/**
 * The instance this phase restored in primary for this resource: under the name the restore gives
 * it and with the run's tags, checked to have been created during the run. Both, because tags are
 * copied: a clone an operator restores from the copy's snapshots carries the run's tags and is not
 * the plan's to delete; an instance that served before the run is never removed.
 */
async function restoredInstances(ctx: KindContext): Promise<string[]> {
  const name = dbId(restoredName(ctx));
  const ours = (await listDbInstances(ctx.primary)).filter(
    (db) => db.DBInstanceIdentifier === name && isOurs(db.TagList, ctx),
  );
  for (const db of ours)
    assertCreatedDuringRun(ctx, `DB instance ${db.DBInstanceIdentifier}`, db.InstanceCreateTime);
  return ours.map((db) => db.DBInstanceIdentifier ?? '').filter(Boolean);
}

/** Test copies were made by the plan and hold only test data: deleted without a final snapshot. */
export async function removeDbTestCopy(ctx: KindContext): Promise<CleanupReport> {
  const removed: string[] = [];
  for (const id of await restoredInstances(ctx)) {
    await deleteDbInstance(ctx.primary, id, 'rds:delete-instance');
    removed.push(id);
  }
  const snapshots = await removeDbSnapshots(ctx, dbSnapshotApi);
  return { removed: [...removed, ...snapshots.removed], kept: snapshots.kept };
}

/**
 * After the plan succeeded: the failback's snapshots go, and the new production instance trades its
 * ownership tags for provenance (decision 0035).
 */
export async function cleanupDbIntermediates(ctx: KindContext): Promise<CleanupReport> {
  const report = await removeDbSnapshots(ctx, dbSnapshotApi);
  const restored = (await listDbInstances(ctx.primary)).filter(
    (db) => !db.DBClusterIdentifier && (isOurs(db.TagList, ctx) || restoredByUs(db.TagList, ctx)),
  );
  for (const db of restored) {
    const id = db.DBInstanceIdentifier ?? '';
    const target = {
      kind: 'instance' as const,
      id,
      tags: db.TagList,
      deletionProtection: db.DeletionProtection,
    };
    for (const done of await applyDeferredSettings(ctx.primary, target)) report.kept.push(done);
    const owned = OWNERSHIP_TAG_KEYS.filter((k) => db.TagList?.some((t) => t.Key === k));
    await retagRds(ctx.primary, db.DBInstanceArn ?? '', provenanceTags(ctx), owned);
    report.kept.push(`${db.DBInstanceIdentifier} (production: plan tags replaced by provenance)`);
  }
  return report;
}

/** The live copy in recovery goes only after a final snapshot of it (kept); see concludeWithFinalDbSnapshot. */
export function concludeDbInstance(ctx: KindContext): Promise<ConcludeResult> {
  return concludeWithFinalDbSnapshot(
    ctx,
    dbSnapshotApi,
    { noun: 'DB instance', exists: async (env, id) => (await describeDbInstance(env, id)) !== undefined },
    async (env, id) => {
      await deleteDbInstance(env, id, 'rds:delete-instance', { keepAutomatedBackups: true });
      return [id];
    },
  );
}

/**
 * Undoes the phase in primary, from any point of the pipeline and as often as needed: the restored
 * copy goes (after a kept snapshot when it served traffic), the retired instance gets its name and
 * tags back, and the phase's intermediate snapshots go. RDS sources are never stopped (see quiesce).
 */
export async function compensateDbInstance(
  ctx: KindContext,
  input: CompensationInput,
): Promise<CleanupReport> {
  const env = ctx.primary;
  const removed: string[] = [];
  const kept: string[] = [];
  for (const id of await restoredInstances(ctx)) {
    if (input.trafficServed) {
      const backup = await keptDbSnapshot(ctx, env, dbSnapshotApi, {
        id: keptBackupName(ctx, dbSnapshotApi.maxId),
        dbId: id,
        tags: ctx.tags({ [TAG_KEEP]: 'true' }),
        phase: ctx.input.phase,
      });
      kept.push(backup.arn);
    }
    await deleteDbInstance(env, id, 'rds:delete-instance');
    removed.push(id);
  }
  const retired = await findRetiredInstance(ctx);
  if (retired?.DBInstanceIdentifier) {
    const target = dbId(ctx.resource.target);
    const holder = await describeDbInstance(env, target);
    if (holder && holder.DBInstanceArn !== retired.DBInstanceArn) {
      throw needsPersonFailure(
        'NameConflict',
        `cannot give ${retired.DBInstanceIdentifier} its name ${target} back: ${target} exists and was not made by this phase`,
      );
    }
    const restored = await renameDbInstance(env, retired.DBInstanceIdentifier, target);
    await removeRdsTags(env, restored.DBInstanceArn ?? retired.DBInstanceArn ?? '', RETIREMENT_TAG_KEYS);
    kept.push(target);
  }
  const source = await describeDbInstance(ctx.recovery, ctx.resource.source);
  if (source?.DBInstanceArn && quiescedByUs(source.TagList, ctx))
    await removeRdsTags(ctx.recovery, source.DBInstanceArn, QUIESCE_MARK_KEYS);
  const snapshots = await removeDbSnapshots(ctx, dbSnapshotApi);
  return { removed: [...removed, ...snapshots.removed], kept: [...kept, ...snapshots.kept] };
}
