import type { CompensationInput } from '../../../domain/resources.js';
import type { KindContext } from '../resource-kind.js';
import { keptDbSnapshot, type DbSnapshotApi } from './db-snapshots.js';
import { QUIESCE_MARK_KEYS, quiescedByUs, TAG_KEEP, type AwsTags } from './markers.js';
import { keptBackupName } from './names.js';
import { removeRdsTags } from './rds.js';

/**
 * Compensation's first step for a database kind: each copy the phase restored goes, after a kept
 * snapshot of it when it served traffic (its writes since the cutover are not lost).
 */
export async function removeRestoredDbCopies(
  ctx: KindContext,
  input: CompensationInput,
  api: DbSnapshotApi,
  ids: string[],
  remove: (id: string) => Promise<string[]>,
): Promise<{ removed: string[]; kept: string[] }> {
  const removed: string[] = [];
  const kept: string[] = [];
  for (const id of ids) {
    if (input.trafficServed) {
      const backup = await keptDbSnapshot(ctx, ctx.primary, api, {
        id: keptBackupName(ctx, api.maxId),
        dbId: id,
        tags: ctx.tags({ [TAG_KEEP]: 'true' }),
        phase: ctx.input.phase,
      });
      kept.push(backup.arn);
    }
    removed.push(...(await remove(id)));
  }
  return { removed, kept };
}

/** The recovery source loses the run's quiesce markers (databases are marked, never stopped). */
export async function unmarkDbSource(
  ctx: KindContext,
  source: { arn: string | undefined; tags: AwsTags } | undefined,
): Promise<void> {
  if (source?.arn && quiescedByUs(source.tags, ctx))
    await removeRdsTags(ctx.recovery, source.arn, QUIESCE_MARK_KEYS);
}
