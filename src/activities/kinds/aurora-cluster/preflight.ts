import { retiredName, testTargetName } from '../../../domain/naming.js';
import type { AwsEnvironment } from '../../aws/clients.js';
import type { DiscoveredResource, KindContext, PreflightResult } from '../resource-kind.js';
import { checkConfigurationSource } from '../shared/configuration.js';
import { checkCarriedDb } from '../shared/db-configuration.js';
import { oldPrimaryDbCluster } from '../shared/old-primary.js';
import { checkClusterReplicas, checkSourceDeletionProtection } from '../shared/db-hazards.js';
import {
  checkDbEncryption,
  checkSnapshotNames,
  checkSubnetGroups,
  rdsWriteGrants,
} from '../shared/db-preflight.js';
import { isOurs, TAG_RETIRED_BY, tagValue } from '../shared/markers.js';
import { checkRdsQuotas, Findings, where } from '../shared/preflight.js';
import { dbId, describeDbCluster, describeDbInstance, listDbClusters } from '../shared/rds.js';
import { memberNames } from './layout.js';
import { clusterSnapshotApi } from './snapshot-api.js';

/** Aurora clusters (RDS also lists Neptune and DocumentDB clusters: not this kind) with every tag. */
export async function resolveClusters(
  recovery: AwsEnvironment,
  tags: Record<string, string>,
): Promise<DiscoveredResource[]> {
  return (await listDbClusters(recovery))
    .filter((c) => (c.Engine ?? '').startsWith('aurora') && c.Status !== 'deleting')
    .filter((c) => Object.entries(tags).every(([key, value]) => tagValue(c.TagList, key) === value))
    .map((c) => ({
      source: c.DBClusterIdentifier ?? '',
      target: c.DBClusterIdentifier ?? '',
      sourceDetails: { engine: c.Engine, instances: c.DBClusterMembers?.length ?? 0 },
    }));
}

/**
 * The names the restored clusters' new instances take (memberNames) are free in primary, or the
 * plan's own: one in use by another database would stop the failback after the old cluster is retired.
 */
async function checkNewMemberNames(
  findings: Findings,
  ctx: KindContext,
  count: number,
  previous: string[],
): Promise<void> {
  const { target } = ctx.resource;
  const testName = testTargetName(target, ctx.plan.planId, ctx.resource.kind);
  const wanted: Array<[string, string]> = [
    ...memberNames(dbId(target), count, previous).map((n): [string, string] => [n, 'failback']),
    ...memberNames(dbId(testName), count, []).map((n): [string, string] => [n, 'test-failback']),
  ];
  for (const [name, phase] of wanted.filter(([n]) => !previous.includes(n))) {
    const db = await findings.probe('name-conflict', `DB instance ${name} in primary`, () =>
      describeDbInstance(ctx.primary, name),
    );
    if (db && !isOurs(db.TagList, ctx, phase))
      findings.add(
        'error',
        'name-conflict',
        `DB instance ${name} exists in primary and is not this plan's: the restored cluster's instance takes that name`,
      );
  }
}

/** Read-only: source, access to primary, names the plan will take, KMS keys, subnet groups, quotas. */
export async function preflightCluster(ctx: KindContext): Promise<PreflightResult> {
  const findings = new Findings(ctx.resource.key);
  const { source, target } = ctx.resource;
  const { found: cluster, absent } = await findings.lookup('exists', `DB cluster ${source} in recovery`, () =>
    describeDbCluster(ctx.recovery, source),
  );
  if (absent)
    findings.add(
      'error',
      'exists',
      `DB cluster ${source} does not exist in recovery (${where(ctx.recovery)})`,
    );
  if (cluster && !(cluster.Engine ?? '').startsWith('aurora')) {
    findings.add('error', 'settings', `${source} is a ${cluster.Engine} cluster, not Aurora`);
  } else if (cluster && cluster.Status !== 'available') {
    findings.add(
      'warning',
      'exists',
      `DB cluster ${source} is ${cluster.Status}; snapshots need it available`,
    );
  }
  const members = cluster?.DBClusterMembers?.length ?? 0;
  if (cluster && members === 0) {
    findings.add(
      'warning',
      'settings',
      `DB cluster ${source} has no instances: the copy will have none either`,
    );
  }
  const grants = await checkDbEncryption(
    findings,
    ctx,
    Boolean(cluster?.StorageEncrypted),
    cluster?.KmsKeyId,
    `DB cluster ${source}`,
  );

  let primaryExists = false;
  const { found: old } = await findings.lookup('access', `DB cluster ${target} in primary`, () =>
    describeDbCluster(ctx.primary, target),
  );
  if (old && !isOurs(old.TagList, ctx, 'failback')) {
    primaryExists = true;
    const retiredId = dbId(retiredName(target, new Date().toISOString()));
    findings.add(
      'info',
      'name-conflict',
      `${target} exists in primary: the failback renames it to ${retiredId} and its ${old.DBClusterMembers?.length ?? 0} instance(s) likewise`,
    );
    if (old.Status === 'stopped') {
      findings.add(
        'error',
        'settings',
        `cluster ${target} in primary is stopped: RDS cannot rename it, start it first`,
      );
    }
    if (
      tagValue(old.TagList, TAG_RETIRED_BY) === undefined &&
      (await describeDbCluster(ctx.primary, retiredId))
    ) {
      findings.add(
        'error',
        'name-conflict',
        `${retiredId} already exists in primary: the retired name is taken`,
      );
    }
  }
  // Its instances are renamed with it: the role may rename exactly these, and name at most as many
  // new ones as the larger layout has (decision 0045).
  const oldMembers = (old?.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier ?? '').filter(Boolean);
  const instances = Math.max(members, oldMembers.length);
  Object.assign(grants, rdsWriteGrants(ctx, 'aurora-cluster', { oldMembers, instances }));
  await checkNewMemberNames(findings, ctx, instances, primaryExists ? oldMembers : []);
  checkClusterReplicas(findings, cluster, old && !isOurs(old.TagList, ctx, 'failback') ? old : undefined);
  checkSourceDeletionProtection(findings, `DB cluster ${source}`, Boolean(cluster?.DeletionProtection));
  await checkCarriedDb(findings, ctx, `DB cluster ${source}`, cluster, true);
  await checkConfigurationSource(findings, ctx, oldPrimaryDbCluster, 'DB cluster');
  const testName = testTargetName(target, ctx.plan.planId, ctx.resource.kind);
  const test = await findings.probe('name-conflict', `DB cluster ${testName}`, () =>
    describeDbCluster(ctx.primary, testName),
  );
  if (test && !isOurs(test.TagList, ctx, 'test-failback')) {
    findings.add('error', 'name-conflict', `${testName} exists in primary and is not this plan's test copy`);
  }
  await checkSnapshotNames(findings, ctx, clusterSnapshotApi);
  await checkSubnetGroups(findings, ctx);
  await checkRdsQuotas(findings, ctx.primary, {
    DBClusters: 1,
    DBInstances: members,
    ManualClusterSnapshots: 1,
  });
  await checkRdsQuotas(findings, ctx.recovery, { ManualClusterSnapshots: 2 });
  return {
    findings: findings.list,
    primaryExists,
    grants,
    ...(cluster
      ? {
          sourceDetails: {
            engine: cluster.Engine,
            engineVersion: cluster.EngineVersion,
            instances: members,
            // The old primary cluster's instances as preflight saw them: the only ones the access
            // role may rename (decision 0045).
            primaryInstances: oldMembers.join(','),
            encrypted: Boolean(cluster.StorageEncrypted),
            status: cluster.Status,
          },
        }
      : {}),
  };
}
