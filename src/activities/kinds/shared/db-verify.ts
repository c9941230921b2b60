import type { RecoveryPoint, VerificationCheck } from '../../../domain/resources.js';
import { check, notBefore } from './checks.js';
import type { KindContext } from '../resource-kind.js';
import type { DbSnapshotApi } from './db-snapshots.js';
import {
  assertCreatedDuringRun,
  isOurs,
  TAG_COPIED_FROM,
  TAG_RESTORED_FROM,
  tagValue,
  type AwsTags,
} from './markers.js';
import { primaryCopyName, restoredName } from './names.js';
import { dbId } from './rds.js';

/**
 * The chain a DB copy must prove: the restored database came from the plan's copy in primary, the copy
 * from the recovery point, and (in the failback) the recovery point was taken after the quiesce time.
 */
export async function snapshotChainChecks(
  ctx: KindContext,
  api: DbSnapshotApi,
  restoredTags: AwsTags,
  recoveryPoint: RecoveryPoint,
  quiescedAt: string | undefined,
): Promise<VerificationCheck[]> {
  const copyId = dbId(primaryCopyName(ctx, api.maxId));
  const [copy, original] = await Promise.all([
    api.describe(ctx.primary, copyId),
    api.describe(ctx.recovery, recoveryPoint.id),
  ]);
  const sourceArn = recoveryPoint.arn ?? recoveryPoint.id;
  const checks = [
    check('restored-from-copy', copyId, tagValue(restoredTags, TAG_RESTORED_FROM)),
    check('copy-available', 'available', copy?.status),
    // AWS names the source of a copy itself where it reports it; otherwise the plan's own tag.
    check('copy-of-recovery-point', sourceArn, copy?.sourceArn ?? tagValue(copy?.tags, TAG_COPIED_FROM)),
  ];
  if (quiescedAt) {
    checks.push(
      notBefore(
        'recovery-point-after-quiesce',
        original?.createdAt ?? copy?.originalCreatedAt ?? undefined,
        quiescedAt,
      ),
    );
  }
  return checks;
}

/** A restored DB instance or cluster as both kinds' checks read it. */
export interface DbCopy {
  id: string | undefined;
  status: string | undefined;
  tags: AwsTags;
  engine: string | undefined;
  createdAt: Date | undefined;
}

/**
 * What every DB copy must be (`noun` names the checks: instance-…, cluster-…): available, made by
 * the plan, restored along the snapshot chain; the kind adds its own checks, then `engineCheck`.
 */
export async function dbCopyChecks(
  ctx: KindContext,
  api: DbSnapshotApi,
  noun: 'instance' | 'cluster',
  copy: DbCopy | undefined,
  recoveryPoint: RecoveryPoint,
  quiescedAt: string | undefined,
): Promise<VerificationCheck[]> {
  return [
    check(`${noun}-available`, 'available', copy?.status),
    check(`${noun}-created-by-plan`, 'true', String(isOurs(copy?.tags, ctx))),
    ...(await snapshotChainChecks(ctx, api, copy?.tags, recoveryPoint, quiescedAt)),
  ];
}

/** The engine the recovery point recorded, when it did. */
export function engineCheck(recoveryPoint: RecoveryPoint, copy: DbCopy | undefined): VerificationCheck[] {
  const engine = recoveryPoint.details?.engine;
  return engine === undefined ? [] : [check('engine', String(engine), copy?.engine)];
}

/**
 * The copy this phase restored in primary for this resource: under the name the restore gives it and
 * with the run's tags, checked to have been created during the run. Both, because tags are copied: a
 * clone an operator restores from the copy's snapshots carries the run's tags and is not the plan's to
 * delete; a database that served before the run is never removed.
 */
export function restoredCopies(ctx: KindContext, noun: string, all: DbCopy[]): string[] {
  const name = dbId(restoredName(ctx));
  const ours = all.filter((c) => c.id === name && isOurs(c.tags, ctx));
  for (const c of ours) assertCreatedDuringRun(ctx, `${noun} ${c.id}`, c.createdAt);
  return ours.map((c) => c.id ?? '').filter(Boolean);
}
