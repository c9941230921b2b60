import {
  type ApplicationAutoScalingClient,
  paginateDescribeScalableTargets,
  paginateDescribeScalingPolicies,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ListTagsOfResourceCommand,
  ListBackupsCommand,
  paginateListTables,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { contentFingerprint } from './content.js';
import { iso, sortKeys, tagMap, type ResourceRecord } from './types.js';

async function all<T>(pages: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(page);
  return out;
}

async function scanAll(
  dynamodb: DynamoDBClient,
  name: string,
): Promise<Array<Record<string, AttributeValue>>> {
  const items: Array<Record<string, AttributeValue>> = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await dynamodb.send(
      new ScanCommand({ TableName: name, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

const byName = <T extends { AttributeName?: string }>(values: T[] | undefined): T[] =>
  [...(values ?? [])].sort((a, b) => ((a.AttributeName ?? '') < (b.AttributeName ?? '') ? -1 : 1));

const throughput = (p: { ReadCapacityUnits?: number; WriteCapacityUnits?: number } | undefined) =>
  p && (p.ReadCapacityUnits || p.WriteCapacityUnits)
    ? { read: p.ReadCapacityUnits ?? 0, write: p.WriteCapacityUnits ?? 0 }
    : null;

async function tableRecord(dynamodb: DynamoDBClient, table: TableDescription): Promise<ResourceRecord> {
  const name = table.TableName!;
  const [ttl, backups, tags] = await Promise.all([
    dynamodb.send(new DescribeTimeToLiveCommand({ TableName: name })),
    dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: name })),
    dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: table.TableArn })),
  ]);
  const active = table.TableStatus === 'ACTIVE';
  const content = active ? contentFingerprint(await scanAll(dynamodb, name)) : { count: 0, hash: '' };
  const billing = table.BillingModeSummary?.BillingMode ?? 'PROVISIONED';
  return {
    // Which table this is (a table restored from a backup under the same name is another one).
    tableId: table.TableId ?? '',
    created: iso(table.CreationDateTime),
    status: table.TableStatus ?? '',
    keySchema: sortKeys(table.KeySchema ?? []),
    attributeDefinitions: sortKeys(byName(table.AttributeDefinitions)),
    billingMode: billing,
    provisioned: billing === 'PROVISIONED' ? throughput(table.ProvisionedThroughput) : null,
    globalIndexes: sortKeys(
      (table.GlobalSecondaryIndexes ?? [])
        .map((g) => ({
          name: g.IndexName ?? '',
          keySchema: g.KeySchema ?? [],
          projection: g.Projection ?? {},
          provisioned: billing === 'PROVISIONED' ? throughput(g.ProvisionedThroughput) : null,
        }))
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
    ),
    localIndexes: sortKeys(
      (table.LocalSecondaryIndexes ?? [])
        .map((l) => ({
          name: l.IndexName ?? '',
          keySchema: l.KeySchema ?? [],
          projection: l.Projection ?? {},
        }))
        .sort((a, b) => (a.name < b.name ? -1 : 1)),
    ),
    stream: table.StreamSpecification?.StreamEnabled
      ? (table.StreamSpecification.StreamViewType ?? 'enabled')
      : null,
    sse: table.SSEDescription
      ? { type: table.SSEDescription.SSEType ?? null, kmsKey: table.SSEDescription.KMSMasterKeyArn ?? null }
      : null,
    tableClass: table.TableClassSummary?.TableClass ?? 'STANDARD',
    deletionProtection: table.DeletionProtectionEnabled ?? false,
    pointInTimeRecovery:
      backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus ??
      'DISABLED',
    timeToLive: {
      status: ttl.TimeToLiveDescription?.TimeToLiveStatus ?? 'DISABLED',
      attribute: ttl.TimeToLiveDescription?.AttributeName ?? null,
    },
    itemCount: content.count,
    contentHash: content.hash,
    tags: tagMap(tags.Tags),
  };
}

/**
 * Tables (settings, tags, item count and an order-independent content hash from a consistent scan),
 * on-demand backups, and Application Auto Scaling targets and policies of the tables and indexes.
 */
export async function dynamodbResources(
  dynamodb: DynamoDBClient,
  scaling: ApplicationAutoScalingClient,
): Promise<Record<string, ResourceRecord>> {
  const out: Record<string, ResourceRecord> = {};
  for (const page of await all(paginateListTables({ client: dynamodb }, {}))) {
    for (const name of page.TableNames ?? []) {
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
      if (Table) out[`dynamodb-table/${name}`] = await tableRecord(dynamodb, Table);
    }
  }
  let start: string | undefined;
  do {
    const page = await dynamodb.send(new ListBackupsCommand({ ExclusiveStartBackupArn: start }));
    for (const b of page.BackupSummaries ?? []) {
      out[`dynamodb-backup/${b.BackupArn}`] = {
        name: b.BackupName ?? '',
        table: b.TableName ?? '',
        type: b.BackupType ?? '',
        status: b.BackupStatus ?? '',
        created: iso(b.BackupCreationDateTime),
      };
    }
    start = page.LastEvaluatedBackupArn;
  } while (start);
  const namespace = { ServiceNamespace: 'dynamodb' as const };
  for (const page of await all(paginateDescribeScalableTargets({ client: scaling }, namespace))) {
    for (const t of page.ScalableTargets ?? []) {
      out[`autoscaling-target/${t.ResourceId}/${t.ScalableDimension}`] = {
        min: t.MinCapacity ?? null,
        max: t.MaxCapacity ?? null,
        suspended: sortKeys(t.SuspendedState ?? {}),
      };
    }
  }
  for (const page of await all(paginateDescribeScalingPolicies({ client: scaling }, namespace))) {
    for (const p of page.ScalingPolicies ?? []) {
      out[`autoscaling-policy/${p.ResourceId}/${p.ScalableDimension}/${p.PolicyName}`] = {
        type: p.PolicyType ?? '',
        targetTracking: sortKeys(p.TargetTrackingScalingPolicyConfiguration ?? null),
        step: sortKeys(p.StepScalingPolicyConfiguration ?? null),
      };
    }
  }
  return out;
}
