import {
  DescribeDBClusterSnapshotAttributesCommand,
  DescribeDBSnapshotAttributesCommand,
  paginateDescribeDBClusters,
  paginateDescribeDBClusterSnapshots,
  paginateDescribeDBInstances,
  paginateDescribeDBSnapshots,
  type DBCluster,
  type DBInstance,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { iso, sorted, tagMap, type ResourceRecord } from './types.js';

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

function instanceRecord(d: DBInstance): ResourceRecord {
  return {
    resourceId: d.DbiResourceId ?? '',
    status: d.DBInstanceStatus ?? '',
    created: iso(d.InstanceCreateTime),
    instanceClass: d.DBInstanceClass ?? '',
    engine: d.Engine ?? '',
    engineVersion: d.EngineVersion ?? '',
    cluster: d.DBClusterIdentifier ?? null,
    allocatedStorage: d.AllocatedStorage ?? null,
    storageType: d.StorageType ?? null,
    storageEncrypted: d.StorageEncrypted ?? false,
    kmsKeyId: d.KmsKeyId ?? null,
    multiAZ: d.MultiAZ ?? false,
    publiclyAccessible: d.PubliclyAccessible ?? false,
    parameterGroups: sorted((d.DBParameterGroups ?? []).map((g) => g.DBParameterGroupName ?? '')),
    optionGroups: sorted((d.OptionGroupMemberships ?? []).map((g) => g.OptionGroupName ?? '')),
    subnetGroup: d.DBSubnetGroup?.DBSubnetGroupName ?? null,
    vpcSecurityGroups: sorted((d.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? '')),
    deletionProtection: d.DeletionProtection ?? false,
    backupRetentionPeriod: d.BackupRetentionPeriod ?? null,
    preferredBackupWindow: d.PreferredBackupWindow ?? null,
    preferredMaintenanceWindow: d.PreferredMaintenanceWindow ?? null,
    copyTagsToSnapshot: d.CopyTagsToSnapshot ?? false,
    autoMinorVersionUpgrade: d.AutoMinorVersionUpgrade ?? null,
    promotionTier: d.PromotionTier ?? null,
    endpoint: d.Endpoint?.Address ?? null,
    tags: tagMap(d.TagList),
  };
}

function clusterRecord(c: DBCluster): ResourceRecord {
  return {
    resourceId: c.DbClusterResourceId ?? '',
    status: c.Status ?? '',
    created: iso(c.ClusterCreateTime),
    engine: c.Engine ?? '',
    engineVersion: c.EngineVersion ?? '',
    members: (c.DBClusterMembers ?? [])
      .map((m) => ({ id: m.DBInstanceIdentifier ?? '', writer: m.IsClusterWriter ?? false }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    parameterGroup: c.DBClusterParameterGroup ?? null,
    subnetGroup: c.DBSubnetGroup ?? null,
    vpcSecurityGroups: sorted((c.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? '')),
    storageEncrypted: c.StorageEncrypted ?? false,
    kmsKeyId: c.KmsKeyId ?? null,
    port: c.Port ?? null,
    deletionProtection: c.DeletionProtection ?? false,
    backupRetentionPeriod: c.BackupRetentionPeriod ?? null,
    preferredBackupWindow: c.PreferredBackupWindow ?? null,
    copyTagsToSnapshot: c.CopyTagsToSnapshot ?? false,
    iamDatabaseAuthentication: c.IAMDatabaseAuthenticationEnabled ?? false,
    endpoint: c.Endpoint ?? null,
    tags: tagMap(c.TagList),
  };
}

const restoreSharing = (
  attributes: Array<{ AttributeName?: string; AttributeValues?: string[] }> | undefined,
) => sorted((attributes ?? []).find((a) => a.AttributeName === 'restore')?.AttributeValues ?? []);

/** DB instances, Aurora clusters with their members, DB and cluster snapshots (manual and automated). */
export async function rdsResources(rds: RDSClient): Promise<Record<string, ResourceRecord>> {
  const out: Record<string, ResourceRecord> = {};
  for (const page of await all(paginateDescribeDBInstances({ client: rds }, {}))) {
    for (const d of page.DBInstances ?? []) out[`rds-instance/${d.DBInstanceIdentifier}`] = instanceRecord(d);
  }
  for (const page of await all(paginateDescribeDBClusters({ client: rds }, {}))) {
    for (const c of page.DBClusters ?? []) out[`rds-cluster/${c.DBClusterIdentifier}`] = clusterRecord(c);
  }
  for (const page of await all(paginateDescribeDBSnapshots({ client: rds }, {}))) {
    for (const s of page.DBSnapshots ?? []) {
      const manual = s.SnapshotType === 'manual';
      const attributes = manual
        ? (
            await rds.send(
              new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: s.DBSnapshotIdentifier }),
            )
          ).DBSnapshotAttributesResult?.DBSnapshotAttributes
        : [];
      out[`rds-snapshot/${s.DBSnapshotIdentifier}`] = {
        type: s.SnapshotType ?? '',
        status: s.Status ?? '',
        instance: s.DBInstanceIdentifier ?? null,
        created: iso(s.SnapshotCreateTime),
        encrypted: s.Encrypted ?? false,
        kmsKeyId: s.KmsKeyId ?? null,
        sharedWith: restoreSharing(attributes),
        tags: tagMap(s.TagList),
      };
    }
  }
  for (const page of await all(paginateDescribeDBClusterSnapshots({ client: rds }, {}))) {
    for (const s of page.DBClusterSnapshots ?? []) {
      const manual = s.SnapshotType === 'manual';
      const attributes = manual
        ? (
            await rds.send(
              new DescribeDBClusterSnapshotAttributesCommand({
                DBClusterSnapshotIdentifier: s.DBClusterSnapshotIdentifier,
              }),
            )
          ).DBClusterSnapshotAttributesResult?.DBClusterSnapshotAttributes
        : [];
      out[`rds-cluster-snapshot/${s.DBClusterSnapshotIdentifier}`] = {
        type: s.SnapshotType ?? '',
        status: s.Status ?? '',
        cluster: s.DBClusterIdentifier ?? null,
        created: iso(s.SnapshotCreateTime),
        encrypted: s.StorageEncrypted ?? false,
        kmsKeyId: s.KmsKeyId ?? null,
        sharedWith: restoreSharing(attributes),
        tags: tagMap(s.TagList),
      };
    }
  }
  return out;
}
