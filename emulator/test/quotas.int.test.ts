import {
  CopyImageCommand,
  CopySnapshotCommand,
  CreateImageCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  SnapshotQuotaExceededFault,
} from '@aws-sdk/client-rds';
import { beforeAll, describe, expect, it } from 'vitest';
import { aws, failure, freshAccount, sharedAdmin, sleep } from './support.js';

// AWS's own limits, with AWS's numbers and error codes: 20 EBS snapshot copies in progress per
// destination region (CopyImage counts its snapshots), 5 RDS/Aurora cross-region copies in progress.
// Copies last long enough that none completes while a test issues its 21 requests, even on a busy
// machine; freeing slots is tested separately with a short copy and a one-copy quota.
const COPY_MS = 30_000;
const account = freshAccount();
const { ec2: west, rds: westRds } = aws(account, 'us-west-2');
const { ec2: east, rds: eastRds } = aws(account, 'us-east-1');

describe('quotas as AWS enforces them', () => {
  beforeAll(async () => {
    await sharedAdmin().setAccountSettings(account, {
      durationsMs: {
        'ebs.snapshot': 0,
        'ec2.image': 0,
        'ebs.snapshot-copy': COPY_MS,
        'ec2.image-copy': COPY_MS,
        'rds.instance': 0,
        'rds.cluster': 0,
        'rds.snapshot': 0,
        'rds.cluster-snapshot': 0,
        'rds.snapshot-copy': COPY_MS,
        'rds.cluster-snapshot-copy': COPY_MS,
      },
    });
    const model = await sharedAdmin().profile();
    expect(model.quotas).toEqual({
      ebsConcurrentSnapshotCopiesPerRegion: 20,
      rdsCrossRegionSnapshotCopiesInProgress: 5,
    });
  });

  it('EBS: the 21st concurrent copy into a region fails with ResourceLimitExceeded; other regions and later copies are fine', async () => {
    const volume = await west.send(new CreateVolumeCommand({ Size: 8, AvailabilityZone: 'us-west-2a' }));
    const { SnapshotId } = await west.send(new CreateSnapshotCommand({ VolumeId: volume.VolumeId! }));
    const { Instances } = await west.send(
      new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1 }),
    );
    const { ImageId } = await west.send(
      new CreateImageCommand({ InstanceId: Instances![0]!.InstanceId!, Name: 'quota-ami' }),
    );
    const copySnapshot = (client = east) =>
      client.send(new CopySnapshotCommand({ SourceSnapshotId: SnapshotId!, SourceRegion: 'us-west-2' }));

    await east.send(
      new CopyImageCommand({ SourceImageId: ImageId!, SourceRegion: 'us-west-2', Name: 'quota-ami-copy' }),
    );
    for (let i = 0; i < 19; i++) await copySnapshot();
    const rejected = await failure(copySnapshot());
    expect(rejected.name).toBe('ResourceLimitExceeded');
    expect(rejected.$metadata?.httpStatusCode).toBe(400);
    expect(
      (
        await failure(
          east.send(
            new CopyImageCommand({ SourceImageId: ImageId!, SourceRegion: 'us-west-2', Name: 'more' }),
          ),
        )
      ).name,
    ).toBe('ResourceLimitExceeded');
    await copySnapshot(aws(account, 'eu-west-1').ec2); // another destination region has its own 20

    const events = await sharedAdmin().events({ account, type: 'quota' });
    expect(events.map((e) => [e.service, e.operation, e.code, e.region])).toEqual([
      ['ec2', 'CopySnapshot', 'ResourceLimitExceeded', 'us-east-1'],
      ['ec2', 'CopyImage', 'ResourceLimitExceeded', 'us-east-1'],
    ]);
    expect(events[0]!.detail).toMatchObject({ limit: 20, inProgress: 20 });
  });

  it('a copy frees its slot when it completes (quota and duration set for one account)', async () => {
    const small = freshAccount();
    await sharedAdmin().setAccountSettings(small, {
      durationsMs: { 'ebs.snapshot': 0, 'ebs.snapshot-copy': 1_500 },
      quotas: { ebsConcurrentSnapshotCopiesPerRegion: 1 },
    });
    const source = aws(small, 'us-west-2').ec2;
    const volume = await source.send(new CreateVolumeCommand({ Size: 8, AvailabilityZone: 'us-west-2a' }));
    const { SnapshotId } = await source.send(new CreateSnapshotCommand({ VolumeId: volume.VolumeId! }));
    const copy = () =>
      aws(small, 'us-east-1').ec2.send(
        new CopySnapshotCommand({ SourceSnapshotId: SnapshotId!, SourceRegion: 'us-west-2' }),
      );
    await copy();
    // Counted from the answer: the emulator started the copy before it answered (under load the
    // request may reach it well after the client sent it).
    const started = Date.now();
    expect((await failure(copy())).name).toBe('ResourceLimitExceeded');
    await sleep(1_600 - (Date.now() - started));
    await copy();
  });

  it('RDS/Aurora: the 6th cross-region snapshot copy in progress fails with SnapshotQuotaExceeded; same-region copies do not count', async () => {
    const password = { MasterUsername: 'admin1', MasterUserPassword: 'password-123' };
    await westRds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'q-db',
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: 20,
        ...password,
      }),
    );
    await westRds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'q-aurora',
        Engine: 'aurora-postgresql',
        ...password,
      }),
    );
    const db = (
      await westRds.send(
        new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'q-db', DBSnapshotIdentifier: 'q-db-snap' }),
      )
    ).DBSnapshot!;
    const cluster = (
      await westRds.send(
        new CreateDBClusterSnapshotCommand({
          DBClusterIdentifier: 'q-aurora',
          DBClusterSnapshotIdentifier: 'q-aurora-snap',
        }),
      )
    ).DBClusterSnapshot!;
    const copyDb = (client: typeof eastRds, id: string) =>
      client.send(
        new CopyDBSnapshotCommand({
          SourceDBSnapshotIdentifier: db.DBSnapshotArn!,
          TargetDBSnapshotIdentifier: id,
        }),
      );

    for (let i = 0; i < 3; i++) await copyDb(eastRds, `q-copy-${i}`);
    for (let i = 0; i < 2; i++) {
      await eastRds.send(
        new CopyDBClusterSnapshotCommand({
          SourceDBClusterSnapshotIdentifier: cluster.DBClusterSnapshotArn!,
          TargetDBClusterSnapshotIdentifier: `q-cluster-copy-${i}`,
        }),
      );
    }
    const rejected = await failure(copyDb(eastRds, 'q-copy-6'));
    expect(rejected).toBeInstanceOf(SnapshotQuotaExceededFault);
    await copyDb(westRds, 'q-same-region-copy'); // same region: not a cross-region copy
    const events = await sharedAdmin().events({ account, type: 'quota' });
    expect(events.at(-1)).toMatchObject({
      service: 'rds',
      operation: 'CopyDBSnapshot',
      code: 'SnapshotQuotaExceeded',
    });
  });
});
