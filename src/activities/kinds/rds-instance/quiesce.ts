import type { QuiesceResult } from '../../../domain/resources.js';
import { needsPersonFailure } from '../../aws/errors.js';
import type { KindContext } from '../resource-kind.js';
import { recordQuiesce } from '../shared/quiesce.js';
import { addRdsTags, describeDbInstance } from '../shared/rds.js';

/**
 * RDS cannot stop an instance while it is being snapshotted, and stopping it would not make the
 * snapshot more consistent than RDS's own crash-consistent snapshot does. The application is
 * quiesced by the maintenance window (no production traffic); this records when, on the source (the
 * first quiesce's time is kept for every retry), so verify can prove the recovery point was taken
 * after it.
 */
export async function quiesceDbInstance(ctx: KindContext): Promise<QuiesceResult> {
  const db = await describeDbInstance(ctx.recovery, ctx.resource.source);
  if (!db?.DBInstanceArn)
    throw needsPersonFailure('NotFound', `DB instance ${ctx.resource.source} does not exist in recovery`);
  return recordQuiesce(ctx, db.TagList, (tags) => addRdsTags(ctx.recovery, db.DBInstanceArn ?? '', tags));
}
