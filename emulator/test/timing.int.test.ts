import {
  CreateBackupCommand,
  CreateTableCommand,
  DescribeBackupCommand,
  DescribeExportCommand,
  DescribeImportCommand,
  DescribeTableCommand,
  ExportTableToPointInTimeCommand,
  ImportTableCommand,
  PutItemCommand,
  ResourceNotFoundException,
  RestoreTableFromBackupCommand,
  UpdateContinuousBackupsCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateImageCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBInstanceCommand,
} from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  GetChangeCommand,
} from '@aws-sdk/client-route-53';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DurationKind } from '../client.js';
import { aws, eventually, failure, freshAccount, sharedAdmin } from './support.js';

// Transitional states last what the profile says (here: one second for every kind, for this test's
// account only: long enough to be seen on a busy machine), are visible to describe calls meanwhile,
// and end in AWS's final state.
const DURATION = 1_000;
const account = freshAccount();
const region = 'eu-central-1';
const { ec2, rds, dynamodb, route53, s3 } = aws(account, region);

/** Reads `read` until it returns `final`; returns what it saw first and the time since `since`, taken
 * just before the call that started the transition (a lower bound of the duration, whatever the load). */
async function observe(read: () => Promise<string | undefined>, final: string, since: number) {
  const first = await read();
  await eventually(`state ${final}`, async () => ((await read()) === final ? true : undefined));
  return { first, elapsed: Date.now() - since };
}

function expectTimed(result: { first: string | undefined; elapsed: number }, transitional: string) {
  expect(result.first).toBe(transitional);
  expect(result.elapsed).toBeGreaterThanOrEqual(DURATION);
}

describe('timing: transitional states for the duration the profile gives', () => {
  beforeAll(async () => {
    const kinds = (await sharedAdmin().profile()).kinds;
    // ec2.describe-lag is no transitional state: it hides what it times (describe-lag.int.test.ts).
    const timed = Object.keys(kinds).filter((k) => k !== 'ec2.describe-lag');
    const durationsMs = Object.fromEntries(timed.map((k) => [k, DURATION])) as Record<DurationKind, number>;
    await sharedAdmin().setAccountSettings(account, { durationsMs });
  });

  it('EC2: instance pending -> running, AMI pending -> available, EBS snapshot pending -> completed with progress', async () => {
    const tRun = Date.now();
    const run = await ec2.send(
      new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1 }),
    );
    const instanceId = run.Instances![0]!.InstanceId!;
    expect(run.Instances![0]!.State?.Name).toBe('pending');
    const instance = async () =>
      (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }))).Reservations?.[0]
        ?.Instances?.[0]?.State?.Name;
    expectTimed(await observe(instance, 'running', tRun), 'pending');

    const tImage = Date.now();
    const { ImageId } = await ec2.send(
      new CreateImageCommand({ InstanceId: instanceId, Name: 'timing-ami' }),
    );
    const volume = await ec2.send(new CreateVolumeCommand({ Size: 8, AvailabilityZone: `${region}a` }));
    const tSnapshot = Date.now();
    const { SnapshotId } = await ec2.send(new CreateSnapshotCommand({ VolumeId: volume.VolumeId! }));
    const progress: string[] = [];
    const image = async () =>
      (await ec2.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images?.[0]?.State;
    const snapshot = async () => {
      const found = (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [SnapshotId!] })))
        .Snapshots?.[0];
      progress.push(found?.Progress ?? '');
      return found?.State;
    };
    const [ami, snap] = await Promise.all([
      observe(image, 'available', tImage),
      observe(snapshot, 'completed', tSnapshot),
    ]);
    expectTimed(ami, 'pending');
    expectTimed(snap, 'pending');
    expect(progress[0]).toMatch(/^\d{1,2}%$/);
    expect(progress.at(-1)).toBe('100%');
  });

  it('RDS: instance creating -> available, snapshot creating -> available with PercentProgress, rename renaming -> available', async () => {
    const tDb = Date.now();
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'timing-db',
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        MasterUsername: 'admin1',
        MasterUserPassword: 'password-123',
        AllocatedStorage: 20,
      }),
    );
    const status = (id: string) => async () =>
      (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances?.[0]
        ?.DBInstanceStatus;
    expectTimed(await observe(status('timing-db'), 'available', tDb), 'creating');

    const tDbSnapshot = Date.now();
    await rds.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'timing-db', DBSnapshotIdentifier: 'timing-snap' }),
    );
    const percents: number[] = [];
    const snapshot = async () => {
      const found = (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'timing-snap' })))
        .DBSnapshots?.[0];
      percents.push(found?.PercentProgress ?? -1);
      return found?.Status;
    };
    expectTimed(await observe(snapshot, 'available', tDbSnapshot), 'creating');
    expect(percents[0]).toBeLessThan(100);
    expect(percents.at(-1)).toBe(100);

    const tRename = Date.now();
    await rds.send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: 'timing-db',
        NewDBInstanceIdentifier: 'timing-db-old',
        ApplyImmediately: true,
      }),
    );
    expectTimed(await observe(status('timing-db-old'), 'available', tRename), 'renaming');
  });

  it('Aurora: cluster creating -> available, cluster snapshot creating -> available', async () => {
    const tCluster = Date.now();
    await rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'timing-aurora',
        Engine: 'aurora-postgresql',
        MasterUsername: 'admin1',
        MasterUserPassword: 'password-123',
      }),
    );
    const cluster = async () =>
      (await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: 'timing-aurora' })))
        .DBClusters?.[0]?.Status;
    expectTimed(await observe(cluster, 'available', tCluster), 'creating');
    const tClusterSnapshot = Date.now();
    await rds.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterIdentifier: 'timing-aurora',
        DBClusterSnapshotIdentifier: 'timing-aurora-snap',
      }),
    );
    const snapshot = async () =>
      (
        await rds.send(
          new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: 'timing-aurora-snap' }),
        )
      ).DBClusterSnapshots?.[0]?.Status;
    expectTimed(await observe(snapshot, 'available', tClusterSnapshot), 'creating');
  });

  it('DynamoDB: table CREATING -> ACTIVE (items refused meanwhile), backup, restore, export and import', async () => {
    const table = 'timing-orders';
    const key = { AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }] };
    const schema = {
      ...key,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }],
      BillingMode: 'PAY_PER_REQUEST' as const,
    };
    const tTable = Date.now();
    await dynamodb.send(new CreateTableCommand({ TableName: table, ...schema }));
    const early = await failure(
      dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'a' } } })),
    );
    expect(early).toBeInstanceOf(ResourceNotFoundException);
    const tableStatus = (name: string) => async () =>
      (await dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus;
    expectTimed(await observe(tableStatus(table), 'ACTIVE', tTable), 'CREATING');
    await dynamodb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: 'a' } } }));

    const tBackup = Date.now();
    const { BackupDetails } = await dynamodb.send(
      new CreateBackupCommand({ TableName: table, BackupName: 'timing-backup' }),
    );
    const backup = async () =>
      (await dynamodb.send(new DescribeBackupCommand({ BackupArn: BackupDetails!.BackupArn! })))
        .BackupDescription?.BackupDetails?.BackupStatus;
    expectTimed(await observe(backup, 'AVAILABLE', tBackup), 'CREATING');
    const tRestore = Date.now();
    const restored = await dynamodb.send(
      new RestoreTableFromBackupCommand({
        TargetTableName: 'timing-restored',
        BackupArn: BackupDetails!.BackupArn!,
      }),
    );
    expect(restored.TableDescription?.RestoreSummary?.RestoreInProgress).toBe(true);
    expectTimed(await observe(tableStatus('timing-restored'), 'ACTIVE', tRestore), 'CREATING');

    await dynamodb.send(
      new UpdateContinuousBackupsCommand({
        TableName: table,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      }),
    );
    const bucket = `timing-exports-${account}`;
    await s3.send(
      new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: region } }),
    );
    const tableArn = (await dynamodb.send(new DescribeTableCommand({ TableName: table }))).Table!.TableArn!;
    const tExport = Date.now();
    const { ExportDescription } = await dynamodb.send(
      new ExportTableToPointInTimeCommand({
        TableArn: tableArn,
        S3Bucket: bucket,
        S3Prefix: 'orders',
        ExportFormat: 'DYNAMODB_JSON',
      }),
    );
    const exportStatus = async () =>
      (await dynamodb.send(new DescribeExportCommand({ ExportArn: ExportDescription!.ExportArn! })))
        .ExportDescription?.ExportStatus;
    expectTimed(await observe(exportStatus, 'COMPLETED', tExport), 'IN_PROGRESS');
    const manifest = (
      await dynamodb.send(new DescribeExportCommand({ ExportArn: ExportDescription!.ExportArn! }))
    ).ExportDescription!.ExportManifest!;

    const tImport = Date.now();
    const { ImportTableDescription } = await dynamodb.send(
      new ImportTableCommand({
        S3BucketSource: {
          S3Bucket: bucket,
          S3KeyPrefix: manifest.replace(/manifest-summary\.json$/, 'data/'),
        },
        InputFormat: 'DYNAMODB_JSON',
        InputCompressionType: 'GZIP',
        TableCreationParameters: { TableName: 'timing-imported', ...schema },
      }),
    );
    const importStatus = async () =>
      (await dynamodb.send(new DescribeImportCommand({ ImportArn: ImportTableDescription!.ImportArn! })))
        .ImportTableDescription?.ImportStatus;
    const [imported, importedTable] = await Promise.all([
      observe(importStatus, 'COMPLETED', tImport),
      observe(tableStatus('timing-imported'), 'ACTIVE', tImport),
    ]);
    expectTimed(imported, 'IN_PROGRESS');
    expectTimed(importedTable, 'CREATING');
  });

  it('Route 53: a change is PENDING, then INSYNC', async () => {
    const zone = await route53.send(
      new CreateHostedZoneCommand({ Name: 'timing.example.com', CallerReference: account }),
    );
    const tChange = Date.now();
    const { ChangeInfo } = await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: zone.HostedZone!.Id!,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: 'www.timing.example.com',
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: '10.0.0.1' }],
              },
            },
          ],
        },
      }),
    );
    expect(ChangeInfo?.Status).toBe('PENDING');
    const change = async () =>
      (await route53.send(new GetChangeCommand({ Id: ChangeInfo!.Id! }))).ChangeInfo?.Status;
    expectTimed(await observe(change, 'INSYNC', tChange), 'PENDING');
  });
});
