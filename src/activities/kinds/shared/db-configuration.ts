import {
  DescribeDBClusterParameterGroupsCommand,
  DescribeDBParameterGroupsCommand,
  type DBCluster,
  type DBInstance,
  type RestoreDBClusterFromSnapshotCommandInput,
  type RestoreDBInstanceFromDBSnapshotCommandInput,
} from '@aws-sdk/client-rds';
import type { KindContext } from '../resource-kind.js';
import { describeOrUndefined } from './calls.js';
import {
  carriedTags,
  TEST_COPY_TAGS_NOTE,
  withCustomerTags,
  listItem,
  tagsItem,
  TAGS_PER_RESOURCE,
  valueItem,
  type ConfigurationItem,
  type ConfigurationTable,
} from './configuration.js';
import {
  DEFERRED_DELETION_PROTECTION,
  DEFERRED_ENHANCED_MONITORING,
  DEFERRED_PERFORMANCE_INSIGHTS,
  TAG_DEFERRED,
  TAG_RESTORED_FROM,
} from './markers.js';
import {
  checkMonitoringRole,
  grantedMonitoring,
  MONITORING_NOTE,
  MONITORING_TEST_NOTE,
} from './db-monitoring.js';
import { oldPrimaryDbCluster, oldPrimaryDbInstance } from './old-primary.js';
import { configurationFrom, dbPlacement } from './options.js';
import { where, type Findings } from './preflight.js';
import { describeDbCluster, describeDbInstance } from './rds.js';

const DELETION_PROTECTION = {
  notCarried:
    'left off the copy while the plan may still remove it on abort: the final cleanup turns it on, ' +
    'after primary-validated',
  notInTest: 'a test copy is never protected: the test failback removes it',
};
const TAGS_NOTE = `a database takes ${TAGS_PER_RESOURCE} tags and the plan's own come first`;
const PARAMETER_GROUP_NOTE =
  'carried when primary has a parameter group of that name (groups are not copied): create it there, then retry';

function isDefault(name: string | undefined): boolean {
  return !name || name.startsWith('default.') || name.startsWith('default:');
}

/** The items DB instances and clusters share, read through `pick`. */
function sharedItems<R>(pick: (r: R) => DBInstance | DBCluster): ConfigurationItem<R>[] {
  return [
    {
      item: 'tags',
      read: (r) => tagsItem(pick(r).TagList),
      notCarried: TAGS_NOTE,
      notInTest: TEST_COPY_TAGS_NOTE,
    },
    // What the snapshot determines stays as the snapshot has it, whatever configurationFrom says.
    { item: 'engine version', read: (r) => pick(r).EngineVersion, fromSnapshot: true },
    {
      item: 'deletion protection',
      read: (r) => valueItem(pick(r).DeletionProtection),
      ...DELETION_PROTECTION,
    },
    { item: 'IAM database authentication', read: (r) => valueItem(pick(r).IAMDatabaseAuthenticationEnabled) },
    { item: 'copy tags to snapshots', read: (r) => valueItem(pick(r).CopyTagsToSnapshot) },
    {
      item: 'backup retention (days)',
      read: (r) => valueItem(pick(r).BackupRetentionPeriod),
      fromSnapshot: true,
    },
    {
      item: 'security groups',
      read: (r) => listItem(pick(r).VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)),
      mapped: (ctx) => listItem(dbPlacement(ctx.resource, false).securityGroupIds),
      notCarried: 'security groups belong to their account and VPC: map them (options.vpcSecurityGroupIds)',
    },
  ];
}

/** RDS DB instances: adding an item is one line (and, if the restore can carry it, one in `carriedDbInstance`). */
export const rdsConfiguration: ConfigurationTable<DBInstance> = {
  items: [
    ...sharedItems<DBInstance>((db) => db),
    {
      item: 'instance class',
      read: (db) => db.DBInstanceClass,
      mapped: (ctx) => dbPlacement(ctx.resource, false).instanceClass,
    },
    {
      item: 'storage',
      fromSnapshot: true,
      read: (db) =>
        [db.StorageType, `${db.AllocatedStorage ?? '?'}GiB`, ...(db.Iops ? [`${db.Iops}iops`] : [])].join(
          ' ',
        ),
    },
    { item: 'Multi-AZ', read: (db) => valueItem(db.MultiAZ) },
    {
      item: 'parameter group',
      read: (db) => listItem(db.DBParameterGroups?.map((g) => g.DBParameterGroupName)),
      notCarried: PARAMETER_GROUP_NOTE,
    },
    {
      item: 'option group',
      read: (db) => listItem(db.OptionGroupMemberships?.map((g) => g.OptionGroupName)),
      // The snapshot's option group (preflight checks that primary has it).
      fromSnapshot: true,
    },
    {
      item: 'enhanced monitoring (s)',
      read: (db) => valueItem(db.MonitoringInterval || undefined),
      notCarried: MONITORING_NOTE,
      notInTest: MONITORING_TEST_NOTE,
    },
    {
      item: 'Performance Insights',
      // On, and how long it keeps its data (days).
      read: (db) =>
        valueItem(
          db.PerformanceInsightsEnabled ? `${db.PerformanceInsightsRetentionPeriod ?? 7} days` : undefined,
        ),
      // Not inside the window: ModifyDBInstance puts the copy in `modifying` while the window runs.
      notCarried:
        'a restore does not take it: the final cleanup turns it on (ModifyDBInstance), after primary-validated',
      notInTest: 'a test copy does not get it: the test failback removes the copy',
    },
    {
      item: 'subnet group',
      read: (db) => db.DBSubnetGroup?.DBSubnetGroupName,
      mapped: (ctx) => dbPlacement(ctx.resource, ctx.input.phase === 'test-failback').subnetGroup,
      notCarried: 'subnet groups belong to their account: map it (options.dbSubnetGroupName)',
    },
  ],
  describe: (ctx, side, id) => describeDbInstance(side === 'recovery' ? ctx.recovery : ctx.primary, id),
  oldPrimary: oldPrimaryDbInstance,
};

/** Aurora clusters: the cluster's own items (its members' classes and tiers are restored from the source). */
export const auroraConfiguration: ConfigurationTable<DBCluster> = {
  items: [
    ...sharedItems<DBCluster>((c) => c),
    {
      item: 'cluster parameter group',
      read: (c) => c.DBClusterParameterGroup,
      notCarried: PARAMETER_GROUP_NOTE,
    },
    {
      item: 'serverless v2 scaling',
      read: (c) =>
        c.ServerlessV2ScalingConfiguration
          ? `${c.ServerlessV2ScalingConfiguration.MinCapacity}-${c.ServerlessV2ScalingConfiguration.MaxCapacity} ACU`
          : undefined,
    },
    { item: 'members', read: (c) => valueItem(c.DBClusterMembers?.length) },
  ],
  describe: (ctx, side, id) => describeDbCluster(side === 'recovery' ? ctx.recovery : ctx.primary, id),
  oldPrimary: oldPrimaryDbCluster,
};

async function parameterGroupInPrimary(ctx: KindContext, name: string, cluster: boolean): Promise<boolean> {
  const env = ctx.primary;
  const found = await describeOrUndefined(env, `Describe parameter group ${name}`, async () =>
    cluster
      ? (
          await env.rds.send(
            new DescribeDBClusterParameterGroupsCommand({ DBClusterParameterGroupName: name }),
          )
        ).DBClusterParameterGroups?.[0]
      : (await env.rds.send(new DescribeDBParameterGroupsCommand({ DBParameterGroupName: name })))
          .DBParameterGroups?.[0],
  );
  return found !== undefined;
}

/** The copy's tags at its restore: the plan's (with where it came from, and what is deferred), then the source's. */
export function restoredDbTags(
  ctx: KindContext,
  copyId: string,
  carried: { tags: Array<{ Key: string; Value: string }>; deferred: Record<string, string> },
): Array<{ Key: string; Value: string }> {
  return withCustomerTags(ctx.tags({ [TAG_RESTORED_FROM]: copyId, ...carried.deferred }), carried.tags);
}

/**
 * What the failback's copy gets only at the final cleanup (TAG_DEFERRED, recorded on the copy when it
 * is restored: by then the source may be gone, or its protection lifted for conclude recovery).
 */
function deferredSettings(
  ctx: KindContext,
  source: {
    DeletionProtection?: boolean;
    PerformanceInsightsEnabled?: boolean;
    PerformanceInsightsRetentionPeriod?: number;
    MonitoringInterval?: number;
  },
): Record<string, string> {
  if (ctx.input.phase !== 'failback') return {};
  const days = source.PerformanceInsightsRetentionPeriod;
  const deferred = [
    ...(source.DeletionProtection ? [DEFERRED_DELETION_PROTECTION] : []),
    // With its retention when not RDS's default of 7 days (`performance-insights:731`).
    ...(source.PerformanceInsightsEnabled
      ? [days && days !== 7 ? `${DEFERRED_PERFORMANCE_INSIGHTS}:${days}` : DEFERRED_PERFORMANCE_INSIGHTS]
      : []),
    // Only with primary's role that preflight found (and the access role may pass).
    ...(source.MonitoringInterval && grantedMonitoring(ctx) ? [DEFERRED_ENHANCED_MONITORING] : []),
  ];
  return deferred.length ? { [TAG_DEFERRED]: deferred.join(' ') } : {};
}

/**
 * A restore's parameters that carry the configuration source's configuration (rdsConfiguration's
 * carried items): the recovery source's, or the old primary's with configurationFrom 'primary' (its
 * class too, `instanceClass`: the plan spec's still wins). The option group is the snapshot's.
 */
export async function carriedDbInstance(ctx: KindContext): Promise<{
  tags: Array<{ Key: string; Value: string }>;
  deferred: Record<string, string>;
  params: Partial<RestoreDBInstanceFromDBSnapshotCommandInput>;
  instanceClass?: string;
}> {
  const fromPrimary = configurationFrom(ctx.resource) === 'primary';
  const source = await describeDbInstance(ctx.recovery, ctx.resource.source);
  const db = fromPrimary ? await oldPrimaryDbInstance(ctx) : source;
  if (!db) return { tags: [], deferred: {}, params: {} };
  const group = db.DBParameterGroups?.[0]?.DBParameterGroupName;
  const option = source?.OptionGroupMemberships?.[0]?.OptionGroupName;
  const carryGroup = !isDefault(group) && (await parameterGroupInPrimary(ctx, group ?? '', false));
  return {
    tags: carriedTags(ctx, db.TagList),
    deferred: deferredSettings(ctx, db),
    ...(fromPrimary && db.DBInstanceClass ? { instanceClass: db.DBInstanceClass } : {}),
    params: {
      ...(db.MultiAZ !== undefined ? { MultiAZ: db.MultiAZ } : {}),
      ...(db.IAMDatabaseAuthenticationEnabled !== undefined
        ? { EnableIAMDatabaseAuthentication: db.IAMDatabaseAuthenticationEnabled }
        : {}),
      ...(db.CopyTagsToSnapshot !== undefined ? { CopyTagsToSnapshot: db.CopyTagsToSnapshot } : {}),
      ...(carryGroup ? { DBParameterGroupName: group } : {}),
      // Preflight refuses a source whose option group primary lacks (shared/db-hazards.ts).
      ...(!isDefault(option) ? { OptionGroupName: option } : {}),
    },
  };
}

/** The same for a cluster (auroraConfiguration's carried items), from the same side. */
export async function carriedCluster(ctx: KindContext): Promise<{
  tags: Array<{ Key: string; Value: string }>;
  deferred: Record<string, string>;
  params: Partial<RestoreDBClusterFromSnapshotCommandInput>;
}> {
  const c =
    configurationFrom(ctx.resource) === 'primary'
      ? await oldPrimaryDbCluster(ctx)
      : await describeDbCluster(ctx.recovery, ctx.resource.source);
  if (!c) return { tags: [], deferred: {}, params: {} };
  const group = c.DBClusterParameterGroup;
  const carryGroup = !isDefault(group) && (await parameterGroupInPrimary(ctx, group ?? '', true));
  const scaling = c.ServerlessV2ScalingConfiguration;
  return {
    tags: carriedTags(ctx, c.TagList),
    // Only deletion protection: Performance Insights and monitoring are per instance in Aurora (a
    // cluster's are reported with the fix, see dbSettingHazards).
    deferred: deferredSettings(ctx, { DeletionProtection: c.DeletionProtection }),
    params: {
      ...(c.IAMDatabaseAuthenticationEnabled !== undefined
        ? { EnableIAMDatabaseAuthentication: c.IAMDatabaseAuthenticationEnabled }
        : {}),
      ...(c.CopyTagsToSnapshot !== undefined ? { CopyTagsToSnapshot: c.CopyTagsToSnapshot } : {}),
      ...(carryGroup ? { DBClusterParameterGroupName: group } : {}),
      ...(scaling?.MinCapacity !== undefined && scaling.MaxCapacity !== undefined
        ? {
            ServerlessV2ScalingConfiguration: {
              MinCapacity: scaling.MinCapacity,
              MaxCapacity: scaling.MaxCapacity,
            },
          }
        : {}),
    },
  };
}

/**
 * Preflight: what of a database's configuration its copy will lack unless the operator acts first, or
 * will lack anyway (turned on after the failback), each with the fix.
 */
export async function checkCarriedDb(
  findings: Findings,
  ctx: KindContext,
  what: string,
  source: DBInstance | DBCluster | undefined,
  cluster: boolean,
  oldPrimary?: DBInstance,
): Promise<{ monitoringRoleArns: string[]; sourceDetails: Record<string, string | number> }> {
  const none = { monitoringRoleArns: [], sourceDetails: {} };
  if (!source) return none;
  const group = cluster
    ? (source as DBCluster).DBClusterParameterGroup
    : (source as DBInstance).DBParameterGroups?.[0]?.DBParameterGroupName;
  if (group && !isDefault(group)) {
    const { absent } = await findings.lookup('settings', `parameter group ${group} in primary`, async () =>
      (await parameterGroupInPrimary(ctx, group, cluster)) ? true : undefined,
    );
    if (absent)
      findings.add(
        'warning',
        'settings',
        `${what} in recovery uses ${cluster ? 'cluster ' : ''}parameter group ${group}, which primary (${where(ctx.primary)}) lacks: its copy gets the default group. Create ${group} in primary with the same family and parameters, then run preflight again`,
      );
  }
  // Performance Insights the final cleanup turns on itself (TAG_DEFERRED); monitoring too, for an
  // instance, with primary's role of the same name (db-monitoring.ts).
  if (!cluster) {
    const db = configurationFrom(ctx.resource) === 'primary' ? oldPrimary : (source as DBInstance);
    const found = await checkMonitoringRole(findings, ctx, what, db);
    return { monitoringRoleArns: found.grants, sourceDetails: found.sourceDetails };
  }
  const c = source as DBCluster;
  const later = [
    ...(c.MonitoringInterval ? [`enhanced monitoring every ${c.MonitoringInterval} s`] : []),
    ...(c.PerformanceInsightsEnabled ? ['Performance Insights'] : []),
  ];
  if (later.length)
    findings.add(
      'warning',
      'settings',
      `${what} in recovery has ${later.join(' and ')}: its copy in primary does not get it (a restore does not take it; monitoring needs a role in primary). Turn it on after primary-validated (ModifyDBCluster)`,
    );
  return none;
}
