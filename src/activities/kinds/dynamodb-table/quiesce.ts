import { UntagResourceCommand } from '@aws-sdk/client-dynamodb';
import type { QuiesceResult } from '../../../domain/resources.js';
import { needsPersonFailure } from '../../aws/errors.js';
import type { KindContext } from '../resource-kind.js';
import { QUIESCE_MARK_KEYS, quiescedByUs } from '../shared/markers.js';
import { recordQuiesce } from '../shared/quiesce.js';
import { call } from './calls.js';
import { describeTable, tableTags, tagTable } from './tables.js';

/**
 * DynamoDB cannot refuse writes: the application is stopped in the window. The quiesce records when,
 * on the source table (the first quiesce's time is kept for every retry of the failback, item 5).
 */
export async function quiesceTable(ctx: KindContext): Promise<QuiesceResult> {
  const table = await describeTable(ctx.recovery, ctx.resource.source);
  if (!table?.TableArn)
    throw needsPersonFailure('NotFound', `DynamoDB table ${ctx.resource.source} does not exist in recovery`);
  const arn = table.TableArn;
  return recordQuiesce(ctx, await tableTags(ctx.recovery, arn), (tags) => tagTable(ctx.recovery, arn, tags));
}

/** Compensation: the source loses the run's quiesce markers (its own tags stay as they were). */
export async function unmarkQuiesced(ctx: KindContext): Promise<void> {
  const table = await describeTable(ctx.recovery, ctx.resource.source);
  if (!table?.TableArn || !quiescedByUs(await tableTags(ctx.recovery, table.TableArn), ctx)) return;
  await call(ctx.recovery, `UntagResource ${table.TableArn}`, () =>
    ctx.recovery.dynamodb.send(
      new UntagResourceCommand({ ResourceArn: table.TableArn, TagKeys: QUIESCE_MARK_KEYS }),
    ),
  );
}
