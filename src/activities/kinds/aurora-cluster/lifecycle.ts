import type { DBCluster } from '@aws-sdk/client-rds';
import type {
  CleanupReport,
  CompensationInput,
  ConcludeResult,
  RecoveryPoint,
  RestoreResult,
  Verification,
} from '../../../domain/resources.js';
import type { KindContext } from '../resource-kind.js';
import {
  concludeWithFinalDbSnapshot,
  removeDbSnapshots,
  takeDbRecoveryPoint,
} from '../shared/db-snapshots.js';
import { check } from '../shared/checks.js';
import { removeRestoredDbCopies, unmarkDbSource } from '../shared/db-compensate.js';
import { applyDeferredSettings, handOverKeys, keepLeftOff } from '../shared/db-deferred.js';
import { dbCopyChecks, engineCheck, restoredCopies, type DbCopy } from '../shared/db-verify.js';
import {
  isOurs,
  OWNERSHIP_TAG_KEYS,
  provenanceTags,
  restoredByUs,
  RETIREMENT_TAG_KEYS,
  type AwsTags,
} from '../shared/markers.js';
import {
  dbId,
  deleteDbCluster,
  describeDbCluster,
  describeDbInstance,
  listDbClusters,
  removeRdsTags,
  renameDbCluster,
  renameDbInstance,
  retagRds,
} from '../shared/rds.js';
import { clusterLayout, configuredLayout, sourceLayout } from './layout.js';
import { findRetiredCluster } from '../shared/old-primary.js';
import { retiredMembers } from './restore.js';
import { clusterSnapshotApi } from './snapshot-api.js';

/** The cluster snapshot, plus the source's writer/reader layout the restore reproduces. */
export async function takeClusterRecoveryPoint(ctx: KindContext): Promise<RecoveryPoint> {
  const recoveryPoint = await takeDbRecoveryPoint(ctx, clusterSnapshotApi);
  const layout = await sourceLayout(ctx);
  return { ...recoveryPoint, details: { ...recoveryPoint.details, members: JSON.stringify(layout) } };
}

const asCopy = (c: DBCluster | undefined): DbCopy | undefined =>
  c && {
    id: c.DBClusterIdentifier,
    status: c.Status,
    tags: c.TagList,
    engine: c.Engine,
    createdAt: c.ClusterCreateTime,
  };

export async function verifyCluster(
  ctx: KindContext,
  restore: RestoreResult,
  recoveryPoint: RecoveryPoint,
  quiescedAt?: string,
): Promise<Verification> {
  const cluster = await describeDbCluster(ctx.primary, restore.restored.id);
  // The layout the restore gave the copy (the old primary's with configurationFrom primary).
  const expected = await configuredLayout(ctx, recoveryPoint);
  const actual = cluster ? await clusterLayout(ctx.primary, cluster) : [];
  const statuses = await Promise.all(
    (cluster?.DBClusterMembers ?? []).map(async (m) => {
      const db = await describeDbInstance(ctx.primary, m.DBInstanceIdentifier ?? '');
      return db?.DBInstanceStatus ?? 'missing';
    }),
  );
  const copy = asCopy(cluster);
  const checks = [
    ...(await dbCopyChecks(ctx, clusterSnapshotApi, 'cluster', copy, recoveryPoint, quiescedAt)),
    check('instances', expected.length, actual.length),
    check('writers', 1, actual.filter((m) => m.writer).length),
    check('instances-available', actual.length, statuses.filter((s) => s === 'available').length),
    ...engineCheck(recoveryPoint, copy),
  ];
  return { ok: checks.every((c) => c.ok), checks, at: new Date().toISOString() };
}

/** The cluster this phase restored for this resource (restoredCopies: by name and the run's tags). */
async function restoredClusters(ctx: KindContext): Promise<string[]> {
  const all = (await listDbClusters(ctx.primary)).map(asCopy).filter((c): c is DbCopy => !!c);
  return restoredCopies(ctx, 'DB cluster', all);
}

const ownedKeys = (tags: AwsTags) => OWNERSHIP_TAG_KEYS.filter((k) => tags?.some((t) => t.Key === k));

export async function removeClusterTestCopy(ctx: KindContext): Promise<CleanupReport> {
  const removed: string[] = [];
  for (const id of await restoredClusters(ctx)) {
    removed.push(...(await deleteDbCluster(ctx.primary, id, (db) => isOurs(db.TagList, ctx))));
  }
  const snapshots = await removeDbSnapshots(ctx, clusterSnapshotApi);
  return { removed: [...removed, ...snapshots.removed], kept: snapshots.kept };
}

/**
 * After the plan succeeded: the failback's snapshots go, and the new production cluster and its
 * instances trade their ownership tags for provenance (decision 0035).
 */
export async function cleanupClusterIntermediates(ctx: KindContext): Promise<CleanupReport> {
  const report = await removeDbSnapshots(ctx, clusterSnapshotApi);
  // The failback's copy holds the target's name (a clone of its snapshot may carry its tags).
  const copyId = dbId(ctx.resource.target);
  const restored = (await listDbClusters(ctx.primary)).filter(
    (c) => c.DBClusterIdentifier === copyId && (isOurs(c.TagList, ctx) || restoredByUs(c.TagList, ctx)),
  );
  for (const cluster of restored) {
    for (const member of cluster.DBClusterMembers ?? []) {
      const db = await describeDbInstance(ctx.primary, member.DBInstanceIdentifier ?? '');
      if (db?.DBInstanceArn && isOurs(db.TagList, ctx))
        await retagRds(ctx.primary, db.DBInstanceArn, provenanceTags(ctx), ownedKeys(db.TagList));
    }
    const target = {
      kind: 'cluster' as const,
      id: cluster.DBClusterIdentifier ?? '',
      tags: cluster.TagList,
      deletionProtection: cluster.DeletionProtection,
    };
    const { applied, leftOff } = await applyDeferredSettings(ctx.primary, target);
    report.kept.push(...applied);
    // Kept before the handover, which removes the record of what was deferred.
    report.leftOff = keepLeftOff(leftOff);
    const arn = cluster.DBClusterArn ?? '';
    // Handed over already (provenance first, then the ownership keys went): a retry adds nothing, as
    // the role may tag only what still carries the plan's id.
    const owned = handOverKeys(cluster.TagList);
    if (owned.length > 0) await retagRds(ctx.primary, arn, provenanceTags(ctx), owned);
    report.kept.push(`${cluster.DBClusterIdentifier} (production: plan tags replaced by provenance)`);
  }
  return report;
}

/** Final cluster snapshot of the live copy in recovery (kept), then the cluster and its instances go. */
export function concludeCluster(ctx: KindContext): Promise<ConcludeResult> {
  return concludeWithFinalDbSnapshot(
    ctx,
    clusterSnapshotApi,
    { noun: 'DB cluster', exists: async (env, id) => (await describeDbCluster(env, id)) !== undefined },
    (env, id) => deleteDbCluster(env, id),
  );
}

/**
 * Undoes the phase in primary from any point, as often as needed: the restored cluster and its
 * instances go (after a kept snapshot when it served traffic), then the retired instances and the
 * retired cluster get their names back and lose the retirement tags, then the intermediates go.
 */
export async function compensateCluster(ctx: KindContext, input: CompensationInput): Promise<CleanupReport> {
  const env = ctx.primary;
  const { removed, kept } = await removeRestoredDbCopies(
    ctx,
    input,
    clusterSnapshotApi,
    await restoredClusters(ctx),
    (id) => deleteDbCluster(env, id, (db) => isOurs(db.TagList, ctx)),
  );
  const retired = await findRetiredCluster(ctx);
  if (retired?.DBClusterIdentifier) {
    for (const member of await retiredMembers(ctx, retired)) {
      // One the plan did not retire (it joined after preflight) kept its name and carries no marks.
      if (!member.ours) continue;
      const restored = await renameDbInstance(env, member.id, member.original);
      await removeRdsTags(env, restored.DBInstanceArn ?? member.arn, RETIREMENT_TAG_KEYS);
    }
    const target = dbId(ctx.resource.target);
    const cluster = await renameDbCluster(env, retired.DBClusterIdentifier, target);
    await removeRdsTags(env, cluster.DBClusterArn ?? retired.DBClusterArn ?? '', RETIREMENT_TAG_KEYS);
    kept.push(target);
  }
  const source = await describeDbCluster(ctx.recovery, ctx.resource.source);
  await unmarkDbSource(ctx, source && { arn: source.DBClusterArn, tags: source.TagList });
  const snapshots = await removeDbSnapshots(ctx, clusterSnapshotApi);
  return { removed: [...removed, ...snapshots.removed], kept: [...kept, ...snapshots.kept] };
}
