import { retiredName, testTargetName } from '../../../domain/naming.js';
import type { AwsEnvironment } from '../../aws/clients.js';
import type { DiscoveredResource, KindContext, PreflightResult } from '../resource-kind.js';
import { checkConfigurationSource } from '../shared/configuration.js';
import { checkCarriedDb } from '../shared/db-configuration.js';
import { oldPrimaryDbInstance } from '../shared/old-primary.js';
import {
  checkInstanceReplicas,
  checkOptionGroups,
  checkSourceDeletionProtection,
} from '../shared/db-hazards.js';
import {
  checkDbEncryption,
  checkSnapshotNames,
  checkSubnetGroups,
  rdsWriteGrants,
} from '../shared/db-preflight.js';
import { isOurs, TAG_RETIRED_BY, tagValue } from '../shared/markers.js';
import { checkRdsQuotas, Findings, where } from '../shared/preflight.js';
import { dbId, describeDbInstance, listDbInstances } from '../shared/rds.js';
import { dbSnapshotApi } from './snapshot-api.js';

/** Stand-alone DB instances (not Aurora members: those belong to their cluster) with every tag. */
export async function resolveDbInstances(
  recovery: AwsEnvironment,
  tags: Record<string, string>,
): Promise<DiscoveredResource[]> {
  return (await listDbInstances(recovery))
    .filter((db) => !db.DBClusterIdentifier && db.DBInstanceStatus !== 'deleting')
    .filter((db) => Object.entries(tags).every(([key, value]) => tagValue(db.TagList, key) === value))
    .map((db) => ({
      source: db.DBInstanceIdentifier ?? '',
      target: db.DBInstanceIdentifier ?? '',
      sourceDetails: { engine: db.Engine, instanceClass: db.DBInstanceClass, encrypted: db.StorageEncrypted },
    }));
}

/** Read-only: source, access to primary, names the plan will take, KMS keys, subnet groups, quotas. */
export async function preflightDbInstance(ctx: KindContext): Promise<PreflightResult> {
  const findings = new Findings(ctx.resource.key);
  const { source, target } = ctx.resource;
  const { found: db, absent } = await findings.lookup('exists', `DB instance ${source} in recovery`, () =>
    describeDbInstance(ctx.recovery, source),
  );
  if (absent)
    findings.add(
      'error',
      'exists',
      `DB instance ${source} does not exist in recovery (${where(ctx.recovery)})`,
    );
  if (db?.DBClusterIdentifier) {
    findings.add(
      'error',
      'settings',
      `${source} is an instance of Aurora cluster ${db.DBClusterIdentifier}: fail back the cluster (kind aurora-cluster)`,
    );
  } else if (db && db.DBInstanceStatus !== 'available') {
    findings.add(
      'warning',
      'exists',
      `DB instance ${source} is ${db.DBInstanceStatus}; snapshots need it available`,
    );
  }
  const grants = await checkDbEncryption(
    findings,
    ctx,
    Boolean(db?.StorageEncrypted),
    db?.KmsKeyId,
    `DB instance ${source}`,
  );

  let primaryExists = false;
  const { found: old } = await findings.lookup('access', `DB instance ${target} in primary`, () =>
    describeDbInstance(ctx.primary, target),
  );
  if (old && !isOurs(old.TagList, ctx, 'failback')) {
    primaryExists = true;
    const retiredId = dbId(retiredName(target, new Date().toISOString()));
    findings.add(
      'info',
      'name-conflict',
      `${target} exists in primary: the failback renames it to ${retiredId}`,
    );
    if (old.DBInstanceStatus === 'stopped') {
      findings.add(
        'error',
        'settings',
        `${target} in primary is stopped: RDS cannot rename it, start it first`,
      );
    }
    if (old.DBClusterIdentifier) {
      findings.add(
        'error',
        'name-conflict',
        `${target} in primary is an Aurora instance of ${old.DBClusterIdentifier}`,
      );
    }
    if (
      tagValue(old.TagList, TAG_RETIRED_BY) === undefined &&
      (await describeDbInstance(ctx.primary, retiredId))
    ) {
      findings.add(
        'error',
        'name-conflict',
        `${retiredId} already exists in primary: the retired name is taken`,
      );
    }
  }
  checkInstanceReplicas(findings, db, old && !isOurs(old.TagList, ctx, 'failback') ? old : undefined);
  checkSourceDeletionProtection(findings, `DB instance ${source}`, Boolean(db?.DeletionProtection));
  await checkOptionGroups(
    findings,
    ctx,
    (db?.OptionGroupMemberships ?? []).map((m) => m.OptionGroupName ?? ''),
  );
  const monitoring = await checkCarriedDb(
    findings,
    ctx,
    `DB instance ${source}`,
    db,
    false,
    old && !isOurs(old.TagList, ctx, 'failback') ? old : undefined,
  );
  if (monitoring.monitoringRoleArns.length) grants.monitoringRoleArns = monitoring.monitoringRoleArns;
  Object.assign(grants, rdsWriteGrants(ctx, 'rds-instance'));
  await checkConfigurationSource(findings, ctx, oldPrimaryDbInstance, 'DB instance');
  const testName = testTargetName(target, ctx.plan.planId, ctx.resource.kind);
  const test = await findings.probe('name-conflict', `DB instance ${testName}`, () =>
    describeDbInstance(ctx.primary, testName),
  );
  if (test && !isOurs(test.TagList, ctx, 'test-failback')) {
    findings.add('error', 'name-conflict', `${testName} exists in primary and is not this plan's test copy`);
  }
  await checkSnapshotNames(findings, ctx, dbSnapshotApi);
  await checkSubnetGroups(findings, ctx);
  await checkRdsQuotas(findings, ctx.primary, { DBInstances: 1, ManualSnapshots: 1 });
  await checkRdsQuotas(findings, ctx.recovery, { ManualSnapshots: 2 });
  return {
    findings: findings.list,
    primaryExists,
    grants,
    ...(db
      ? {
          sourceDetails: {
            engine: db.Engine,
            engineVersion: db.EngineVersion,
            instanceClass: db.DBInstanceClass,
            allocatedStorageGiB: db.AllocatedStorage,
            encrypted: Boolean(db.StorageEncrypted),
            status: db.DBInstanceStatus,
            ...monitoring.sourceDetails,
          },
        }
      : {}),
  };
}
