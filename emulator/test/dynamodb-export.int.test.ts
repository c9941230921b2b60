import {
  CreateTableCommand,
  DescribeExportCommand,
  DescribeTableCommand,
  ExportTableToPointInTimeCommand,
  PutItemCommand,
  UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, DeleteBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import { aws, eventually, freshAccount, sharedAdmin } from './support.js';

// An export writes its files until it ends, as AWS's does: nothing under the prefix while it is
// IN_PROGRESS, its files once COMPLETED — also when the prefix was emptied meanwhile; a bucket
// deleted meanwhile fails it. (moto wrote everything at the call: a cleanup racing a running export
// looked complete.)
const DURATION = 1_500;
const account = freshAccount();
const region = 'eu-west-1';
const { dynamodb, s3 } = aws(account, region);

async function tableWithPitr(name: string): Promise<string> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await eventually('table active', async () =>
    (await dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus === 'ACTIVE'
      ? true
      : undefined,
  );
  await dynamodb.send(new PutItemCommand({ TableName: name, Item: { pk: { S: 'a' } } }));
  await dynamodb.send(
    new UpdateContinuousBackupsCommand({
      TableName: name,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    }),
  );
  return (await dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table!.TableArn!;
}

async function keys(bucket: string, prefix: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!);
}

async function startExport(tableArn: string, bucket: string, prefix: string) {
  await s3.send(
    new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: region } }),
  );
  const { ExportDescription } = await dynamodb.send(
    new ExportTableToPointInTimeCommand({
      TableArn: tableArn,
      S3Bucket: bucket,
      S3Prefix: prefix,
      ExportFormat: 'DYNAMODB_JSON',
    }),
  );
  const arn = ExportDescription!.ExportArn!;
  const ended = () =>
    eventually(
      'export ended',
      async () => {
        const d = (await dynamodb.send(new DescribeExportCommand({ ExportArn: arn }))).ExportDescription!;
        return d.ExportStatus === 'IN_PROGRESS' ? undefined : d;
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
  return { arn, ended };
}

describe('DynamoDB export: files written when the export ends', () => {
  beforeAll(async () => {
    await sharedAdmin().setAccountSettings(account, { durationsMs: { 'dynamodb.export': DURATION } });
  });

  it('nothing under the prefix while IN_PROGRESS; a prefix emptied meanwhile gets the files at the end', async () => {
    const tableArn = await tableWithPitr('export-late-files');
    const bucket = `export-late-${account}`;
    const { ended } = await startExport(tableArn, bucket, 'plan/x0');
    // A cleanup that empties the prefix now finds nothing to remove: the export has not written yet.
    expect(await keys(bucket, 'plan/')).toEqual([]);
    const done = await ended();
    expect(done.ExportStatus).toBe('COMPLETED');
    expect(done.ItemCount).toBe(1);
    const written = await keys(bucket, 'plan/x0/AWSDynamoDB/');
    expect(written.some((k) => /\/data\/[^/]+\.json\.gz$/.test(k))).toBe(true);
    expect(written.some((k) => k.endsWith('/manifest-summary.json'))).toBe(true);
  });

  it('an export whose bucket is deleted while it runs fails (S3NoSuchBucket)', async () => {
    const tableArn = await tableWithPitr('export-bucket-gone');
    const bucket = `export-gone-${account}`;
    const { ended } = await startExport(tableArn, bucket, 'plan/x0');
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    const done = await ended();
    expect(done.ExportStatus).toBe('FAILED');
    expect(done.FailureCode).toBe('S3NoSuchBucket');
  });
});
