import type { DBCluster, DBInstance } from '@aws-sdk/client-rds';
import type { KindContext } from '../resource-kind.js';
import { isOurs, retiredByUs, TAG_RETIRED_FROM, tagValue } from './markers.js';
import { dbId, describeDbCluster, describeDbInstance, listDbClusters, listDbInstances } from './rds.js';

/** The old primary instance this plan run retired (renamed, tagged failback:retired-by/-run), if any. */
export async function findRetiredInstance(ctx: KindContext): Promise<DBInstance | undefined> {
  const target = dbId(ctx.resource.target);
  return (await listDbInstances(ctx.primary)).find(
    (db) =>
      !db.DBClusterIdentifier &&
      retiredByUs(db.TagList, ctx) &&
      tagValue(db.TagList, TAG_RETIRED_FROM) === target,
  );
}

/** The old primary cluster this plan run retired (tagged failback:retired-by/-run), under whichever name. */
export async function findRetiredCluster(ctx: KindContext): Promise<DBCluster | undefined> {
  const target = dbId(ctx.resource.target);
  return (await listDbClusters(ctx.primary)).find(
    (c) => retiredByUs(c.TagList, ctx) && tagValue(c.TagList, TAG_RETIRED_FROM) === target,
  );
}

/**
 * The old primary DB instance, wherever the plan is: live under the target name (preflight, the test
 * failback), or renamed by this run's retirement (the failback, once retired).
 */
export async function oldPrimaryDbInstance(ctx: KindContext): Promise<DBInstance | undefined> {
  const current = await describeDbInstance(ctx.primary, dbId(ctx.resource.target));
  if (current && !current.DBClusterIdentifier && !isOurs(current.TagList, ctx)) return current;
  return findRetiredInstance(ctx);
}

/** The same for an Aurora cluster. */
export async function oldPrimaryDbCluster(ctx: KindContext): Promise<DBCluster | undefined> {
  const current = await describeDbCluster(ctx.primary, dbId(ctx.resource.target));
  if (current && !isOurs(current.TagList, ctx)) return current;
  return findRetiredCluster(ctx);
}
