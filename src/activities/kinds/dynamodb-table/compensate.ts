import { RestoreTableFromBackupCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import type { CleanupReport, CompensationInput } from '../../../domain/resources.js';
import type { KindContext } from '../resource-kind.js';
import { ensureBackup, findBackup } from './backups.js';
import { call } from './calls.js';
import { removeIntermediates, removePlanTable, removeTestCopy } from './cleanup.js';
import { backupName } from './names.js';
import { applySettings, type TableSettings } from './settings.js';
import { describeTable, ownedByPlan, waitTableActive } from './tables.js';

/**
 * Abort or rejection. Test failback: remove the test copy. Failback: remove the plan's table (after
 * a kept backup when it served traffic), then restore the replaced table from its kept backup under
 * its own name with its own settings. DynamoDB has nothing to un-quiesce.
 */
export async function compensate(ctx: KindContext, input: CompensationInput): Promise<CleanupReport> {
  if (ctx.input.phase !== 'failback') return removeTestCopy(ctx);
  const report: CleanupReport = { removed: [], kept: [] };
  const name = ctx.resource.target;
  const table = await describeTable(ctx.primary, name);
  if (table && (await ownedByPlan(ctx.primary, table, ctx.plan.planId, 'failback'))) {
    if (input.trafficServed) {
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
    await removePlanTable(ctx, name, report);
  }

  const retiredArn =
    input.retirement?.backupArn ??
    (await findBackup(ctx.primary, name, backupName(ctx, 'keep-retired')))?.arn;
  if (retiredArn) {
    const current = await describeTable(ctx.primary, name);
    if (!current) {
      await call(ctx.primary, `RestoreTableFromBackup ${retiredArn} as ${name}`, () =>
        ctx.primary.dynamodb.send(
          new RestoreTableFromBackupCommand({ TargetTableName: name, BackupArn: retiredArn }),
        ),
      );
    }
    if (!current || current.RestoreSummary?.SourceBackupArn === retiredArn) {
      const restored = await waitTableActive(ctx.primary, name, 'dynamodb:restore-table');
      const settings = input.retirement?.details?.settings;
      if (typeof settings === 'string') {
        await applySettings(ctx.primary, restored, JSON.parse(settings) as TableSettings, {
          planTags: [],
          deletionProtection: true,
        });
      }
      report.kept.push(`table ${name} (restored from the kept backup)`);
    }
    report.kept.push(`backup ${retiredArn} (the replaced primary table)`);
  }
  await removeIntermediates(ctx, report);
  return report;
}
