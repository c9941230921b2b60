import {
  BatchWriteItemCommand,
  CreateTableCommand,
  UpdateContinuousBackupsCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  ApplicationAutoScalingClient,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { encodeItem, type Item } from '../../src/activities/kinds/dynamodb-table/content-hash.js';
import { defaultClientSettings } from '../../src/activities/aws/clients.js';
import { waitForTableActive } from './accounts.js';
import { auditItem, customerItem, orderItem } from './items.js';

export interface TableSeed {
  name: string;
  shape: 'orders' | 'customers' | 'audit';
  /** Items in recovery (the latest data); the stale primary copy gets a tenth of them, older. */
  items: number;
  /**
   * Point-in-time recovery on the source: the plan then copies it across accounts by S3 export and
   * ImportTable; without it, by a parallel scan copy. The default scenario has one of each.
   */
  pitr?: boolean;
  /** Provisioned capacity with Application Auto Scaling on its reads (a target-tracking policy). */
  autoscaling?: boolean;
  /** Time to live on this attribute. */
  ttlAttribute?: string;
  /** A stream of new and old images. */
  stream?: boolean;
}

export const DEFAULT_TABLES: TableSeed[] = [
  { name: 'orders', shape: 'orders', items: 10_000, pitr: true },
  { name: 'customers', shape: 'customers', items: 500 },
  { name: 'audit', shape: 'audit', items: 0 },
];

/** 2: the recovery environment's latest data; 1: the stale pre-incident copy in primary. */
export type Revision = 1 | 2;

const KEYS = {
  orders: { hash: ['pk', 'S'], range: ['sk', 'N'] },
  customers: { hash: ['id', 'S'] },
  audit: { hash: ['stream', 'S'], range: ['seq', 'N'] },
} as const satisfies Record<
  TableSeed['shape'],
  { hash: [string, 'S'] | [string, 'N']; range?: [string, 'S' | 'N'] }
>;

/** The key attribute names of a table of this shape (hash first). */
export function keyNames(shape: TableSeed['shape']): string[] {
  const keys = KEYS[shape];
  return 'range' in keys ? [keys.hash[0], keys.range[0]] : [keys.hash[0]];
}

/** The items the seeder writes for `table` in a revision (a stale primary holds a tenth). */
export function seededItems(table: TableSeed, revision: Revision): Item[] {
  const count = revision === 1 ? Math.floor(table.items / 10) : table.items;
  return Array.from({ length: count }, (_, i) => itemOf(table.shape, i, revision));
}

function itemOf(shape: TableSeed['shape'], i: number, revision: number, seed?: number): Item {
  if (shape === 'customers') return customerItem(i, revision, seed);
  if (shape === 'audit') return auditItem(i, revision, seed);
  return orderItem(i, revision, seed);
}

/**
 * What the application writes in recovery after the test failback, before the quiesce: `added` new
 * items after the seeded ones, and a tenth as many seeded items overwritten with new content (the
 * same keys). The copy in the failback must carry both.
 */
export function laterWrites(table: TableSeed, added: number): Item[] {
  const fresh = Array.from({ length: added }, (_, i) => itemOf(table.shape, table.items + i, 2));
  const updated = Array.from({ length: Math.min(table.items, Math.ceil(added / 10)) }, (_, i) =>
    itemOf(table.shape, i * 7 < table.items ? i * 7 : i, 2, 99),
  );
  return [...fresh, ...updated];
}

/** The table's content after the seeding and the later writes: later items replace by key. */
export function expectedContent(table: TableSeed, revision: Revision, writes: Item[] = []): Item[] {
  const names = keyNames(table.shape);
  const byKey = new Map<string, Item>();
  const keyOf = (item: Item) => encodeItem(Object.fromEntries(names.map((n) => [n, item[n]!])));
  for (const item of [...seededItems(table, revision), ...writes]) byKey.set(keyOf(item), item);
  return [...byKey.values()];
}

/** Creates the table (keys by shape, a GSI on customers, PITR where asked) and writes its items. */
export async function seedTable(
  dynamodb: DynamoDBClient,
  table: TableSeed,
  revision: Revision,
  app: string,
): Promise<void> {
  const keys = KEYS[table.shape];
  const definitions: Array<[string, 'S' | 'N']> = [keys.hash, ...('range' in keys ? [keys.range] : [])];
  if (table.shape === 'customers') definitions.push(['email', 'S']);
  await dynamodb.send(
    new CreateTableCommand({
      TableName: table.name,
      ...(table.autoscaling
        ? {
            BillingMode: 'PROVISIONED',
            ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
          }
        : { BillingMode: 'PAY_PER_REQUEST' }),
      KeySchema: [
        { AttributeName: keys.hash[0], KeyType: 'HASH' },
        ...('range' in keys ? [{ AttributeName: keys.range[0], KeyType: 'RANGE' as const }] : []),
      ],
      AttributeDefinitions: definitions.map(([AttributeName, AttributeType]) => ({
        AttributeName,
        AttributeType,
      })),
      ...(table.shape === 'customers'
        ? {
            GlobalSecondaryIndexes: [
              {
                IndexName: 'email-index',
                KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }],
                Projection: { ProjectionType: 'ALL' },
              },
            ],
          }
        : {}),
      ...(table.stream
        ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }
        : {}),
      Tags: [{ Key: 'app', Value: app }],
    }),
  );
  await waitForTableActive(dynamodb, table.name);
  if (table.ttlAttribute) {
    await dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: table.name,
        TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
      }),
    );
  }
  if (table.pitr) {
    await dynamodb.send(
      new UpdateContinuousBackupsCommand({
        TableName: table.name,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    );
  }
  if (table.autoscaling) await scaleReads(dynamodb, table.name);
  await writeItems(dynamodb, table.name, seededItems(table, revision));
}

/** Reads of the table scale between 5 and 50 units at 70 % utilisation (as the account's root). */
async function scaleReads(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  const region = await dynamodb.config.region();
  const credentials = await dynamodb.config.credentials();
  const { endpoint } = defaultClientSettings();
  const scaling = new ApplicationAutoScalingClient({
    region,
    credentials,
    ...(endpoint ? { endpoint } : {}),
  });
  const target = {
    ServiceNamespace: 'dynamodb' as const,
    ResourceId: `table/${tableName}`,
    ScalableDimension: 'dynamodb:table:ReadCapacityUnits' as const,
  };
  try {
    await scaling.send(new RegisterScalableTargetCommand({ ...target, MinCapacity: 5, MaxCapacity: 50 }));
    await scaling.send(
      new PutScalingPolicyCommand({
        ...target,
        PolicyName: `${tableName}-reads`,
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 70,
          PredefinedMetricSpecification: { PredefinedMetricType: 'DynamoDBReadCapacityUtilization' },
        },
      }),
    );
  } finally {
    scaling.destroy();
  }
}

/** BatchWriteItem in chunks of 25, a few batches in flight, retrying unprocessed items. */
export async function writeItems(
  dynamodb: DynamoDBClient,
  tableName: string,
  items: Array<Record<string, AttributeValue>>,
): Promise<void> {
  const batches: Array<Array<Record<string, AttributeValue>>> = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const lane = async () => {
    while (next < batches.length) {
      let requests = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        const out = await dynamodb.send(
          new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }),
        );
        requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
        if (requests.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      }
    }
  };
  await Promise.all(Array.from({ length: 6 }, lane));
}
