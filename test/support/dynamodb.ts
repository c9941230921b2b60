import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  ListBackupsCommand,
  ScanCommand,
  type AttributeValue,
  type BackupSummary,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { AwsEnvironment } from '../../src/activities/aws/clients.js';
import type { StepInput } from '../../src/domain/resources.js';
import { ContentHash, type Item } from '../../src/activities/kinds/dynamodb-table/content-hash.js';
import { resourceSteps } from '../../src/activities/resource-steps.js';
import { PRIMARY_ACCOUNT, RECOVERY_ACCOUNT, TEST_EXTERNAL_ID, waitForTableActive } from './aws.js';

/** An item of mixed types: strings, numbers, binary, the three set types, nested maps and lists. */
export function mixedItem(i: number): Item {
  const item: Item = {
    pk: { S: `customer-${i % 97}` },
    sk: { N: String(i) },
    name: { S: `ünïcode ${i} ✓` },
    amount: { N: (i * 1.25).toFixed(2) },
    blob: { B: new Uint8Array([i % 256, (i >> 8) % 256, 7, 0]) },
    tags: { SS: [`t${i % 3}`, `t${(i % 3) + 1}`] },
    scores: { NS: [String(i % 10), String((i % 10) + 0.5)] },
    chunks: { BS: [new Uint8Array([1, i % 256]), new Uint8Array([2])] },
    profile: {
      M: {
        active: { BOOL: i % 2 === 0 },
        nothing: { NULL: true },
        history: { L: [{ N: '1' }, { S: 'two' }, { M: { deep: { L: [{ B: new Uint8Array([i % 7]) }] } } }] },
      },
    },
    status: { S: i % 5 === 0 ? 'open' : 'closed' },
  };
  return item;
}

export async function createSeededTable(
  env: AwsEnvironment,
  name: string,
  count: number,
  options: { gsi?: boolean; pitr?: boolean; extra?: Partial<CreateTableCommandInput> } = {},
): Promise<void> {
  await env.dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'N' },
        ...(options.gsi ? [{ AttributeName: 'status', AttributeType: 'S' as const }] : []),
      ],
      BillingMode: 'PAY_PER_REQUEST',
      ...(options.gsi
        ? {
            GlobalSecondaryIndexes: [
              {
                IndexName: 'by-status',
                KeySchema: [
                  { AttributeName: 'status', KeyType: 'HASH' },
                  { AttributeName: 'sk', KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: 'ALL' },
              },
            ],
          }
        : {}),
      Tags: [{ Key: 'app', Value: 'shop' }],
      ...options.extra,
    }),
  );
  await waitForTableActive(env.dynamodb, name);
  await putItems(
    env,
    name,
    Array.from({ length: count }, (_, i) => mixedItem(i)),
  );
  if (options.pitr) {
    const { UpdateContinuousBackupsCommand } = await import('@aws-sdk/client-dynamodb');
    await env.dynamodb.send(
      new UpdateContinuousBackupsCommand({
        TableName: name,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    );
  }
}

export async function putItems(env: AwsEnvironment, table: string, items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let pending: Record<string, AttributeValue>[] = items.slice(i, i + 25);
    while (pending.length) {
      const out = await env.dynamodb.send(
        new BatchWriteItemCommand({
          RequestItems: { [table]: pending.map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
      pending = (out.UnprocessedItems?.[table] ?? []).map((r) => r.PutRequest?.Item ?? {});
    }
  }
}

/** Count and content hash of a table, computed here independently of the verify step (one plain scan). */
export async function tableFingerprint(
  env: AwsEnvironment,
  table: string,
): Promise<{ count: number; hash: string }> {
  const hash = new ContentHash();
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await env.dynamodb.send(new ScanCommand({ TableName: table, ExclusiveStartKey }));
    (page.Items ?? []).forEach((item) => hash.add(item as Item));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return { count: hash.count, hash: hash.hex };
}

export async function tableExists(env: AwsEnvironment, table: string): Promise<boolean> {
  try {
    await env.dynamodb.send(new DescribeTableCommand({ TableName: table }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return false;
    throw error;
  }
}

export async function backupsOf(env: AwsEnvironment, table: string): Promise<BackupSummary[]> {
  const out = await env.dynamodb.send(new ListBackupsCommand({ TableName: table }));
  return out.BackupSummaries ?? [];
}

type Steps = typeof resourceSteps;

/** Runs one per-resource activity as Temporal would: in a real activity context (heartbeats, sleeps). */
export function runStep<K extends keyof Steps>(
  name: K,
  input: Parameters<Steps[K]>[0],
  info: { heartbeatDetails?: unknown } = {},
  onHeartbeat?: (details: unknown) => void,
): Promise<Awaited<ReturnType<Steps[K]>>> {
  const env = new MockActivityEnvironment(info as never);
  if (onHeartbeat) env.on('heartbeat', onHeartbeat);
  const step = resourceSteps[name] as unknown as (input: unknown) => Promise<unknown>;
  return env.run<[unknown], unknown, typeof step>(step, input) as Promise<Awaited<ReturnType<Steps[K]>>>;
}

/**
 * The test-failback step input of one table copied by scan across accounts (recovery eu-south-1 into
 * primary eu-north-1), for steps run outside a workflow; its plan still needs `withAccessRole`.
 */
export function scanCopyTableInput(planId: string, table: string): StepInput {
  return {
    plan: {
      planId,
      application: 'shop',
      primary: {
        accountId: PRIMARY_ACCOUNT,
        region: 'eu-north-1',
        roleArn: `arn:aws:iam::${PRIMARY_ACCOUNT}:role/failback-access`,
        externalId: TEST_EXTERNAL_ID,
      },
      recovery: {
        accountId: RECOVERY_ACCOUNT,
        region: 'eu-south-1',
        roleArn: `arn:aws:iam::${RECOVERY_ACCOUNT}:role/dr-recovery`,
      },
    },
    phase: 'test-failback',
    resource: {
      key: `dynamodb-table:${table}`,
      kind: 'dynamodb-table',
      source: table,
      target: table,
      options: { copyMethod: 'scan-copy' },
    },
  };
}
