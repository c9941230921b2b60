import {
  DescribeBackupCommand,
  ListImportsCommand,
  type ImportSummary,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { RecoveryPoint } from '../../../domain/resources.js';
import type { KindContext } from '../resource-kind.js';
import { createdDuringRun } from '../shared/markers.js';
import { call, callMaybe } from './calls.js';
import { backupName, exportBucketOf, exportPrefix } from './names.js';
import { taggedAsOurs } from './tables.js';

/**
 * Whether a table in primary is this phase's copy, made by this plan run. A restore or an import
 * makes its table long before the plan can tag it (the table is tagged once ACTIVE; a crash or an
 * abort may come first), so besides the run's tags the copy is recognised by what made it (item 3):
 * the table's RestoreSummary names the run's recovery-point backup, or one of the table's imports
 * (ListImports) reads the run's export prefix in the plan's bucket. Nothing created before the run
 * started is ever the run's copy. Returns the import for an import still to wait for.
 */
export async function isOurCopy(
  ctx: KindContext,
  table: TableDescription,
  rp?: RecoveryPoint,
): Promise<{ ours: boolean; importArn?: string; importFailed?: boolean; how?: string }> {
  if (!createdDuringRun(ctx, table.CreationDateTime)) return { ours: false };
  if (await taggedAsOurs(ctx, table)) return { ours: true, how: 'tags' };
  const restoredFrom = table.RestoreSummary?.SourceBackupArn;
  if (restoredFrom) {
    const ours = restoredFrom === rp?.arn || (await isRunRecoveryPoint(ctx, restoredFrom));
    return ours ? { ours, how: `restored from ${restoredFrom}` } : { ours: false };
  }
  const imports = await runImportsOf(ctx, table.TableArn ?? '');
  const live = imports.find((i) => !failed(i));
  const found = live ?? imports.at(-1);
  if (!found) return { ours: false };
  return {
    ours: true,
    importArn: found.ImportArn ?? '',
    ...(live ? {} : { importFailed: true }),
    how: `imported by ${found.ImportArn}`,
  };
}

export const failed = (i: { ImportStatus?: string }) =>
  i.ImportStatus === 'FAILED' || i.ImportStatus === 'CANCELLED';

/** Whether a backup ARN is the run's recovery point of this resource (its name is the run's). */
async function isRunRecoveryPoint(ctx: KindContext, backupArn: string): Promise<boolean> {
  const out = await callMaybe(ctx.recovery, `DescribeBackup ${backupArn}`, () =>
    ctx.recovery.dynamodb.send(new DescribeBackupCommand({ BackupArn: backupArn })),
  );
  return out?.BackupDescription?.BackupDetails?.BackupName === backupName(ctx, 'rp');
}

/** Whether an import read this run's export of this resource (its bucket and prefix). */
export function readsRunExport(ctx: KindContext, summary: ImportSummary): boolean {
  const source = summary.S3BucketSource;
  return (
    source?.S3Bucket === exportBucketOf(ctx).bucket &&
    (source.S3KeyPrefix ?? '').startsWith(`${exportPrefix(ctx)}/`)
  );
}

/** The table's imports that read this run's export, newest last (ListImports of the table). */
export async function runImportsOf(ctx: KindContext, tableArn: string): Promise<ImportSummary[]> {
  const found: ImportSummary[] = [];
  let NextToken: string | undefined;
  do {
    const out = await call(ctx.primary, `ListImports ${tableArn}`, () =>
      ctx.primary.dynamodb.send(new ListImportsCommand({ TableArn: tableArn, NextToken })),
    );
    found.push(...(out.ImportSummaryList ?? []).filter((i) => readsRunExport(ctx, i)));
    NextToken = out.NextToken && out.NextToken !== NextToken ? out.NextToken : undefined;
  } while (NextToken);
  return found;
}
