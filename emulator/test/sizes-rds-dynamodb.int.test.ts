import {
  CreateBackupCommand,
  CreateTableCommand,
  DescribeTableCommand,
  PutItemCommand,
  RestoreTableFromBackupCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DescribeDBSnapshotsCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { beforeAll, describe, expect, it } from 'vitest';
import { aws, eventually, freshAccount, sharedAdmin, sleep } from './support.js';

// Sizes and incremental copies of RDS and Aurora snapshots, restore durations of RDS and DynamoDB
// (decision 0041); durations are read from what the emulator states, not from the clock.
const BASE_MS = 50;
const RATE_MS_PER_GIB = 2;
const account = freshAccount();
const admin = sharedAdmin();
const { rds: west } = aws(account, 'us-west-2');
const { rds: east, dynamodb } = aws(account, 'us-east-1');
const { rds: ireland } = aws(account, 'eu-west-1');
const password = { MasterUsername: 'admin1', MasterUserPassword: 'password-123' };

async function available(rds: RDSClient, id: string) {
  return eventually(`${id} available`, async () => {
    const { DBSnapshots } = await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }));
    return DBSnapshots?.[0]?.Status === 'available' ? DBSnapshots[0] : undefined;
  });
}

const arn = (region: string, kind: 'snapshot' | 'cluster-snapshot', id: string) =>
  `arn:aws:rds:${region}:${account}:${kind}:${id}`;

async function copyDb(to: RDSClient, fromRegion: string, source: string, target: string) {
  await to.send(
    new CopyDBSnapshotCommand({
      SourceDBSnapshotIdentifier: arn(fromRegion, 'snapshot', source),
      TargetDBSnapshotIdentifier: target,
    }),
  );
}

async function table(client: DynamoDBClient, name: string) {
  return eventually(`${name} ACTIVE`, async () => {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    return Table?.TableStatus === 'ACTIVE' ? Table : undefined;
  });
}

describe('sizes of databases and tables', () => {
  beforeAll(async () => {
    const kinds = [
      'rds.snapshot-copy',
      'rds.cluster-snapshot-copy',
      'rds.instance-restore',
      'dynamodb.restore',
    ] as const;
    await admin.setAccountSettings(account, {
      durationsMs: {
        'rds.instance': 0,
        'rds.cluster': 0,
        'rds.snapshot': 0,
        'rds.cluster-snapshot': 0,
        'dynamodb.table': 0,
        'dynamodb.backup': 0,
        ...Object.fromEntries(kinds.map((k) => [k, BASE_MS])),
      },
      ratesMsPerGiB: Object.fromEntries(kinds.map((k) => [k, RATE_MS_PER_GIB])),
    });
  });

  it('RDS: the first cross-region copy is full, a later one of the same DB incremental; a copy of a copy is full', async () => {
    await west.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'sized-db',
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: 100,
        ...password,
      }),
    );
    expect(await admin.size(account, 'us-west-2', 'sized-db')).toMatchObject({
      kind: 'db-instance',
      allocatedGiB: 100,
      usedGiB: 100,
    });
    await admin.setSize({
      account,
      region: 'us-west-2',
      resource: 'sized-db',
      usedGiB: 80,
      changeGiBPerHour: 36_000,
    });
    const snap = async (id: string) => {
      await west.send(
        new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'sized-db', DBSnapshotIdentifier: id }),
      );
      await available(west, id);
    };
    await snap('sized-1');
    await copyDb(east, 'us-west-2', 'sized-1', 'sized-1-copy');
    const full = await admin.size(account, 'us-east-1', 'sized-1-copy');
    expect(full).toMatchObject({ kind: 'db-snapshot', incremental: false, transferredGiB: 80, usedGiB: 80 });
    expect(full.transition?.durationMs).toBe(BASE_MS + 80 * RATE_MS_PER_GIB);
    await available(east, 'sized-1-copy');

    await sleep(300);
    await snap('sized-2');
    await copyDb(east, 'us-west-2', 'sized-2', 'sized-2-copy');
    const second = await admin.size(account, 'us-west-2', 'sized-2');
    const incremental = await admin.size(account, 'us-east-1', 'sized-2-copy');
    expect(incremental).toMatchObject({ incremental: true, follows: 'sized-1-copy' });
    expect(incremental.transferredGiB).toBeCloseTo(second.changedGiB!, 3);
    expect(incremental.transferredGiB).toBeLessThan(80);
    expect(incremental.transition!.durationMs).toBeLessThan(BASE_MS + 80 * RATE_MS_PER_GIB);
    await available(east, 'sized-2-copy');
    // By ARN: the snapshot, not the DB instance of the same name (a plain name finds the instance).
    await snap('sized-db');
    expect(await admin.size(account, 'us-west-2', arn('us-west-2', 'snapshot', 'sized-db'))).toMatchObject({
      kind: 'db-snapshot',
      lineage: expect.stringMatching(/^db-/),
    });
    expect((await admin.size(account, 'us-west-2', 'sized-db')).kind).toBe('db-instance');

    // The copies' copies into Ireland: the second has a base there, but its source is a copy.
    await copyDb(ireland, 'us-east-1', 'sized-1-copy', 'sized-1-ie');
    await available(ireland, 'sized-1-ie');
    await copyDb(ireland, 'us-east-1', 'sized-2-copy', 'sized-2-ie');
    expect(await admin.size(account, 'eu-west-1', 'sized-2-ie')).toMatchObject({
      incremental: false,
      transferredGiB: 80,
    });

    // A restore moves the snapshot's used GiB.
    await east.send(
      new RestoreDBInstanceFromDBSnapshotCommand({
        DBInstanceIdentifier: 'sized-restored',
        DBSnapshotIdentifier: 'sized-2-copy',
      }),
    );
    const restored = await admin.size(account, 'us-east-1', 'sized-restored');
    expect(restored).toMatchObject({ kind: 'db-instance', usedGiB: 80, changeGiBPerHour: 0 });
    expect(restored.transition).toMatchObject({
      kind: 'rds.instance-restore',
      durationMs: BASE_MS + 80 * RATE_MS_PER_GIB,
    });
  });

  it('Aurora: every cluster snapshot copy is full', async () => {
    await west.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'sized-aurora',
        Engine: 'aurora-postgresql',
        ...password,
      }),
    );
    await admin.setSize({ account, region: 'us-west-2', resource: 'sized-aurora', usedGiB: 30 });
    for (const id of ['sized-c1', 'sized-c2']) {
      await west.send(
        new CreateDBClusterSnapshotCommand({
          DBClusterIdentifier: 'sized-aurora',
          DBClusterSnapshotIdentifier: id,
        }),
      );
      await east.send(
        new CopyDBClusterSnapshotCommand({
          SourceDBClusterSnapshotIdentifier: arn('us-west-2', 'cluster-snapshot', id),
          TargetDBClusterSnapshotIdentifier: `${id}-copy`,
        }),
      );
      const copied = await admin.size(account, 'us-east-1', `${id}-copy`);
      expect(copied).toMatchObject({ kind: 'db-cluster-snapshot', incremental: false, transferredGiB: 30 });
      expect(copied.transition?.durationMs).toBe(BASE_MS + 30 * RATE_MS_PER_GIB);
      await eventually(`${id}-copy done`, async () =>
        (await admin.size(account, 'us-east-1', `${id}-copy`)).transition?.inProgress ? undefined : true,
      );
    }
  });

  it('DynamoDB: a table has the bytes and count of its items unless set; a restore takes base + GiB x rate', async () => {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'sized-table',
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      }),
    );
    await table(dynamodb, 'sized-table');
    for (const pk of ['a', 'b', 'c'])
      await dynamodb.send(
        new PutItemCommand({ TableName: 'sized-table', Item: { pk: { S: pk }, v: { S: 'x'.repeat(100) } } }),
      );
    const natural = await admin.size(account, 'us-east-1', 'sized-table');
    expect(natural).toMatchObject({ kind: 'table', itemCount: 3 });
    expect(natural.bytes).toBeGreaterThan(300);

    const twoGiB = 2 * 1024 ** 3;
    await admin.setSize({
      account,
      region: 'us-east-1',
      resource: 'sized-table',
      bytes: twoGiB,
      itemCount: 5_000_000,
    });
    const backup = await dynamodb.send(
      new CreateBackupCommand({ TableName: 'sized-table', BackupName: 'sized' }),
    );
    await sleep(20);
    await dynamodb.send(
      new RestoreTableFromBackupCommand({
        TargetTableName: 'sized-table-copy',
        BackupArn: backup.BackupDetails!.BackupArn!,
      }),
    );
    const restored = await admin.size(account, 'us-east-1', 'sized-table-copy');
    expect(restored).toMatchObject({ bytes: twoGiB, itemCount: 5_000_000 });
    const tableArn = `arn:aws:dynamodb:us-east-1:${account}:table/sized-table-copy`;
    expect(await admin.size(account, 'us-east-1', tableArn)).toMatchObject({ kind: 'table', bytes: twoGiB });
    expect(restored.transition).toMatchObject({
      kind: 'dynamodb.restore',
      durationMs: BASE_MS + 2 * RATE_MS_PER_GIB,
    });
    await table(dynamodb, 'sized-table-copy');
  });
});
