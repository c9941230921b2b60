import {
  BatchWriteItemCommand,
  CreateBackupCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeBackupCommand,
  DescribeTableCommand,
  ScanCommand,
  type TableDescription,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { AwsEnvironment } from '../../../src/activities/aws/clients.js';
import { ContentHash, type Item } from '../../../src/activities/kinds/dynamodb-table/content-hash.js';
import type { ResourceSpec } from '../../../src/domain/plan-spec.js';
import { cliWait, errorCode, type Runbook } from './steps.js';

async function table(env: AwsEnvironment, name: string): Promise<TableDescription | undefined> {
  try {
    return (await env.dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if (errorCode(error) === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/** Every item of a table, page by page, into `onPage` (a plain sequential Scan). */
async function scanAll(env: AwsEnvironment, name: string, onPage: (items: Item[]) => Promise<void>) {
  let start: Item | undefined;
  do {
    const page = await env.dynamodb.send(
      new ScanCommand({ TableName: name, ConsistentRead: true, ExclusiveStartKey: start }),
    );
    await onPage((page.Items ?? []) as Item[]);
    start = page.LastEvaluatedKey as Item | undefined;
  } while (start);
}

async function fingerprint(env: AwsEnvironment, name: string): Promise<string> {
  const hash = new ContentHash();
  await scanAll(env, name, async (items) => items.forEach((item) => hash.add(item)));
  return `${hash.count}/${hash.hex}`;
}

/**
 * A DynamoDB table across accounts by hand: back up the old primary table and delete it (tables
 * cannot be renamed), create it again with the source's keys, copy every item (Scan, BatchWriteItem),
 * and compare item count and content hash, source against target.
 */
export async function failBackTable(runbook: Runbook, resource: ResourceSpec): Promise<void> {
  const { recovery, primary } = runbook;
  const source = await table(recovery, resource.source);
  if (!source) throw new Error(`runbook: table ${resource.source} is not in recovery`);
  if (await table(primary, resource.target)) {
    const backup = await primary.dynamodb.send(
      new CreateBackupCommand({
        TableName: resource.target,
        BackupName: `${runbook.runId}-${resource.target}`,
      }),
    );
    await cliWait(runbook, `backup of ${resource.target}`, 'dynamodb', async () => {
      const out = await primary.dynamodb.send(
        new DescribeBackupCommand({ BackupArn: backup.BackupDetails!.BackupArn }),
      );
      return out.BackupDescription?.BackupDetails?.BackupStatus === 'AVAILABLE' ? true : undefined;
    });
    await primary.dynamodb.send(new DeleteTableCommand({ TableName: resource.target }));
    await cliWait(runbook, `table ${resource.target} deleted`, 'dynamodb', async () =>
      (await table(primary, resource.target)) ? undefined : true,
    );
  }
  await primary.dynamodb.send(
    new CreateTableCommand({
      TableName: resource.target,
      KeySchema: source.KeySchema,
      AttributeDefinitions: source.AttributeDefinitions,
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await cliWait(runbook, `table ${resource.target} active`, 'dynamodb', async () =>
    (await table(primary, resource.target))?.TableStatus === 'ACTIVE' ? true : undefined,
  );
  await scanAll(recovery, resource.source, async (items) => {
    for (let i = 0; i < items.length; i += 25) {
      let requests: WriteRequest[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      while (requests.length > 0) {
        const out = await primary.dynamodb.send(
          new BatchWriteItemCommand({ RequestItems: { [resource.target]: requests } }),
        );
        requests = out.UnprocessedItems?.[resource.target] ?? [];
      }
    }
  });
  const [expected, actual] = await Promise.all([
    fingerprint(recovery, resource.source),
    fingerprint(primary, resource.target),
  ]);
  if (expected !== actual)
    throw new Error(`runbook: ${resource.target} holds ${actual} (count/hash), the source ${expected}`);
}
