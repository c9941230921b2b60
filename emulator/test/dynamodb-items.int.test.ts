import {
  BatchGetItemCommand,
  CreateTableCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { waitForTableActive } from '../../scripts/scenario/accounts.js';
import { orderItem } from '../../scripts/scenario/items.js';
import { writeItems } from '../../scripts/scenario/tables.js';
import { encodeItem, type Item } from '../../src/activities/kinds/dynamodb-table/content-hash.js';
import { aws, failure, freshAccount } from './support.js';

// The emulator's fast item paths (patches/dynamodb_items.py) answer exactly what moto's slow ones did:
// every DynamoDB type read back as written, by every read operation, with paging, counts and keys.
describe('DynamoDB items', () => {
  const { dynamodb } = aws(freshAccount(), 'eu-west-1', { maxAttempts: 3 });
  const table = 'items';
  const items = Array.from({ length: 120 }, (_, i) => orderItem(i, 2));
  const byKey = new Map(items.map((i) => [`${i.pk!.S}`, encodeItem(i)]));

  it('writes and reads back every type, by Scan (paged, segmented), Query, GetItem and BatchGetItem', async () => {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: 'pk', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'pk', AttributeType: 'S' },
          { AttributeName: 'sk', AttributeType: 'N' },
        ],
      }),
    );
    await waitForTableActive(dynamodb, table);
    await writeItems(dynamodb, table, items);

    const scanned: Item[] = [];
    let pages = 0;
    for (const segment of [0, 1, 2]) {
      let start: Record<string, AttributeValue> | undefined;
      do {
        const page = await dynamodb.send(
          new ScanCommand({
            TableName: table,
            Limit: 17,
            Segment: segment,
            TotalSegments: 3,
            ExclusiveStartKey: start,
          }),
        );
        expect(page.Count).toBe(page.Items?.length);
        expect(page.ScannedCount).toBeGreaterThanOrEqual(page.Count ?? 0);
        scanned.push(...((page.Items ?? []) as Item[]));
        start = page.LastEvaluatedKey;
        pages++;
      } while (start);
    }
    expect(pages).toBeGreaterThan(7);
    expect(scanned.map((i) => encodeItem(i)).sort()).toEqual([...byKey.values()].sort());

    const count = await dynamodb.send(new ScanCommand({ TableName: table, Select: 'COUNT' }));
    expect([count.Count, count.Items]).toEqual([120, undefined]);

    const key = { pk: items[7]!.pk!, sk: items[7]!.sk! };
    const got = await dynamodb.send(new GetItemCommand({ TableName: table, Key: key, ConsistentRead: true }));
    expect(encodeItem(got.Item as Item)).toBe(byKey.get(items[7]!.pk!.S!));
    const missing = await dynamodb.send(
      new GetItemCommand({ TableName: table, Key: { pk: { S: 'nothing' }, sk: { N: '2' } } }),
    );
    expect(missing.Item).toBeUndefined();

    const query = await dynamodb.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': items[9]!.pk! },
      }),
    );
    expect(query.Items?.map((i) => encodeItem(i as Item))).toEqual([byKey.get(items[9]!.pk!.S!)]);

    const batch = await dynamodb.send(
      new BatchGetItemCommand({
        RequestItems: { [table]: { Keys: items.slice(0, 5).map((i) => ({ pk: i.pk!, sk: i.sk! })) } },
      }),
    );
    expect(batch.Responses?.[table]?.map((i) => encodeItem(i as Item)).sort()).toEqual(
      items
        .slice(0, 5)
        .map((i) => byKey.get(i.pk!.S!))
        .sort(),
    );
  });

  it('still refuses an item over 400 KB, and accepts one just under it', async () => {
    const big = (kb: number): Item => ({
      pk: { S: `big-${kb}` },
      sk: { N: '1' },
      ...Object.fromEntries(Array.from({ length: kb / 10 }, (_, i) => [`a${i}`, { S: 'x'.repeat(10_000) }])),
    });
    await dynamodb.send(new PutItemCommand({ TableName: table, Item: big(390) }));
    const error = await failure(dynamodb.send(new PutItemCommand({ TableName: table, Item: big(420) })));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(/Item size has exceeded the maximum allowed size/);
  });
});
