import type { DBCluster } from '@aws-sdk/client-rds';
import type { RecoveryPoint } from '../../../domain/resources.js';
import type { AwsEnvironment } from '../../aws/clients.js';
import { needsPersonFailure } from '../../aws/errors.js';
import type { KindContext } from '../resource-kind.js';
import { oldPrimaryDbCluster } from '../shared/old-primary.js';
import { configurationFrom } from '../shared/options.js';
import { describeDbCluster, describeDbInstance } from '../shared/rds.js';

/** One instance of a cluster: the restored cluster gets the same writer and readers. */
export interface MemberSpec {
  instanceClass: string;
  writer: boolean;
  promotionTier?: number;
}

/** The instances of a cluster, writer first (the first instance of a restored cluster becomes its writer). */
export async function clusterLayout(env: AwsEnvironment, cluster: DBCluster): Promise<MemberSpec[]> {
  const members = [...(cluster.DBClusterMembers ?? [])].sort(
    (a, b) => Number(Boolean(b.IsClusterWriter)) - Number(Boolean(a.IsClusterWriter)),
  );
  const specs: MemberSpec[] = [];
  for (const member of members) {
    const db = await describeDbInstance(env, member.DBInstanceIdentifier ?? '');
    if (!db) continue;
    specs.push({
      instanceClass: db.DBInstanceClass ?? 'db.r6g.large',
      writer: Boolean(member.IsClusterWriter),
      ...(member.PromotionTier !== undefined ? { promotionTier: member.PromotionTier } : {}),
    });
  }
  return specs;
}

/** The source cluster's layout, as recorded with the recovery point (or read again from recovery). */
export async function sourceLayout(ctx: KindContext, recoveryPoint?: RecoveryPoint): Promise<MemberSpec[]> {
  const recorded = recoveryPoint?.details?.members;
  if (typeof recorded === 'string') return JSON.parse(recorded) as MemberSpec[];
  const cluster = await describeDbCluster(ctx.recovery, ctx.resource.source);
  if (!cluster) {
    throw needsPersonFailure('NotFound', `DB cluster ${ctx.resource.source} does not exist in recovery`);
  }
  return clusterLayout(ctx.recovery, cluster);
}

/**
 * The layout the copy gets: the source's, or with configurationFrom 'primary' the old primary
 * cluster's (a pilot-light DR cluster ran fewer or smaller instances), when it has any.
 */
export async function configuredLayout(
  ctx: KindContext,
  recoveryPoint?: RecoveryPoint,
): Promise<MemberSpec[]> {
  if (configurationFrom(ctx.resource) === 'primary') {
    const old = await oldPrimaryDbCluster(ctx);
    const layout = old ? await clusterLayout(ctx.primary, old) : [];
    if (layout.length) return layout;
  }
  return sourceLayout(ctx, recoveryPoint);
}

export { memberNames } from '../../../domain/naming.js';
