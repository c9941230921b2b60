import { CreateTableCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import type { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_QUEUE } from '../domain/contract.js';
import {
  asAccount,
  ensureRole,
  orchestratorTrustPolicy,
  PRIMARY_ACCOUNT,
  waitForTableActive,
  TEST_EXTERNAL_ID,
} from '../../test/support/aws.js';
import { startTestWorker, testClient, type RunningWorker } from '../../test/support/temporal.js';

// The platform's vertical slice: a workflow on the contract's task queue, a real activity, the real
// AWS SDK over HTTP to the emulator through an assumed role, and the real Temporal server.
describe('environmentProbe (wiring: Temporal → activity → STS → DynamoDB)', () => {
  let worker: RunningWorker;
  let client: Client;
  let connection: Connection;
  const region = 'eu-west-1';
  const tableName = `probe-${Date.now()}`;
  const externalId = TEST_EXTERNAL_ID;

  beforeAll(async () => {
    // The emulator checks AssumeRole like AWS (the role must exist and trust the orchestrator) and the
    // role's policies: this probe role may describe the account's tables, nothing else.
    await ensureRole(PRIMARY_ACCOUNT, 'probe-access', orchestratorTrustPolicy(externalId), {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'dynamodb:DescribeTable', Resource: '*' }],
    });
    const seeder = asAccount(PRIMARY_ACCOUNT, region);
    await seeder.dynamodb.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await waitForTableActive(seeder.dynamodb, tableName);
    await seeder.dynamodb.send(new PutItemCommand({ TableName: tableName, Item: { pk: { S: 'a' } } }));
    worker = await startTestWorker(TASK_QUEUE);
    ({ client, connection } = await testClient());
  });

  afterAll(async () => {
    await worker?.stop();
    await connection?.close();
  });

  it('assumes the role of the right account and reads the table', async () => {
    const result = await client.workflow.execute('environmentProbe', {
      taskQueue: TASK_QUEUE,
      workflowId: `probe-${tableName}`,
      args: [
        {
          access: {
            accountId: PRIMARY_ACCOUNT,
            region,
            roleArn: `arn:aws:iam::${PRIMARY_ACCOUNT}:role/probe-access`,
            externalId,
          },
          tableName,
        },
      ],
    });
    expect(result.accountId).toBe(PRIMARY_ACCOUNT);
    expect(result.arn).toContain('probe-access');
    expect(result.table).toEqual({ name: tableName, status: 'ACTIVE', itemCount: expect.any(Number) });
  });

  it('fails the workflow, not the worker, when the table does not exist in that account', async () => {
    const run = client.workflow.execute('environmentProbe', {
      taskQueue: TASK_QUEUE,
      workflowId: `probe-missing-${tableName}`,
      args: [
        {
          access: {
            accountId: PRIMARY_ACCOUNT,
            region: 'us-east-1',
            roleArn: `arn:aws:iam::${PRIMARY_ACCOUNT}:role/probe-access`,
            externalId,
          },
          tableName,
        },
      ],
    });
    await expect(run).rejects.toMatchObject({ cause: { cause: { type: 'ResourceNotFound' } } });
  });
});
