import { DescribeBackupCommand, type TableDescription } from '@aws-sdk/client-dynamodb';
import type { RecoveryPoint, Retirement } from '../../../domain/resources.js';
import { needsPersonFailure } from '../../aws/errors.js';
import type { KindContext } from '../resource-kind.js';
import { previousHeartbeat, remember } from '../../aws/heartbeat.js';
import { describeBackup, ensureBackup, findBackup, type BackupRef } from './backups.js';
import { call } from './calls.js';
import { backupName } from './names.js';
import { isOurCopy } from './recognise.js';
import { loadRetiredSettings, saveRetiredSettings } from './retired-settings.js';
import { captureSettings, type TableSettings } from './settings.js';
import { deleteTable, describeTable, waitTableActive } from './tables.js';

function retirement(name: string, backup: BackupRef, settings: TableSettings | undefined): Retirement {
  return {
    originalId: name,
    action: 'backed-up-and-replaced',
    retiredId: backup.arn,
    backupArn: backup.arn,
    at: backup.createdAt,
    ...(settings ? { details: { settings: JSON.stringify(settings) } } : {}),
  };
}

/**
 * The table is deleted only on the strength of a backup of that same incarnation (TableId, else its
 * creation time, as DescribeBackup's SourceTableDetails report it); anything else parks the plan.
 */
async function assertBackupOf(ctx: KindContext, table: TableDescription, backup: BackupRef): Promise<void> {
  const held = await describeBackup(ctx.primary, backup.arn);
  const source = held?.source;
  const of = { TableId: source?.TableId, CreationDateTime: source?.TableCreationDateTime };
  if (held && sameTable(table, of)) return;
  throw needsPersonFailure(
    'NameConflict',
    `DynamoDB table ${table.TableName} in primary is not the table the kept backup ${backup.name} holds ` +
      `(created ${of.CreationDateTime?.toISOString() ?? 'unknown'}, the table now there ` +
      `${table.CreationDateTime?.toISOString() ?? 'unknown'}): it was re-created since an earlier attempt. ` +
      'Back it up or remove it yourself, then retry; the plan deletes no table it holds no backup of',
  );
}

/** One incarnation of a table: TableId where AWS reports it, else its creation time. */
export function sameTable(a: TableDescription, b: TableDescription): boolean {
  if (a.TableId && b.TableId) return a.TableId === b.TableId;
  return a.CreationDateTime?.getTime() === b.CreationDateTime?.getTime();
}

/**
 * The old table's settings when an earlier attempt (or an earlier run of the phase) deleted it: from
 * the plan's bucket where the retirement wrote them first (item 11), that attempt's heartbeat, else
 * the parts the kept backup describes (keys, indexes, streams, TTL; not tags, PITR or auto scaling).
 */
export async function settingsAfterDelete(
  ctx: KindContext,
  backup: BackupRef,
): Promise<TableSettings | undefined> {
  const saved = await loadRetiredSettings(ctx);
  if (saved) return saved;
  const previous = previousHeartbeat<{ retiredSettings?: TableSettings }>()?.retiredSettings;
  if (previous) return previous;
  const out = await call(ctx.primary, `DescribeBackup ${backup.name}`, () =>
    ctx.primary.dynamodb.send(new DescribeBackupCommand({ BackupArn: backup.arn })),
  );
  const source = out.BackupDescription?.SourceTableDetails;
  const features = out.BackupDescription?.SourceTableFeatureDetails;
  if (!source) return undefined;
  return {
    keySchema: source.KeySchema ?? [],
    attributeDefinitions: [],
    billingMode: source.BillingMode ?? 'PROVISIONED',
    gsis: [],
    lsis: [],
    ...(features?.StreamDescription?.StreamEnabled
      ? { streamViewType: features.StreamDescription.StreamViewType ?? 'NEW_AND_OLD_IMAGES' }
      : {}),
    ...(features?.TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED'
      ? { ttlAttribute: features.TimeToLiveDescription.AttributeName ?? '' }
      : {}),
    pitr: false,
    deletionProtection: false,
    tags: [],
    autoscaling: [],
  };
}

/**
 * Failback only. DynamoDB tables cannot be renamed, so the old primary table is retired by a kept
 * on-demand backup (AVAILABLE before anything is deleted), then deleted to free its name. Idempotent:
 * a retry after the delete finds the kept backup by name.
 */
export async function retireOldTable(ctx: KindContext, name: string, rp: RecoveryPoint): Promise<Retirement> {
  const keepName = backupName(ctx, 'keep-retired');
  const table: TableDescription | undefined = await describeTable(ctx.primary, name);
  if (table && !(await isOurCopy(ctx, table, rp)).ours) {
    if (table.DeletionProtectionEnabled)
      throw needsPersonFailure(
        'InvalidParameter',
        `DynamoDB table ${name} in primary has deletion protection: the failback replaces it after a kept backup. Turn deletion protection off`,
      );
    if (table.TableStatus !== 'ACTIVE') await waitTableActive(ctx.primary, name, 'dynamodb:create-table');
    // A kept backup of an earlier attempt must be of this very table: one re-created under the name
    // since (by an application or IaC) would otherwise be deleted with no backup of its own.
    const earlier = await findBackup(ctx.primary, name, keepName);
    if (earlier) await assertBackupOf(ctx, table, earlier);
    const settings = await captureSettings(ctx.primary, table, { everyTag: true });
    // Durable before anything is deleted: compensation restores the table with exactly these.
    await saveRetiredSettings(ctx, settings);
    remember({ retiredSettings: settings });
    const backup = await ensureBackup(ctx.primary, name, keepName);
    await assertBackupOf(ctx, table, backup);
    // An attempt the server gave up on (heartbeat timeout) may still run beside this one and may have
    // replaced the old table since it was described: delete only the table that was backed up.
    const current = await describeTable(ctx.primary, name);
    if (current && sameTable(current, table)) await deleteTable(ctx.primary, name);
    return retirement(name, backup, settings);
  }
  const backup = await findBackup(ctx.primary, name, keepName);
  if (!backup) return { originalId: name, action: 'none', at: new Date().toISOString() };
  return retirement(name, backup, await settingsAfterDelete(ctx, backup));
}
