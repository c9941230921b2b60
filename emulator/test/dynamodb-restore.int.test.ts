import {
  CreateBackupCommand,
  CreateTableCommand,
  DescribeBackupCommand,
  DescribeTableCommand,
  RestoreTableFromBackupCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { aws, eventually, freshAccount } from './support.js';

// What a restore brings back ("Restoring a DynamoDB table from a backup", DynamoDB Developer Guide):
// the source's billing mode and encryption; tags, streams, TTL, PITR and auto scaling are set again.
async function active(dynamodb: DynamoDBClient, name: string) {
  return eventually(`${name} ACTIVE`, async () => {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
    return Table?.TableStatus === 'ACTIVE' ? Table : undefined;
  });
}

describe('DynamoDB RestoreTableFromBackup', () => {
  it("keeps the source's billing mode and encryption, not its stream", async () => {
    const { dynamodb } = aws(freshAccount(), 'us-east-1');
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'on-demand',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        SSESpecification: { Enabled: true, SSEType: 'KMS' },
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      }),
    );
    const source = await active(dynamodb, 'on-demand');
    const backup = await dynamodb.send(
      new CreateBackupCommand({ TableName: 'on-demand', BackupName: 'before' }),
    );
    const arn = backup.BackupDetails!.BackupArn!;
    await eventually('backup AVAILABLE', async () => {
      const d = await dynamodb.send(new DescribeBackupCommand({ BackupArn: arn }));
      return d.BackupDescription?.BackupDetails?.BackupStatus === 'AVAILABLE' ? true : undefined;
    });
    await dynamodb.send(new RestoreTableFromBackupCommand({ TargetTableName: 'restored', BackupArn: arn }));
    const restored = await active(dynamodb, 'restored');
    expect(restored.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(restored.SSEDescription).toMatchObject({ Status: 'ENABLED', SSEType: 'KMS' });
    expect(restored.SSEDescription?.KMSMasterKeyArn).toBe(source.SSEDescription?.KMSMasterKeyArn);
    expect(restored.StreamSpecification?.StreamEnabled ?? false).toBe(false);
  });
});
