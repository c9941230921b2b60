import type { TableDescription } from '@aws-sdk/client-dynamodb';
import type { PrimaryCopy, RecoveryPoint } from '../../../domain/resources.js';
import type { KindContext } from '../resource-kind.js';
import { importOfTable } from './export-import.js';
import { methodOf } from './recovery-point.js';
import { ownedByPlan } from './tables.js';

/**
 * Whether a table in primary is this phase's copy: tagged by the plan for this phase, or — after a
 * crash between the create call and the tagging — restored from this recovery point or imported from
 * this copy. Returns the import ARN for an import still to wait for.
 */
export async function isOurCopy(
  ctx: KindContext,
  table: TableDescription,
  rp?: RecoveryPoint,
  copy?: PrimaryCopy,
): Promise<{ ours: boolean; importArn?: string }> {
  if (await ownedByPlan(ctx.primary, table, ctx.plan.planId, ctx.input.phase)) return { ours: true };
  if (!rp) return { ours: false };
  const method = methodOf(rp);
  if (method === 'restore')
    return { ours: Boolean(rp.arn) && table.RestoreSummary?.SourceBackupArn === rp.arn };
  // An import of this copy cannot predate the export it reads: an older table is someone else's.
  const created = table.CreationDateTime?.getTime() ?? 0;
  if (method === 'export-import' && copy && created >= Date.parse(rp.capturedAt)) {
    const importArn = await importOfTable(ctx.primary, table, copy);
    return importArn ? { ours: true, importArn } : { ours: false };
  }
  return { ours: false };
}
