import { needsPersonFailure } from '../../aws/errors.js';
import type { KindContext } from '../resource-kind.js';
import type { TableSettings } from './settings.js';

export type CopyMethod = 'restore' | 'export-import' | 'scan-copy';

/**
 * How the table's data travels (plan option copyMethod, default auto):
 * - restore: on-demand backup in recovery, RestoreTableFromBackup in primary (one account; backups
 *   restore across regions but cannot be shared with another account);
 * - export-import: ExportTableToPointInTime to S3, copy to primary, ImportTable (across accounts;
 *   needs PITR on the source, and ImportTable cannot create local secondary indexes);
 * - scan-copy: parallel Scan + BatchWriteItem (anything else).
 * Returns a reason when an explicitly chosen method cannot work, so preflight can report it.
 */
export function chooseMethod(
  ctx: Pick<KindContext, 'crossAccount' | 'resource'>,
  settings: Pick<TableSettings, 'pitr' | 'lsis'>,
): { method: CopyMethod; problem?: string } {
  const wanted = (ctx.resource.options?.copyMethod as string | undefined) ?? 'auto';
  const canExport = settings.pitr && settings.lsis.length === 0;
  const whyNotExport = !settings.pitr
    ? 'export to S3 needs point-in-time recovery enabled on the source table'
    : 'ImportTable cannot create local secondary indexes';
  if (wanted === 'restore' && ctx.crossAccount)
    return {
      method: 'restore',
      problem: 'DynamoDB backups cannot be restored into another account: use export-import or scan-copy',
    };
  if (wanted === 'export-import' && !canExport) return { method: 'export-import', problem: whyNotExport };
  if (wanted === 'restore' || wanted === 'export-import' || wanted === 'scan-copy') return { method: wanted };
  if (!ctx.crossAccount) return { method: 'restore' };
  return { method: canExport ? 'export-import' : 'scan-copy' };
}

export function methodOrFail(ctx: KindContext, settings: TableSettings): CopyMethod {
  const { method, problem } = chooseMethod(ctx, settings);
  if (problem)
    throw needsPersonFailure('InvalidParameter', `${ctx.resource.key}: copyMethod ${method}: ${problem}`);
  return method;
}
