import {
  CreateTableCommand,
  RestoreTableFromBackupCommand,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { PrimaryCopy, RecoveryPoint, RestoreResult } from '../../../domain/resources.js';
import type { Operation } from '../../aws/durations.js';
import { needsPersonFailure } from '../../aws/errors.js';
import { tagValue } from '../../aws/tags.js';
import type { KindContext } from '../resource-kind.js';
import { call } from './calls.js';
import { importTable } from './export-import.js';
import { primaryTableName } from './names.js';
import type { CopyMethod } from './method.js';
import { isOurCopy } from './recognise.js';
import { TAG_COPIED } from './reference.js';
import { methodOf, settingsOf } from './recovery-point.js';
import { retireOldTable } from './retire.js';
import { scanCopy } from './scan-copy.js';
import { applySettings, type TableSettings } from './settings.js';
import { deleteTable, describeTable, tableTags, tagTable, waitTableActive } from './tables.js';

function sse(ctx: KindContext) {
  const key = ctx.plan.primary.kmsKeyId;
  return key ? { Enabled: true, SSEType: 'KMS' as const, KMSMasterKeyId: key } : undefined;
}

async function createEmptyTable(ctx: KindContext, name: string, settings: TableSettings): Promise<void> {
  const throughput = (p?: { read: number; write: number }) =>
    p ? { ProvisionedThroughput: { ReadCapacityUnits: p.read, WriteCapacityUnits: p.write } } : {};
  const encryption = sse(ctx);
  await call(ctx.primary, `CreateTable ${name}`, () =>
    ctx.primary.dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        KeySchema: settings.keySchema,
        AttributeDefinitions: settings.attributeDefinitions,
        BillingMode: settings.billingMode,
        ...throughput(settings.provisioned),
        ...(settings.gsis.length
          ? {
              GlobalSecondaryIndexes: settings.gsis.map((g) => ({
                IndexName: g.name,
                KeySchema: g.keySchema,
                Projection: g.projection,
                ...throughput(g.provisioned),
              })),
            }
          : {}),
        ...(settings.lsis.length
          ? {
              LocalSecondaryIndexes: settings.lsis.map((l) => ({
                IndexName: l.name,
                KeySchema: l.keySchema,
                Projection: l.projection,
              })),
            }
          : {}),
        ...(settings.tableClass ? { TableClass: settings.tableClass as 'STANDARD' } : {}),
        ...(encryption ? { SSESpecification: encryption } : {}),
        // Tagged in the create call itself: a crash right after it still leaves a table the plan recognises.
        Tags: ctx.tags(),
      }),
    ),
  );
}

/** What the new table waits for: a scan copy's empty table is only a CreateTable away from ACTIVE. */
const WAIT_FOR: Record<CopyMethod, Operation> = {
  restore: 'dynamodb:restore-table',
  'export-import': 'dynamodb:import',
  'scan-copy': 'dynamodb:create-table',
};

async function startCopy(
  ctx: KindContext,
  name: string,
  rp: RecoveryPoint,
  copy: PrimaryCopy,
  settings: TableSettings,
) {
  const method = methodOf(rp);
  if (method === 'restore') {
    const encryption = sse(ctx);
    await call(ctx.primary, `RestoreTableFromBackup ${rp.id} as ${name}`, () =>
      ctx.primary.dynamodb.send(
        new RestoreTableFromBackupCommand({
          TargetTableName: name,
          BackupArn: rp.arn,
          BillingModeOverride: settings.billingMode,
          ...(encryption ? { SSESpecificationOverride: encryption } : {}),
        }),
      ),
    );
  } else if (method === 'export-import') {
    await importTable(ctx, name, copy, settings);
  } else {
    await createEmptyTable(ctx, name, settings);
  }
}

/**
 * Restore under the phase's name: in the failback the old table is first backed up (kept) and
 * deleted; then the table is made from the recovery point (restore, import, or create + scan copy),
 * the source's settings re-applied, and it is waited for until ACTIVE.
 */
export async function restoreTable(
  ctx: KindContext,
  copy: PrimaryCopy,
  rp: RecoveryPoint,
): Promise<RestoreResult> {
  const name = primaryTableName(ctx);
  const settings = settingsOf(rp);
  const method = methodOf(rp);
  const retirement = ctx.input.phase === 'failback' ? await retireOldTable(ctx, name, rp) : undefined;

  let existing: TableDescription | undefined = await describeTable(ctx.primary, name);
  if (existing) {
    const { ours, importArn, importFailed } = await isOurCopy(ctx, existing, rp);
    if (!ours)
      throw needsPersonFailure(
        'NameConflict',
        `DynamoDB table ${name} exists in primary and was not made by this run of plan ${ctx.plan.planId}`,
      );
    if (importFailed) {
      // What a failed import of the run left holds no verified data: it goes, the import is redone.
      await deleteTable(ctx.primary, name);
      existing = undefined;
    } else if (importArn) await importTable(ctx, name, copy, settings, importArn);
  }
  if (!existing) await startCopy(ctx, name, rp, copy, settings);
  let table = await waitTableActive(ctx.primary, name, WAIT_FOR[method]);
  await tagTable(ctx.primary, table.TableArn ?? '', ctx.tags());

  const details: Record<string, string | number | boolean> = { method };
  if (method === 'scan-copy') {
    const copied = tagValue(await tableTags(ctx.primary, table.TableArn ?? ''), TAG_COPIED);
    if (copied) {
      details.copiedItems = Number(copied.split('/')[0]);
    } else {
      const source = String(rp.details?.sourceTable ?? ctx.resource.source);
      const size = Number(rp.details?.sourceSizeBytes ?? 0);
      const result = await scanCopy(ctx.recovery, source, size, ctx.primary, name);
      await tagTable(ctx.primary, table.TableArn ?? '', [
        { Key: TAG_COPIED, Value: `${result.count}/${result.hash}` },
      ]);
      Object.assign(details, { copiedItems: result.count, copyHash: result.hash, resumed: result.resumed });
    }
  }
  await applySettings(ctx.primary, table, settings, {
    planTags: ctx.tags(),
    deletionProtection: ctx.input.phase === 'failback',
  });
  table = await waitTableActive(ctx.primary, name, 'dynamodb:create-table');
  return {
    ...(retirement ? { retirement } : {}),
    restored: { id: table.TableArn ?? name, arn: table.TableArn ?? '', name, details },
  };
}
