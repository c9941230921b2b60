import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
} from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { tableArns, tableNames } from '../../domain/table-names.js';
import { accessRole } from '../../../test/support/access.js';
import { asAccount, PRIMARY_ACCOUNT, waitForTableActive } from '../../../test/support/aws.js';
import { createSeededTable } from '../../../test/support/dynamodb.js';
import { awsEnvironment, defaultClientSettings } from '../aws/clients.js';

/**
 * Decision 0046: the access role may create, write, change and delete only the DynamoDB tables the
 * plan names (its targets and their test copies). Acted out as the access role the real stack makes,
 * against another application's tables seeded beside the plan's target: the old template let the role
 * delete any table of primary, or turn off its point-in-time recovery.
 */
const run = Date.now().toString(36);
const region = 'ap-southeast-2';
const planId = `tn-${run}`;
const target = `Ledger-${run}`;
// Another application's table, one that starts like the target, and one that differs only in case.
const strangers = [`billing-${run}`, `${target}-archive`, target.toLowerCase()];

describe('the access role and the tables of other applications', () => {
  const account = asAccount(PRIMARY_ACCOUNT, region);
  const seeder = account.dynamodb;
  let asRole: DynamoDBClient;

  beforeAll(async () => {
    for (const name of [target, ...strangers]) await createSeededTable(account, name, 3, { pitr: true });
    // The grants preflight gives a plan whose one resource is the table `target`.
    const primary = await accessRole(
      planId,
      { accountId: PRIMARY_ACCOUNT, region },
      {
        dynamoDbTableArns: tableArns(tableNames(target, planId), PRIMARY_ACCOUNT, region),
      },
    );
    asRole = awsEnvironment(primary, { ...defaultClientSettings(), sessionName: 'table-names' }).dynamodb;
  }, 300_000);

  it("cannot delete another application's table, write it, change it or turn off its point-in-time recovery", async () => {
    const denied = { name: 'AccessDeniedException' };
    for (const name of strangers) {
      await expect(asRole.send(new DeleteTableCommand({ TableName: name }))).rejects.toMatchObject(denied);
      await expect(
        asRole.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'x' }, sk: { N: '1' } } })),
      ).rejects.toMatchObject(denied);
      await expect(
        asRole.send(
          new UpdateContinuousBackupsCommand({
            TableName: name,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
          }),
        ),
      ).rejects.toMatchObject(denied);
      await expect(
        asRole.send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: false })),
      ).rejects.toMatchObject(denied);
    }
    // Read back as the account: every stranger as it was.
    for (const name of strangers) {
      const { Table } = await seeder.send(new DescribeTableCommand({ TableName: name }));
      expect(Table?.TableStatus).toBe('ACTIVE');
      const { Count } = await seeder.send(new ScanCommand({ TableName: name, Select: 'COUNT' }));
      expect(Count).toBe(3);
      const backups = await seeder.send(new DescribeContinuousBackupsCommand({ TableName: name }));
      expect(
        backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
      ).toBe('ENABLED');
    }
  });

  it('can still write, change and replace its own target, and make its test copy', async () => {
    await asRole.send(new PutItemCommand({ TableName: target, Item: { pk: { S: 'x' }, sk: { N: '1' } } }));
    await asRole.send(new UpdateTableCommand({ TableName: target, DeletionProtectionEnabled: false }));
    await asRole.send(new DeleteTableCommand({ TableName: target }));
    const testName = tableNames(target, planId)[1] ?? '';
    await asRole.send(
      new CreateTableCommand({
        TableName: testName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        Tags: [{ Key: 'failback:plan-id', Value: planId }],
      }),
    );
    await waitForTableActive(seeder, testName);
    await asRole.send(new DeleteTableCommand({ TableName: testName }));
  });
});
