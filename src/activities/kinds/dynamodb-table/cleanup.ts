import type { CleanupReport, ConcludeResult } from '../../../domain/resources.js';
import { testTargetName } from '../../../domain/naming.js';
import { needsPersonFailure } from '../../aws/errors.js';
import type { KindContext } from '../resource-kind.js';
import { deleteBackupNamed, ensureBackup, findBackup } from './backups.js';
import { backupName, exportBucketOf, exportPrefix, planExportPrefix, readGrantSid } from './names.js';
import { deletePlanBucketIfEmpty, deletePrefix, listObjects, revokeRead } from './s3.js';
import { deleteTable, describeTable, ownedByPlan } from './tables.js';

/** The phase's intermediates: the recovery-point backup, the export files, the plan's export bucket once empty. */
export async function removeIntermediates(ctx: KindContext, report: CleanupReport): Promise<void> {
  const rp = await deleteBackupNamed(ctx.recovery, ctx.resource.source, backupName(ctx, 'rp'));
  if (rp) report.removed.push(`backup ${rp}`);
  const prefix = `${exportPrefix(ctx)}/`;
  const { bucket, derived } = exportBucketOf(ctx);
  const exported = await deletePrefix(ctx.recovery, bucket, prefix);
  if (exported) report.removed.push(`s3://${bucket}/${prefix} (${exported} objects)`);
  if (derived && (await deletePlanBucketIfEmpty(ctx.recovery, bucket, ctx.plan.planId)))
    report.removed.push(`s3://${bucket}`);
  // A customer's bucket stays: the plan's read grant to primary goes once none of its exports is left.
  if (!derived && ctx.crossAccount) {
    const left = await listObjects(ctx.recovery, bucket, `${planExportPrefix(ctx.plan.planId)}/`);
    if (left.length === 0 && (await revokeRead(ctx.recovery, bucket, readGrantSid(ctx))))
      report.removed.push(`bucket policy statement ${readGrantSid(ctx)} of s3://${bucket}`);
  }
}

/** Removes a table in primary only when it carries this plan's tags for the phase. */
export async function removePlanTable(ctx: KindContext, name: string, report: CleanupReport): Promise<void> {
  const table = await describeTable(ctx.primary, name);
  if (!table) return;
  if (!(await ownedByPlan(ctx.primary, table, ctx.plan.planId, ctx.input.phase))) {
    report.kept.push(`table ${name} (not tagged by plan ${ctx.plan.planId} for ${ctx.input.phase})`);
    return;
  }
  await deleteTable(ctx.primary, name);
  report.removed.push(`table ${table.TableArn ?? name}`);
}

export async function removeTestCopy(ctx: KindContext): Promise<CleanupReport> {
  const report: CleanupReport = { removed: [], kept: [] };
  await removePlanTable(ctx, testTargetName(ctx.resource.target, ctx.plan.planId, ctx.resource.kind), report);
  await removeIntermediates(ctx, report);
  return report;
}

export async function cleanupIntermediates(ctx: KindContext): Promise<CleanupReport> {
  const report: CleanupReport = { removed: [], kept: [] };
  await removeIntermediates(ctx, report);
  const kept = await findBackup(
    ctx.primary,
    ctx.resource.target,
    backupName(ctx, 'keep-retired', 'failback'),
  );
  if (kept) report.kept.push(`backup ${kept.arn} (the replaced primary table)`);
  return report;
}

/**
 * The only step that removes a live resource in recovery, after a final backup that is kept:
 * idempotent — once the table is gone, the final backup found by name is the result.
 */
export async function concludeRecovery(ctx: KindContext): Promise<ConcludeResult> {
  const name = ctx.resource.source;
  const keep = backupName(ctx, 'keep-final', 'conclude-recovery');
  const table = await describeTable(ctx.recovery, name);
  if (table?.DeletionProtectionEnabled)
    throw needsPersonFailure(
      'InvalidParameter',
      `DynamoDB table ${name} in recovery has deletion protection: turn it off to conclude recovery (a final backup is kept)`,
    );
  const backup = table
    ? await ensureBackup(ctx.recovery, name, keep)
    : await findBackup(ctx.recovery, name, keep);
  if (!backup)
    throw needsPersonFailure(
      'NotFound',
      `DynamoDB table ${name} is not in recovery and plan ${ctx.plan.planId} has no final backup of it`,
    );
  const removed: string[] = [];
  if (table) {
    await deleteTable(ctx.recovery, name);
    removed.push(`table ${table.TableArn ?? name}`);
  }
  return { finalBackup: { id: backup.name, arn: backup.arn, capturedAt: backup.createdAt }, removed };
}
