import {
  DeleteTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListBackupsCommand,
  RestoreTableFromBackupCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { expect } from 'vitest';
import { seedingClientConfig, waitForTableActive } from '../../scripts/scenario/accounts.js';
import {
  ContentHash,
  encodeItem,
  type Item,
} from '../../src/activities/kinds/dynamodb-table/content-hash.js';

/**
 * Proofs about DynamoDB data, made as the account itself (seeding key), independently of the plan's own
 * verification but with the same order-independent content hash: item count, content hash, and a
 * sample read back item by item.
 */
export interface Where {
  accountId: string;
  region: string;
}

export interface TableContent {
  count: number;
  hash: string;
  items: Item[];
}

const SAMPLE = 60;

function client(where: Where): DynamoDBClient {
  return new DynamoDBClient(seedingClientConfig(where.accountId, where.region));
}

export function contentOf(items: Item[]): TableContent {
  const hash = new ContentHash();
  for (const item of items) hash.add(item);
  return { count: hash.count, hash: hash.hex, items };
}

/** Every item of the table, by consistent paginated Scan. */
export async function scanTable(where: Where, table: string): Promise<TableContent> {
  const dynamodb = client(where);
  try {
    const items: Item[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await dynamodb.send(
        new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      items.push(...((page.Items ?? []) as Item[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return contentOf(items);
  } finally {
    dynamodb.destroy();
  }
}

const keyOf = (item: Item, keyNames: string[]) =>
  encodeItem(Object.fromEntries(keyNames.map((k) => [k, item[k]!])));

/** What differs, for a failure message that says which items are missing, extra or changed. */
function differences(expected: Item[], actual: Item[], keyNames: string[]): string {
  const want = new Map(expected.map((i) => [keyOf(i, keyNames), encodeItem(i)]));
  const have = new Map(actual.map((i) => [keyOf(i, keyNames), encodeItem(i)]));
  const missing = [...want.keys()].filter((k) => !have.has(k));
  const extra = [...have.keys()].filter((k) => !want.has(k));
  const changed = [...want.keys()].filter((k) => have.has(k) && have.get(k) !== want.get(k));
  const show = (keys: string[]) => `${keys.length} ${keys.slice(0, 3).join(' ')}`;
  return `missing ${show(missing)}; extra ${show(extra)}; changed ${show(changed)}`;
}

/**
 * The table at `where` holds exactly `expected`: same count, same content hash, and a spread sample of
 * the expected items read back by key (GetItem, consistent) and compared attribute by attribute.
 */
export async function expectTableContent(
  where: Where,
  table: string,
  expected: TableContent,
  keyNames: string[],
  label: string,
): Promise<void> {
  const actual = await scanTable(where, table);
  const detail = () => `${label}: ${differences(expected.items, actual.items, keyNames)}`;
  expect(actual.count, `${label}: item count`).toBe(expected.count);
  if (actual.hash !== expected.hash) expect.fail(`${label}: content hash differs (${detail()})`);
  const dynamodb = client(where);
  try {
    const step = Math.max(1, Math.floor(expected.items.length / SAMPLE));
    for (let i = 0; i < expected.items.length; i += step) {
      const item = expected.items[i]!;
      const Key = Object.fromEntries(keyNames.map((k) => [k, item[k]!]));
      const out = await dynamodb.send(new GetItemCommand({ TableName: table, Key, ConsistentRead: true }));
      expect(out.Item && encodeItem(out.Item as Item), `${label}: item ${keyOf(item, keyNames)}`).toBe(
        encodeItem(item),
      );
    }
  } finally {
    dynamodb.destroy();
  }
}

/**
 * A backup holds the data it should: restored into a scratch table of the same account and region,
 * compared with `expected`, and the scratch table deleted again.
 */
export async function expectBackupContent(
  where: Where,
  backupArn: string,
  expected: TableContent,
  keyNames: string[],
  label: string,
): Promise<void> {
  const dynamodb = client(where);
  const scratch = `verify-${backupArn.split('/').at(-1)!.slice(-12)}-${Date.now().toString(36)}`;
  try {
    await dynamodb.send(
      new RestoreTableFromBackupCommand({ BackupArn: backupArn, TargetTableName: scratch }),
    );
    await waitForTableActive(dynamodb, scratch);
    await expectTableContent(where, scratch, expected, keyNames, label);
  } finally {
    await dynamodb.send(new DeleteTableCommand({ TableName: scratch })).catch(() => undefined);
    dynamodb.destroy();
  }
}

/** The on-demand backups of `table` in this account and region. */
export async function backupsOf(
  where: Where,
  table: string,
): Promise<Array<{ arn: string; name: string; createdAt: Date }>> {
  const dynamodb = client(where);
  try {
    const out = await dynamodb.send(new ListBackupsCommand({ TableName: table }));
    return (out.BackupSummaries ?? []).map((b) => ({
      arn: b.BackupArn ?? '',
      name: b.BackupName ?? '',
      createdAt: b.BackupCreationDateTime ?? new Date(0),
    }));
  } finally {
    dynamodb.destroy();
  }
}
