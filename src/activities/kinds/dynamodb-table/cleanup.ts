import { UntagResourceCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { CleanupReport, ConcludeResult } from '../../../domain/resources.js';
import { testTargetName } from '../../../domain/naming.js';
import { needsPersonFailure } from '../../aws/errors.js';
import type { KindContext } from '../resource-kind.js';
import { OWNERSHIP_TAG_KEYS, provenanceTags } from '../shared/markers.js';
import { deleteBackupNamed, ensureBackup, findBackup } from './backups.js';
import { call } from './calls.js';
import { backupName, exportBucketOf, exportPrefix, planExportPrefix, readGrantSid } from './names.js';
import { isOurCopy } from './recognise.js';
import { deregisterAutoscaling } from './settings.js';
import { forgetRetiredSettings } from './retired-settings.js';
import { waitRunExportsEnded } from './running-exports.js';
import { deletePlanBucketIfEmpty, deletePrefix, listObjects, revokeRead } from './s3.js';
import { deleteTable, describeTable, taggedAsOurs, tagTable, waitTableActive } from './tables.js';

/**
 * The phase's intermediates: the recovery-point backup, the export files (once no export of the run
 * still writes them), the plan's export bucket once empty.
 */
export async function removeIntermediates(ctx: KindContext, report: CleanupReport): Promise<void> {
  const rp = await deleteBackupNamed(ctx.recovery, ctx.resource.source, backupName(ctx, 'rp'));
  if (rp) report.removed.push(`backup ${rp}`);
  await waitRunExportsEnded(ctx);
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

/**
 * Removes the phase's copy under `name` in primary: only the run's (its tags, or the run's restore or
 * import that made it, item 3). A copy a restore or import is still making is waited for first
 * (DynamoDB deletes no table before it is ACTIVE); one that served traffic is backed up first (kept).
 */
export async function removePlanTable(
  ctx: KindContext,
  name: string,
  report: CleanupReport,
  options: { keepServed?: boolean } = {},
): Promise<void> {
  let table = await describeTable(ctx.primary, name);
  if (!table) return;
  const mine = await isOurCopy(ctx, table);
  if (!mine.ours) {
    report.kept.push(
      `table ${name} (not made by this run of plan ${ctx.plan.planId} for ${ctx.input.phase})`,
    );
    return;
  }
  if (table.TableStatus === 'CREATING' || table.TableStatus === 'UPDATING')
    table = await waitTableActive(ctx.primary, name, 'dynamodb:restore-table');
  if (options.keepServed) {
    const backup = await ensureBackup(ctx.primary, name, backupName(ctx, 'keep-comp'));
    report.kept.push(`backup ${backup.arn} (writes the failed-back table received)`);
  }
  if (table.DeletionProtectionEnabled) {
    await call(ctx.primary, `UpdateTable ${name} (deletion protection off)`, () =>
      ctx.primary.dynamodb.send(
        new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: false }),
      ),
    );
    await waitTableActive(ctx.primary, name, 'dynamodb:create-table');
  }
  report.removed.push(...(await deregisterAutoscaling(ctx.primary, table)));
  await deleteTable(ctx.primary, name);
  report.removed.push(`table ${table.TableArn ?? name}${mine.how ? ` (${mine.how})` : ''}`);
}

export async function removeTestCopy(ctx: KindContext): Promise<CleanupReport> {
  const report: CleanupReport = { removed: [], kept: [] };
  await removePlanTable(ctx, testTargetName(ctx.resource.target, ctx.plan.planId, ctx.resource.kind), report);
  await removeIntermediates(ctx, report);
  return report;
}

/**
 * After the plan succeeded: the failback's intermediates go, the old table's saved settings too, and
 * the new production table trades its ownership tags for provenance (decision 0035).
 */
export async function cleanupIntermediates(ctx: KindContext): Promise<CleanupReport> {
  const report: CleanupReport = { removed: [], kept: [] };
  if (await forgetRetiredSettings(ctx)) report.removed.push('the replaced table’s saved settings');
  await removeIntermediates(ctx, report);
  await handOverTable(ctx, report);
  const kept = await findBackup(
    ctx.primary,
    ctx.resource.target,
    backupName(ctx, 'keep-retired', 'failback'),
  );
  if (kept) report.kept.push(`backup ${kept.arn} (the replaced primary table)`);
  return report;
}

async function handOverTable(ctx: KindContext, report: CleanupReport): Promise<void> {
  const table = await describeTable(ctx.primary, ctx.resource.target);
  if (!table?.TableArn || !(await taggedAsOurs(ctx, table, 'failback'))) return;
  await tagTable(ctx.primary, table.TableArn, provenanceTags(ctx));
  await call(ctx.primary, `UntagResource ${table.TableArn}`, () =>
    ctx.primary.dynamodb.send(
      new UntagResourceCommand({ ResourceArn: table.TableArn, TagKeys: OWNERSHIP_TAG_KEYS }),
    ),
  );
  report.kept.push(`table ${ctx.resource.target} (production: plan tags replaced by provenance)`);
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
    // Its auto scaling targets (and their policies) would outlive the table in recovery.
    removed.push(...(await deregisterAutoscaling(ctx.recovery, table)));
    await deleteTable(ctx.recovery, name);
    removed.push(`table ${table.TableArn ?? name}`);
  }
  return { finalBackup: { id: backup.name, arn: backup.arn, capturedAt: backup.createdAt }, removed };
}
