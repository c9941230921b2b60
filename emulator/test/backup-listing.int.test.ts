import {
  CreateBackupCommand,
  CreateTableCommand,
  DescribeBackupCommand,
  ListBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { aws, eventually, freshAccount, sharedAdmin } from './support.js';

const region = 'eu-west-3';

/**
 * ListBackups is eventually consistent in AWS: `dynamodb.backup-listing` makes the emulator omit a
 * backup younger than that from ListBackups, while DescribeBackup finds it by its ARN at once.
 */
describe('DynamoDB ListBackups lag', () => {
  it('omits a new backup for the account’s listing lag, DescribeBackup finds it at once', async () => {
    const account = freshAccount();
    const { dynamodb } = aws(account, region);
    await sharedAdmin().setAccountSettings(account, { durationsMs: { 'dynamodb.backup-listing': 1_500 } });
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'orders',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const made = await eventually('backup made', async () => {
      try {
        return (await dynamodb.send(new CreateBackupCommand({ TableName: 'orders', BackupName: 'backup-1' })))
          .BackupDetails;
      } catch (error) {
        if ((error as Error).name === 'ResourceInUseException') return undefined;
        throw error;
      }
    });
    const created = Date.now();
    const listed = async () =>
      (await dynamodb.send(new ListBackupsCommand({ TableName: 'orders' }))).BackupSummaries ?? [];
    const described = await dynamodb.send(new DescribeBackupCommand({ BackupArn: made.BackupArn }));
    expect(described.BackupDescription?.BackupDetails?.BackupName).toBe('backup-1');
    const early = await listed();
    expect(Date.now() - created).toBeLessThan(1_500);
    expect(early).toEqual([]);
    const [summary] = await eventually('backup-1 listed', async () => {
      const all = await listed();
      return all.length ? all : undefined;
    });
    expect(Date.now() - created).toBeGreaterThanOrEqual(1_000);
    expect(summary?.BackupArn).toBe(made.BackupArn);
  });

  it('lists a new backup at once without a lag (every profile’s default)', async () => {
    const { dynamodb } = aws(freshAccount(), region);
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'orders',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const made = await eventually('backup made', async () => {
      try {
        return (await dynamodb.send(new CreateBackupCommand({ TableName: 'orders', BackupName: 'backup-2' })))
          .BackupDetails;
      } catch (error) {
        if ((error as Error).name === 'ResourceInUseException') return undefined;
        throw error;
      }
    });
    const out = await dynamodb.send(new ListBackupsCommand({ TableName: 'orders' }));
    expect(out.BackupSummaries?.map((b) => b.BackupArn)).toEqual([made.BackupArn]);
  });
});
