import { RestoreTableFromBackupCommand, type TableDescription } from '@aws-sdk/client-dynamodb';
import type { CleanupReport, CompensationInput } from '../../../domain/resources.js';
import { needsPersonFailure } from '../../aws/errors.js';
import type { KindContext } from '../resource-kind.js';
import { describeBackup, findBackup } from './backups.js';
import { call } from './calls.js';
import { removeIntermediates, removePlanTable, removeTestCopy } from './cleanup.js';
import { backupName } from './names.js';
import { forgetRetiredSettings, loadRetiredSettings } from './retired-settings.js';
import { unmarkQuiesced } from './quiesce.js';
import { sameTable } from './retire.js';
import { applySettings, type TableSettings } from './settings.js';
import { describeTable, waitTableActive } from './tables.js';

/**
 * Abort or rejection. Test failback: remove the test copy (also one a restore or import is still
 * making). Failback: remove the run's table (after a kept backup when it served traffic; found by what
 * made it when its tags are not on yet, item 3), then restore the replaced table from its kept backup
 * under its own name with its own settings (read from where the retirement saved them, item 11). The
 * step fails — the plan is not compensated — while the original is not back. DynamoDB has nothing to
 * un-quiesce but the markers on the source.
 */
export async function compensate(ctx: KindContext, input: CompensationInput): Promise<CleanupReport> {
  if (ctx.input.phase !== 'failback') return removeTestCopy(ctx);
  const report: CleanupReport = { removed: [], kept: [] };
  const name = ctx.resource.target;
  await removePlanTable(ctx, name, report, { keepServed: input.trafficServed });
  await putOriginalBack(ctx, input, report);
  await unmarkQuiesced(ctx);
  await forgetRetiredSettings(ctx);
  await removeIntermediates(ctx, report);
  return report;
}

async function putOriginalBack(ctx: KindContext, input: CompensationInput, report: CleanupReport) {
  const name = ctx.resource.target;
  const retiredArn =
    input.retirement?.backupArn ??
    (await findBackup(ctx.primary, name, backupName(ctx, 'keep-retired')))?.arn;
  if (!retiredArn) return;
  let current = await describeTable(ctx.primary, name);
  if (current && (await isTheOriginal(ctx, current, retiredArn))) {
    report.kept.push(`table ${name} (the original: never removed)`);
    report.kept.push(`backup ${retiredArn} (the replaced primary table)`);
    return;
  }
  if (current && current.RestoreSummary?.SourceBackupArn !== retiredArn)
    throw needsPersonFailure(
      'NameConflict',
      `cannot put DynamoDB table ${name} back from its kept backup ${retiredArn}: ${name} exists in primary ` +
        'and is neither this run’s copy nor the original; the original is not back until that table is moved away',
    );
  if (!current) {
    await call(ctx.primary, `RestoreTableFromBackup ${retiredArn} as ${name}`, () =>
      ctx.primary.dynamodb.send(
        new RestoreTableFromBackupCommand({ TargetTableName: name, BackupArn: retiredArn }),
      ),
    );
  }
  current = await waitTableActive(ctx.primary, name, 'dynamodb:restore-table');
  const settings = await retiredSettings(ctx, input);
  if (settings) {
    await applySettings(ctx.primary, current, settings, { planTags: [], deletionProtection: true });
  } else {
    report.kept.push(`table ${name}: its settings were not found (keys, indexes and data are back)`);
  }
  report.kept.push(`table ${name} (restored from the kept backup)`);
  report.kept.push(`backup ${retiredArn} (the replaced primary table)`);
}

/** The retirement's backup was taken but the table it backed up was never deleted (a crash between). */
async function isTheOriginal(ctx: KindContext, table: TableDescription, retiredArn: string) {
  if (table.RestoreSummary?.SourceBackupArn) return false;
  const backup = await describeBackup(ctx.primary, retiredArn);
  if (!backup) return false;
  const { TableId, TableCreationDateTime } = backup.source ?? {};
  return sameTable(table, { TableId, CreationDateTime: TableCreationDateTime });
}

/** The replaced table's settings: the workflow's retirement record, else the plan's saved copy. */
async function retiredSettings(
  ctx: KindContext,
  input: CompensationInput,
): Promise<TableSettings | undefined> {
  const recorded = input.retirement?.details?.settings;
  if (typeof recorded === 'string') return JSON.parse(recorded) as TableSettings;
  return loadRetiredSettings(ctx);
}
