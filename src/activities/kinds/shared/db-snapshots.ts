import { ApplicationFailure } from '@temporalio/common';
import type { CleanupReport, ConcludeResult, PrimaryCopy, RecoveryPoint } from '../../../domain/resources.js';
import type { AwsEnvironment } from '../../aws/clients.js';
import type { Operation } from '../../aws/durations.js';
import { needsPersonFailure } from '../../aws/errors.js';
import type { Tag } from '../../aws/tags.js';
import type { KindContext } from '../resource-kind.js';
import { createOrExists, waitFor } from './calls.js';
import {
  adoptOrConflict,
  isKept,
  isOurs,
  phaseTags,
  TAG_COPIED_FROM,
  TAG_KEEP,
  type AwsTags,
} from './markers.js';
import {
  CONCLUDE_PHASE,
  finalBackupName,
  keptBackupName,
  primaryCopyName,
  recoveryPointName,
} from './names.js';
import { dbId } from './rds.js';

/** A DB snapshot or DB cluster snapshot, as the shared steps need it. */
export interface DbSnapshotInfo {
  id: string;
  arn: string;
  status: string;
  createdAt?: Date;
  /** Copies: when the data was captured (RDS keeps the original's creation time). */
  originalCreatedAt?: Date;
  /** 0..1 while AWS reports it */
  progress?: number;
  tags: AwsTags;
  /** The instance or cluster it was taken from. */
  dbId?: string;
  encrypted: boolean;
  kmsKeyId?: string;
  engine?: string;
  engineVersion?: string;
  /** Copies: the ARN of the snapshot they were copied from, when AWS reports it. */
  sourceArn?: string;
}

/**
 * RDS instance snapshots and Aurora cluster snapshots have parallel APIs (Create/Copy/Modify…DBSnapshot
 * vs …DBClusterSnapshot): each kind implements this once and shares every step built on it.
 */
export interface DbSnapshotApi {
  /** "DB snapshot" or "DB cluster snapshot", for messages */
  noun: string;
  /** The longest identifier AWS takes: DB snapshots 255, DB cluster snapshots 63 (derived names fit it). */
  maxId: number;
  operations: { create: Operation; copy: Operation };
  describe(env: AwsEnvironment, id: string): Promise<DbSnapshotInfo | undefined>;
  /** Manual snapshots owned by the environment's account. */
  listManual(env: AwsEnvironment): Promise<DbSnapshotInfo[]>;
  create(env: AwsEnvironment, input: { id: string; dbId: string; tags: Tag[] }): Promise<unknown>;
  copy(
    env: AwsEnvironment,
    input: { sourceArn: string; id: string; kmsKeyId?: string; tags: Tag[] },
  ): Promise<unknown>;
  /** Grants another account the right to copy and restore it (attribute `restore`). */
  share(env: AwsEnvironment, id: string, accountId: string): Promise<void>;
  /** Deletes it; a snapshot that is already gone is not an error. */
  remove(env: AwsEnvironment, id: string): Promise<void>;
}

/**
 * Deletes a snapshot found a moment ago; one gone meanwhile is removed too. The plan's roles may
 * delete only snapshots carrying the plan's tag (aws:ResourceTag), and a snapshot that no longer
 * exists has no tags: AWS answers its delete with AccessDenied, not DBSnapshotNotFound. That happens
 * when another attempt removed it between our describe and our delete (the test cleanup an abort
 * cancelled, beside compensation; a retried activity). So an AccessDenied is looked at again: only a
 * describe that finds nothing makes it "removed"; for a snapshot still there it stands.
 */
export async function removeSnapshot(env: AwsEnvironment, api: DbSnapshotApi, id: string): Promise<void> {
  try {
    await api.remove(env, id);
  } catch (error) {
    if (!(error instanceof ApplicationFailure && error.type === 'AccessDenied')) throw error;
    if (await api.describe(env, id)) throw error;
  }
}

/** Adopts the snapshot an earlier attempt made under `id`, or makes it; NameConflict if not ours. */
async function ensureSnapshot(
  ctx: KindContext,
  env: AwsEnvironment,
  api: DbSnapshotApi,
  id: string,
  make: () => Promise<unknown>,
  options: { phase?: string; copy?: boolean } = {},
): Promise<void> {
  const what = `${api.noun} ${id} in ${env.access.accountId}/${env.access.region}`;
  const existing = await api.describe(env, id);
  if (existing) return adoptOrConflict(existing.tags, ctx, what, options.phase);
  const created = await createOrExists(env, `create ${what}`, make, /AlreadyExists/, { copy: options.copy });
  if (!created) adoptOrConflict((await api.describe(env, id))?.tags, ctx, what, options.phase);
}

/**
 * Waits until the snapshot is available. A `failed` snapshot is ours (ensureSnapshot checked): delete
 * it and let the retry make it again.
 */
export function waitSnapshotAvailable(
  env: AwsEnvironment,
  api: DbSnapshotApi,
  id: string,
  operation: Operation,
): Promise<DbSnapshotInfo> {
  return waitFor(`${api.noun} ${id} in ${env.access.region}`, operation, async () => {
    const snapshot = await api.describe(env, id);
    if (snapshot?.status === 'failed') {
      await removeSnapshot(env, api, id);
      throw ApplicationFailure.retryable(
        `${api.noun} ${id} failed in ${env.access.region}: removed it, the retry takes it again`,
        'AwsServerError',
      );
    }
    return {
      done: snapshot?.status === 'available',
      value: snapshot,
      progress: snapshot?.progress,
      state: snapshot?.status ?? 'absent',
    };
  });
}

/** The recovery point: a snapshot of the source in recovery, shared with primary's account if needed. */
export async function takeDbRecoveryPoint(ctx: KindContext, api: DbSnapshotApi): Promise<RecoveryPoint> {
  const env = ctx.recovery;
  const id = dbId(recoveryPointName(ctx, api.maxId));
  await ensureSnapshot(ctx, env, api, id, () =>
    api.create(env, { id, dbId: ctx.resource.source, tags: ctx.tags() }),
  );
  const snapshot = await waitSnapshotAvailable(env, api, id, api.operations.create);
  if (ctx.crossAccount) await api.share(env, id, ctx.plan.primary.accountId);
  return {
    id,
    arn: snapshot.arn,
    capturedAt: (snapshot.createdAt ?? new Date()).toISOString(),
    ...(ctx.crossAccount ? { sharedWith: ctx.plan.primary.accountId } : {}),
    details: {
      encrypted: snapshot.encrypted,
      ...(snapshot.engine ? { engine: snapshot.engine } : {}),
      ...(snapshot.engineVersion ? { engineVersion: snapshot.engineVersion } : {}),
    },
  };
}

/**
 * Copies the recovery point into primary's account and region, re-encrypted with primary's key when
 * it is encrypted. An unencrypted one stays unencrypted (as the database was): RDS would encrypt a DB
 * snapshot copy given KmsKeyId, and refuses KmsKeyId for an unencrypted cluster snapshot.
 */
export async function copyDbRecoveryPoint(
  ctx: KindContext,
  api: DbSnapshotApi,
  recoveryPoint: RecoveryPoint,
): Promise<PrimaryCopy> {
  const env = ctx.primary;
  const id = dbId(primaryCopyName(ctx, api.maxId));
  const sourceArn = recoveryPoint.arn ?? recoveryPoint.id;
  const encrypted = recoveryPoint.details?.encrypted !== false;
  const kmsKeyId = encrypted ? ctx.plan.primary.kmsKeyId : undefined;
  await ensureSnapshot(
    ctx,
    env,
    api,
    id,
    () =>
      api.copy(env, {
        sourceArn,
        id,
        ...(kmsKeyId ? { kmsKeyId } : {}),
        tags: ctx.tags({ [TAG_COPIED_FROM]: sourceArn }),
      }),
    { copy: true },
  );
  const snapshot = await waitSnapshotAvailable(env, api, id, api.operations.copy);
  return {
    id,
    arn: snapshot.arn,
    region: env.access.region,
    details: { encrypted: snapshot.encrypted, ...(snapshot.kmsKeyId ? { kmsKeyId: snapshot.kmsKeyId } : {}) },
  };
}

/** A snapshot tagged failback:keep=true (final backups, backups before removing a served copy). */
export async function keptDbSnapshot(
  ctx: KindContext,
  env: AwsEnvironment,
  api: DbSnapshotApi,
  input: { id: string; dbId: string; tags: Tag[]; phase: string },
): Promise<DbSnapshotInfo> {
  const id = dbId(input.id);
  await ensureSnapshot(ctx, env, api, id, () => api.create(env, { id, dbId: input.dbId, tags: input.tags }), {
    phase: input.phase,
  });
  return waitSnapshotAvailable(env, api, id, api.operations.create);
}

/**
 * Deletes the phase's two snapshots of this resource, by the identifiers the run derived for them:
 * the recovery point in recovery and its copy in primary (item 9). Each must carry the run's tags and
 * not be kept; nothing is deleted for its tags alone, so a snapshot of the new production database
 * that copied its tags (CopyTagsToSnapshot, a person, AWS Backup) stays. The kept snapshot made before
 * removing a served copy is reported, never removed.
 */
export async function removeDbSnapshots(ctx: KindContext, api: DbSnapshotApi): Promise<CleanupReport> {
  const removed: string[] = [];
  const kept: string[] = [];
  const derived: Array<[AwsEnvironment, string]> = [
    [ctx.recovery, dbId(recoveryPointName(ctx, api.maxId))],
    [ctx.primary, dbId(primaryCopyName(ctx, api.maxId))],
    [ctx.primary, dbId(keptBackupName(ctx, api.maxId))],
  ];
  for (const [env, id] of derived) {
    const snapshot = await api.describe(env, id);
    if (!snapshot) continue;
    if (!isOurs(snapshot.tags, ctx)) {
      kept.push(`${snapshot.arn} (named ${id}, not this run's)`);
      continue;
    }
    if (isKept(snapshot.tags)) {
      kept.push(snapshot.arn);
      continue;
    }
    await removeSnapshot(env, api, snapshot.id);
    removed.push(snapshot.arn);
  }
  return { removed, kept };
}

/**
 * Conclude recovery for a database kind: the live copy in recovery goes only after a final snapshot of
 * it (tagged failback:keep=true) is available. Once the live copy is gone, a retry finds the kept
 * snapshot and reports the same result; with neither, a person must look at what removed it.
 */
export async function concludeWithFinalDbSnapshot(
  ctx: KindContext,
  api: DbSnapshotApi,
  live: { noun: string; exists: (env: AwsEnvironment, id: string) => Promise<boolean> },
  remove: (env: AwsEnvironment, id: string) => Promise<string[]>,
): Promise<ConcludeResult> {
  const env = ctx.recovery;
  const source = dbId(ctx.resource.source);
  const finalId = dbId(finalBackupName(ctx, api.maxId));
  const capturedAt = (s: DbSnapshotInfo) => (s.createdAt ?? new Date()).toISOString();
  if (!(await live.exists(env, source))) {
    const final = await api.describe(env, finalId);
    if (final?.status === 'available' && isOurs(final.tags, ctx, CONCLUDE_PHASE)) {
      return { finalBackup: { id: finalId, arn: final.arn, capturedAt: capturedAt(final) }, removed: [] };
    }
    throw needsPersonFailure(
      'NotFound',
      `${live.noun} ${source} is not in recovery and no final snapshot ${finalId} exists: check what removed it`,
    );
  }
  const final = await keptDbSnapshot(ctx, env, api, {
    id: finalId,
    dbId: source,
    tags: phaseTags(ctx, CONCLUDE_PHASE, { [TAG_KEEP]: 'true' }),
    phase: CONCLUDE_PHASE,
  });
  const removed = await remove(env, source);
  return { finalBackup: { id: finalId, arn: final.arn, capturedAt: capturedAt(final) }, removed };
}
