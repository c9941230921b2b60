import type { QuiesceResult } from '../../../domain/resources.js';
import type { Tag } from '../../aws/tags.js';
import type { KindContext } from '../resource-kind.js';
import { quiescedByUs, quiesceTags, TAG_QUIESCED_AT, tagValue, type AwsTags } from './markers.js';

/**
 * The quiesce of a source AWS cannot stop (RDS, Aurora, DynamoDB: the maintenance window stops the
 * application): the time is recorded on the source itself, once, by the run's first quiesce
 * (failback:quiesced-at with failback:quiesced-by/-run). A retry of the failback reads it back, so the
 * recovery point it adopts from the first run is still "after the quiesce" (item 5); compensation
 * removes the markers again.
 */
export async function recordQuiesce(
  ctx: KindContext,
  current: AwsTags,
  tag: (tags: Tag[]) => Promise<void>,
): Promise<QuiesceResult> {
  const recorded = quiescedByUs(current, ctx) ? tagValue(current, TAG_QUIESCED_AT) : undefined;
  if (recorded) return { quiescedAt: recorded, stopped: false };
  const quiescedAt = new Date().toISOString();
  await tag(quiesceTags(ctx, { [TAG_QUIESCED_AT]: quiescedAt }));
  return { quiescedAt, stopped: false };
}
