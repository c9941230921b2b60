import type { QuiesceResult } from '../../../domain/resources.js';
import { needsPersonFailure } from '../../aws/errors.js';
import type { KindContext } from '../resource-kind.js';
import { recordQuiesce } from '../shared/quiesce.js';
import { addRdsTags, describeDbCluster } from '../shared/rds.js';

/**
 * Aurora cannot stop a cluster while it is being snapshotted (and a stopped cluster cannot be
 * snapshotted at all). The application is quiesced by the maintenance window (no production
 * traffic); this records when, on the source cluster (the first quiesce's time is kept for every
 * retry), so verify can prove the recovery point was taken after it.
 */
export async function quiesceCluster(ctx: KindContext): Promise<QuiesceResult> {
  const cluster = await describeDbCluster(ctx.recovery, ctx.resource.source);
  if (!cluster?.DBClusterArn)
    throw needsPersonFailure('NotFound', `DB cluster ${ctx.resource.source} does not exist in recovery`);
  return recordQuiesce(ctx, cluster.TagList, (tags) =>
    addRdsTags(ctx.recovery, cluster.DBClusterArn ?? '', tags),
  );
}
