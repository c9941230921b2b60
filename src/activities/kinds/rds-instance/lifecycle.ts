import type { DBInstance } from '@aws-sdk/client-rds';
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
import { concludeWithFinalDbSnapshot, removeDbSnapshots } from '../shared/db-snapshots.js';
import { removeRestoredDbCopies, unmarkDbSource } from '../shared/db-compensate.js';
import { applyDeferredSettings, handOverKeys, keepLeftOff } from '../shared/db-deferred.js';
import { grantedMonitoring } from '../shared/db-monitoring.js';
import { dbCopyChecks, engineCheck, restoredCopies, type DbCopy } from '../shared/db-verify.js';
import { isOurs, provenanceTags, restoredByUs, RETIREMENT_TAG_KEYS } from '../shared/markers.js';
import {
  dbId,
  deleteDbInstance,
  describeDbInstance,
  listDbInstances,
  removeRdsTags,
  renameDbInstance,
  retagRds,
} from '../shared/rds.js';
import { findRetiredInstance } from '../shared/old-primary.js';
import { dbSnapshotApi } from './snapshot-api.js';

const asCopy = (db: DBInstance | undefined): DbCopy | undefined =>
  db && {
    id: db.DBInstanceIdentifier,
    status: db.DBInstanceStatus,
    tags: db.TagList,
    engine: db.Engine,
    createdAt: db.InstanceCreateTime,
  };

export async function verifyDbInstance(
  ctx: KindContext,
  restore: RestoreResult,
  recoveryPoint: RecoveryPoint,
  quiescedAt?: string,
): Promise<Verification> {
  const db = asCopy(await describeDbInstance(ctx.primary, restore.restored.id));
  const checks = [
    ...(await dbCopyChecks(ctx, dbSnapshotApi, 'instance', db, recoveryPoint, quiescedAt)),
    ...engineCheck(recoveryPoint, db),
  ];
  return { ok: checks.every((c) => c.ok), checks, at: new Date().toISOString() };
}

/** The instance this phase restored for this resource (restoredCopies: by name and the run's tags). */
async function restoredInstances(ctx: KindContext): Promise<string[]> {
  const all = (await listDbInstances(ctx.primary)).map(asCopy).filter((c): c is DbCopy => !!c);
  return restoredCopies(ctx, 'DB instance', all);
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
  // The failback's copy holds the target's name: a clone restored from one of its snapshots may carry
  // its tags (CopyTagsToSnapshot), and is not ours to configure or hand over.
  const copyId = dbId(ctx.resource.target);
  const restored = (await listDbInstances(ctx.primary)).filter(
    (db) =>
      !db.DBClusterIdentifier &&
      db.DBInstanceIdentifier === copyId &&
      (isOurs(db.TagList, ctx) || restoredByUs(db.TagList, ctx)),
  );
  for (const db of restored) {
    const id = db.DBInstanceIdentifier ?? '';
    const target = {
      kind: 'instance' as const,
      id,
      tags: db.TagList,
      deletionProtection: db.DeletionProtection,
      performanceInsights: db.PerformanceInsightsEnabled,
      ...(db.PerformanceInsightsRetentionPeriod
        ? { performanceInsightsRetention: db.PerformanceInsightsRetentionPeriod }
        : {}),
      monitoringInterval: db.MonitoringInterval,
      monitoringRoleArn: db.MonitoringRoleArn,
      ...(grantedMonitoring(ctx) ? { monitoring: grantedMonitoring(ctx) } : {}),
    };
    const { applied, leftOff } = await applyDeferredSettings(ctx.primary, target);
    report.kept.push(...applied);
    // Kept before the handover, which removes the record of what was deferred.
    report.leftOff = keepLeftOff(leftOff);
    const owned = handOverKeys(db.TagList);
    // Handed over already: a retry adds nothing (the role may tag only what carries the plan's id).
    if (owned.length > 0) await retagRds(ctx.primary, db.DBInstanceArn ?? '', provenanceTags(ctx), owned);
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
  const { removed, kept } = await removeRestoredDbCopies(
    ctx,
    input,
    dbSnapshotApi,
    await restoredInstances(ctx),
    async (id) => {
      await deleteDbInstance(env, id, 'rds:delete-instance');
      return [id];
    },
  );
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
  await unmarkDbSource(ctx, source && { arn: source.DBInstanceArn, tags: source.TagList });
  const snapshots = await removeDbSnapshots(ctx, dbSnapshotApi);
  return { removed: [...removed, ...snapshots.removed], kept: [...kept, ...snapshots.kept] };
}
