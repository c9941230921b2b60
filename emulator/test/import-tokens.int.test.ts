import { gzipSync } from 'node:zlib';
import {
  CreateTableCommand,
  DescribeImportCommand,
  ImportTableCommand,
  type ImportTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { aws, eventually, failure, freshAccount } from './support.js';

const region = 'eu-west-1';

/** ImportTable's ClientToken, as AWS honours it (the ImportTable API reference). */
describe('DynamoDB ImportTable client tokens', () => {
  async function setUp() {
    const account = freshAccount();
    const { dynamodb, s3 } = aws(account, region);
    const bucket = `tokens-${account}`;
    await s3.send(
      new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: region } }),
    );
    await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: 'in/data/a.json.gz',
        Body: gzipSync('{"Item":{"pk":{"S":"1"}}}\n{"Item":{"pk":{"S":"2"}}}\n'),
      }),
    );
    const request = (table: string, token: string, prefix = 'in/data/'): ImportTableCommandInput => ({
      ClientToken: token,
      S3BucketSource: { S3Bucket: bucket, S3KeyPrefix: prefix },
      InputFormat: 'DYNAMODB_JSON',
      InputCompressionType: 'GZIP',
      TableCreationParameters: {
        TableName: table,
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      },
    });
    return { dynamodb, request };
  }

  it('a repeated token answers the first import, and carries the token', async () => {
    const { dynamodb, request } = await setUp();
    const first = await dynamodb.send(new ImportTableCommand(request('imported', 'token-1')));
    const again = await dynamodb.send(new ImportTableCommand(request('imported', 'token-1')));
    expect(again.ImportTableDescription?.ImportArn).toBe(first.ImportTableDescription?.ImportArn);
    const described = await dynamodb.send(
      new DescribeImportCommand({ ImportArn: first.ImportTableDescription!.ImportArn! }),
    );
    expect(described.ImportTableDescription?.ClientToken).toBe('token-1');
  });

  it('a failed import answers a repeated token for as long as the token lives: only a new token imports again', async () => {
    const { dynamodb, request } = await setUp();
    const broken = request('orders', 'token-2', 'missing/');
    // A bucket that does not exist fails the import (DescribeImport), not the call.
    const bad = {
      ...broken,
      S3BucketSource: { ...broken.S3BucketSource!, S3Bucket: 'no-such-bucket-at-all' },
    };
    const first = await dynamodb.send(new ImportTableCommand(bad));
    const arn = first.ImportTableDescription!.ImportArn!;
    await eventually('the import failed', async () => {
      const d = await dynamodb.send(new DescribeImportCommand({ ImportArn: arn }));
      return d.ImportTableDescription?.ImportStatus === 'FAILED' ? true : undefined;
    });
    const again = await dynamodb.send(new ImportTableCommand(bad));
    expect(again.ImportTableDescription?.ImportArn).toBe(arn);
    expect(again.ImportTableDescription?.ImportStatus).toBe('FAILED');
    const fresh = await dynamodb.send(new ImportTableCommand(request('orders', 'token-3')));
    expect(fresh.ImportTableDescription?.ImportArn).not.toBe(arn);
  });

  it('the same token with other parameters is IdempotentParameterMismatchException', async () => {
    const { dynamodb, request } = await setUp();
    await dynamodb.send(new ImportTableCommand(request('first', 'token-4')));
    const error = await failure(dynamodb.send(new ImportTableCommand(request('second', 'token-4'))));
    expect(error.name).toBe('IdempotentParameterMismatchException');
  });

  it('an import into a table that exists is ResourceInUseException', async () => {
    const { dynamodb, request } = await setUp();
    const input = request('taken', 'token-5');
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'taken',
        KeySchema: input.TableCreationParameters!.KeySchema,
        AttributeDefinitions: input.TableCreationParameters!.AttributeDefinitions,
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const error = await failure(dynamodb.send(new ImportTableCommand(input)));
    expect(error.name).toBe('ResourceInUseException');
  });
});
