import {
  CopyImageCommand,
  CopySnapshotCommand,
  CreateImageCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  CreateDBClusterCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBSnapshotAttributeCommand,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
} from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { aws, eventually, failure, freshAccount } from './support.js';

// What the failback does across accounts, as AWS allows it: the recovery account shares, the primary
// account copies (re-encrypting with its own key) and restores. Unshared resources stay invisible.
const recovery = freshAccount();
const primary = freshAccount();
const outsider = freshAccount();
const recoveryRegion = 'us-west-2';
const primaryRegion = 'us-east-1';
const source = aws(recovery, recoveryRegion);
const target = aws(primary, primaryRegion);
const stranger = aws(outsider, primaryRegion);

async function primaryKey(): Promise<string> {
  return (await target.kms.send(new CreateKeyCommand({ Description: 'primary failback key' }))).KeyMetadata!
    .Arn!;
}

describe('cross-account sharing', () => {
  it('EC2: an AMI with a launch permission and its snapshot with a create-volume permission are copied by the granted account, encrypted with its KmsKeyId', async () => {
    const { Instances } = await source.ec2.send(
      new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1 }),
    );
    const { ImageId } = await source.ec2.send(
      new CreateImageCommand({ InstanceId: Instances![0]!.InstanceId!, Name: 'web-1-fb' }),
    );
    const image = async (client = source.ec2) =>
      (await client.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }))).Images?.[0];
    await eventually('AMI available', async () =>
      (await image())?.State === 'available' ? true : undefined,
    );
    const snapshotId = (await image())!.BlockDeviceMappings![0]!.Ebs!.SnapshotId!;
    const key = await primaryKey();
    const copy = () =>
      target.ec2.send(
        new CopyImageCommand({
          SourceImageId: ImageId!,
          SourceRegion: recoveryRegion,
          Name: 'web-1',
          Encrypted: true,
          KmsKeyId: key,
        }),
      );

    // Unshared: the primary account cannot see or copy it.
    expect((await failure(copy())).name).toBe('InvalidAMIID.NotFound');
    await source.ec2.send(
      new ModifyImageAttributeCommand({
        ImageId: ImageId!,
        LaunchPermission: { Add: [{ UserId: primary }] },
      }),
    );
    // The AMI alone is not enough: AWS also wants read access to its snapshots.
    expect((await failure(copy())).message).toMatch(/permission to access the storage/);
    await source.ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: snapshotId,
        CreateVolumePermission: { Add: [{ UserId: primary }] },
      }),
    );

    const copied = await copy();
    const copiedImage = await eventually('copy available', async () => {
      const found = (await target.ec2.send(new DescribeImagesCommand({ ImageIds: [copied.ImageId!] })))
        .Images?.[0];
      return found?.State === 'available' ? found : undefined;
    });
    expect(copiedImage.OwnerId).toBe(primary);
    expect(copiedImage.BlockDeviceMappings![0]!.Ebs).toMatchObject({ Encrypted: true, KmsKeyId: key });
    // The shared AMI is visible to the granted account only.
    const sharedIn = aws(primary, recoveryRegion).ec2;
    expect((await image(sharedIn))?.ImageId).toBe(ImageId);
    const strangerView = aws(outsider, recoveryRegion).ec2;
    expect((await failure(image(strangerView))).name).toBe('InvalidAMIID.NotFound');
  });

  it("EBS: a snapshot shared with the SDK's CreateVolumePermission form is copied across accounts and regions; unshared ones are not", async () => {
    const volume = await source.ec2.send(
      new CreateVolumeCommand({ Size: 8, AvailabilityZone: `${recoveryRegion}a` }),
    );
    const { SnapshotId } = await source.ec2.send(new CreateSnapshotCommand({ VolumeId: volume.VolumeId! }));
    const copy = (client = target.ec2, KmsKeyId?: string) =>
      client.send(
        new CopySnapshotCommand({
          SourceSnapshotId: SnapshotId!,
          SourceRegion: recoveryRegion,
          Encrypted: Boolean(KmsKeyId),
          KmsKeyId,
        }),
      );
    await eventually('snapshot completed', async () => {
      const found = (await source.ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [SnapshotId!] })))
        .Snapshots?.[0];
      return found?.State === 'completed' ? true : undefined;
    });
    expect((await failure(copy())).name).toBe('InvalidSnapshot.NotFound');

    await source.ec2.send(
      new ModifySnapshotAttributeCommand({
        SnapshotId: SnapshotId!,
        CreateVolumePermission: { Add: [{ UserId: primary }] },
      }),
    );
    const key = await primaryKey();
    const copied = await copy(target.ec2, key);
    const found = (await target.ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [copied.SnapshotId!] })))
      .Snapshots![0]!;
    expect(found).toMatchObject({ OwnerId: primary, Encrypted: true, KmsKeyId: key });
    expect((await failure(copy(stranger.ec2))).name).toBe('InvalidSnapshot.NotFound');
    // The granted account sees it among the snapshots it may restore.
    const restorable = await aws(primary, recoveryRegion).ec2.send(
      new DescribeSnapshotsCommand({ RestorableByUserIds: ['self'] }),
    );
    expect(restorable.Snapshots?.map((s) => s.SnapshotId)).toContain(SnapshotId);
  });

  it('RDS: a DB snapshot with the restore attribute is copied by ARN across accounts and regions with KmsKeyId, then restored', async () => {
    await source.rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'shop-db',
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        MasterUsername: 'admin1',
        MasterUserPassword: 'password-123',
        AllocatedStorage: 20,
      }),
    );
    await eventually('instance available', async () => {
      const found = await source.rds.send(
        new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'shop-db' }),
      );
      return found.DBInstances?.[0]?.DBInstanceStatus === 'available' ? true : undefined;
    });
    const { DBSnapshot } = await source.rds.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'shop-db', DBSnapshotIdentifier: 'shop-db-fb' }),
    );
    await eventually('snapshot available', async () => {
      const found = await source.rds.send(
        new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'shop-db-fb' }),
      );
      return found.DBSnapshots?.[0]?.Status === 'available' ? true : undefined;
    });
    const key = await primaryKey();
    const copy = (client = target.rds, id = 'shop-db-fb-copy') =>
      client.send(
        new CopyDBSnapshotCommand({
          SourceDBSnapshotIdentifier: DBSnapshot!.DBSnapshotArn!,
          TargetDBSnapshotIdentifier: id,
          KmsKeyId: key,
          Tags: [{ Key: 'failback:plan-id', Value: 'p1' }],
        }),
      );
    expect((await failure(copy())).name).toBe('DBSnapshotNotFoundFault');

    await source.rds.send(
      new ModifyDBSnapshotAttributeCommand({
        DBSnapshotIdentifier: 'shop-db-fb',
        AttributeName: 'restore',
        ValuesToAdd: [primary],
      }),
    );
    const copied = (await copy()).DBSnapshot!;
    expect(copied).toMatchObject({ Status: 'copying', KmsKeyId: key, Encrypted: true });
    expect(copied.DBSnapshotArn).toBe(`arn:aws:rds:${primaryRegion}:${primary}:snapshot:shop-db-fb-copy`);
    expect((await failure(copy(stranger.rds, 'stolen'))).name).toBe('DBSnapshotNotFoundFault');
    await eventually('copy available', async () => {
      const found = await target.rds.send(
        new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 'shop-db-fb-copy' }),
      );
      return found.DBSnapshots?.[0]?.Status === 'available' ? true : undefined;
    });
    const restored = await target.rds.send(
      new RestoreDBInstanceFromDBSnapshotCommand({
        DBInstanceIdentifier: 'shop-db',
        DBSnapshotIdentifier: 'shop-db-fb-copy',
      }),
    );
    expect(restored.DBInstance).toMatchObject({
      DBInstanceStatus: 'creating',
      KmsKeyId: key,
      StorageEncrypted: true,
    });
  });

  it('Aurora: a cluster snapshot shared with restore is copied by ARN and RestoreDBClusterFromSnapshot accepts a snapshot ARN', async () => {
    await source.rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: 'shop-aurora',
        Engine: 'aurora-postgresql',
        MasterUsername: 'admin1',
        MasterUserPassword: 'password-123',
      }),
    );
    await eventually('cluster available', async () => {
      const found = await source.rds.send(
        new DescribeDBClustersCommand({ DBClusterIdentifier: 'shop-aurora' }),
      );
      return found.DBClusters?.[0]?.Status === 'available' ? true : undefined;
    });
    const snapshot = (
      await source.rds.send(
        new CreateDBClusterSnapshotCommand({
          DBClusterIdentifier: 'shop-aurora',
          DBClusterSnapshotIdentifier: 'shop-aurora-fb',
        }),
      )
    ).DBClusterSnapshot!;
    await eventually('cluster snapshot available', async () => {
      const found = await source.rds.send(
        new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: 'shop-aurora-fb' }),
      );
      return found.DBClusterSnapshots?.[0]?.Status === 'available' ? true : undefined;
    });
    await source.rds.send(
      new ModifyDBClusterSnapshotAttributeCommand({
        DBClusterSnapshotIdentifier: 'shop-aurora-fb',
        AttributeName: 'restore',
        ValuesToAdd: [primary],
      }),
    );
    // An unencrypted cluster snapshot cannot be encrypted by its copy (RDS API Reference, KmsKeyId).
    const key = await primaryKey();
    const encrypting = target.rds.send(
      new CopyDBClusterSnapshotCommand({
        SourceDBClusterSnapshotIdentifier: snapshot.DBClusterSnapshotArn!,
        TargetDBClusterSnapshotIdentifier: 'shop-aurora-fb-copy',
        KmsKeyId: key,
      }),
    );
    expect((await failure(encrypting)).name).toBe('InvalidParameterCombination');
    const copied = (
      await target.rds.send(
        new CopyDBClusterSnapshotCommand({
          SourceDBClusterSnapshotIdentifier: snapshot.DBClusterSnapshotArn!,
          TargetDBClusterSnapshotIdentifier: 'shop-aurora-fb-copy',
        }),
      )
    ).DBClusterSnapshot!;
    expect(copied).toMatchObject({ Status: 'copying' });
    expect(copied.KmsKeyId).toBeUndefined();
    await eventually('cluster copy available', async () => {
      const found = await target.rds.send(
        new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: 'shop-aurora-fb-copy' }),
      );
      return found.DBClusterSnapshots?.[0]?.Status === 'available' ? true : undefined;
    });
    const restored = await target.rds.send(
      new RestoreDBClusterFromSnapshotCommand({
        DBClusterIdentifier: 'shop-aurora',
        SnapshotIdentifier: copied.DBClusterSnapshotArn!,
        Engine: 'aurora-postgresql',
      }),
    );
    expect(restored.DBCluster).toMatchObject({ Status: 'creating' });
    // Shared in its own region, the recovery snapshot's ARN restores directly too; unshared, not.
    const direct = aws(primary, recoveryRegion).rds;
    const fromShared = await direct.send(
      new RestoreDBClusterFromSnapshotCommand({
        DBClusterIdentifier: 'shop-aurora-direct',
        SnapshotIdentifier: snapshot.DBClusterSnapshotArn!,
        Engine: 'aurora-postgresql',
      }),
    );
    expect(fromShared.DBCluster?.DBClusterIdentifier).toBe('shop-aurora-direct');
    const refused = aws(outsider, recoveryRegion).rds.send(
      new RestoreDBClusterFromSnapshotCommand({
        DBClusterIdentifier: 'x-aurora',
        SnapshotIdentifier: snapshot.DBClusterSnapshotArn!,
        Engine: 'aurora-postgresql',
      }),
    );
    expect((await failure(refused)).name).toBe('DBClusterSnapshotNotFoundFault');
  });
});
