import {
  CopyImageCommand,
  CreateImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  ModifyImageAttributeCommand,
  ModifySnapshotAttributeCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateKeyCommand, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import {
  CopyDBSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBSnapshotAttributeCommand,
} from '@aws-sdk/client-rds';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../scripts/stack/emulator.js';
import { aws, eventually, failure, freshAccount, sharedAdmin, sharedEndpoint } from './support.js';

type Statement = Record<string, unknown>;
const doc = (...Statement: Statement[]) => JSON.stringify({ Version: '2012-10-17', Statement });

/** A role of `account` with one inline policy, assumed by the account's root: clients acting as it. */
async function roleClients(account: string, region: string, name: string, ...statements: Statement[]) {
  const root = aws(account, region);
  const trust = doc({
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${account}:root` },
    Action: 'sts:AssumeRole',
  });
  await root.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
  if (statements.length)
    await root.iam.send(
      new PutRolePolicyCommand({ RoleName: name, PolicyName: 'p', PolicyDocument: doc(...statements) }),
    );
  const out = await root.sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${name}`, RoleSessionName: 'test' }),
  );
  const c = out.Credentials!;
  const credentials = {
    accessKeyId: c.AccessKeyId!,
    secretAccessKey: c.SecretAccessKey!,
    sessionToken: c.SessionToken!,
  };
  return {
    ...aws(undefined, region, { credentials }),
    credentials,
    arn: `arn:aws:iam::${account}:role/${name}`,
  };
}

const AMI = 'ami-0f00d5eed0000c0de';

describe('authorization as AWS decides it (enforced in every profile)', () => {
  it('refuses what no identity policy allows, with each protocol’s code, and records it', async () => {
    const account = freshAccount();
    const role = await roleClients(account, 'us-east-1', 'nothing');
    const ec2 = await failure(role.ec2.send(new DescribeInstancesCommand({})));
    expect([ec2.name, ec2.$metadata?.httpStatusCode]).toEqual(['UnauthorizedOperation', 403]);
    expect(ec2.message).toContain(
      `assumed-role/nothing/test is not authorized to perform: ec2:DescribeInstances on resource: * because no identity-based policy allows the ec2:DescribeInstances action`,
    );
    const rds = await failure(role.rds.send(new DescribeDBInstancesCommand({})));
    expect([rds.name, rds.$metadata?.httpStatusCode]).toEqual(['AccessDenied', 403]);
    const ddb = await failure(role.dynamodb.send(new ListTablesCommand({})));
    expect([ddb.name, ddb.$metadata?.httpStatusCode]).toEqual(['AccessDeniedException', 400]);
    const { denied } = await sharedAdmin().authorizationDenied({ account });
    expect(denied.map((d) => [d.principal, d.action, d.resource, d.reason])).toEqual([
      [role.arn, 'ec2:DescribeInstances', '*', 'no-statement'],
      [role.arn, 'rds:DescribeDBInstances', '*', 'no-statement'],
      [role.arn, 'dynamodb:ListTables', '*', 'no-statement'],
    ]);
    expect((await sharedAdmin().authorization()).mode).toBe('enforce');
  });

  it('authorizes tags on create as ec2:CreateTags with ec2:CreateAction, and resource tags', async () => {
    const account = freshAccount();
    const run = { Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' };
    const failbackKeysOnly = {
      Effect: 'Allow',
      Action: 'ec2:CreateTags',
      Resource: '*',
      Condition: { 'ForAllValues:StringLike': { 'aws:TagKeys': ['failback:*'] } },
    };
    const role = await roleClients(account, 'us-east-1', 'launcher', run, failbackKeysOnly, {
      Effect: 'Allow',
      Action: 'ec2:TerminateInstances',
      Resource: '*',
      Condition: { StringEquals: { 'aws:ResourceTag/failback:plan-id': 'p1' } },
    });
    const launch = (tags: Record<string, string>) =>
      role.ec2.send(
        new RunInstancesCommand({
          ImageId: AMI,
          MinCount: 1,
          MaxCount: 1,
          TagSpecifications: [
            { ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) },
          ],
        }),
      );
    const named = await failure(launch({ Name: 'web-1', 'failback:plan-id': 'p1' }));
    expect(named.name).toBe('UnauthorizedOperation');
    expect(named.message).toContain(
      'not authorized to perform: ec2:CreateTags on resource: arn:aws:ec2:us-east-1:',
    );
    const ours = await launch({ 'failback:plan-id': 'p1' });
    const other = await aws(account, 'us-east-1').ec2.send(
      new RunInstancesCommand({ ImageId: AMI, MinCount: 1, MaxCount: 1 }),
    );
    await role.ec2.send(new TerminateInstancesCommand({ InstanceIds: [ours.Instances![0]!.InstanceId!] }));
    const foreign = await failure(
      role.ec2.send(new TerminateInstancesCommand({ InstanceIds: [other.Instances![0]!.InstanceId!] })),
    );
    expect(foreign.message).toContain('ec2:TerminateInstances');
  });

  it('an explicit deny wins over an allow', async () => {
    const account = freshAccount();
    const role = await roleClients(
      account,
      'us-east-1',
      'denied',
      { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
      { Sid: 'NoDescribe', Effect: 'Deny', Action: 'ec2:DescribeInstances', Resource: '*' },
    );
    const error = await failure(role.ec2.send(new DescribeInstancesCommand({})));
    expect(error.message).toContain('explicit deny');
    const [entry] = (await sharedAdmin().authorizationDenied({ account })).denied;
    expect(entry?.reason).toBe('explicit-deny');
  });

  it('encrypted copies across accounts need the source key’s policy and the copier’s IAM policy', async () => {
    const owner = freshAccount();
    const copier = freshAccount();
    const region = 'us-west-2';
    const root = aws(owner, region);
    const key = (await root.kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    const instance = await root.ec2.send(
      new RunInstancesCommand({
        ImageId: AMI,
        MinCount: 1,
        MaxCount: 1,
        BlockDeviceMappings: [
          { DeviceName: '/dev/sda1', Ebs: { VolumeSize: 20, Encrypted: true, KmsKeyId: key } },
          { DeviceName: '/dev/sdb', Ebs: { VolumeSize: 100, Encrypted: true, KmsKeyId: key } },
        ],
      }),
    );
    const { ImageId } = await root.ec2.send(
      new CreateImageCommand({ InstanceId: instance.Instances![0]!.InstanceId!, Name: `img-${owner}` }),
    );
    const image = await eventually('image available', async () => {
      const { Images } = await root.ec2.send(new DescribeImagesCommand({ ImageIds: [ImageId!] }));
      return Images?.[0]?.State === 'available' ? Images[0] : undefined;
    });
    expect(
      image.BlockDeviceMappings!.map((m) => [m.DeviceName, m.Ebs?.VolumeSize, m.Ebs?.Encrypted]),
    ).toEqual([
      ['/dev/sda1', 20, true],
      ['/dev/sdb', 100, true],
    ]);
    await root.ec2.send(
      new ModifyImageAttributeCommand({ ImageId, LaunchPermission: { Add: [{ UserId: copier }] } }),
    );
    for (const m of image.BlockDeviceMappings!)
      await root.ec2.send(
        new ModifySnapshotAttributeCommand({
          SnapshotId: m.Ebs!.SnapshotId!,
          CreateVolumePermission: { Add: [{ UserId: copier }] },
        }),
      );
    const copierKey = (await aws(copier, region).kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    const ebsUse = [
      'kms:CreateGrant',
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:GenerateDataKeyWithoutPlaintext',
      'kms:ReEncrypt*',
    ];
    const role = await roleClients(
      copier,
      region,
      'copier',
      { Effect: 'Allow', Action: ['ec2:CopyImage', 'ec2:DescribeImages', 'ec2:CreateTags'], Resource: '*' },
      { Effect: 'Allow', Action: ebsUse, Resource: [key, copierKey] },
    );
    const copy = async () => {
      const { ImageId: copied } = await role.ec2.send(
        new CopyImageCommand({
          SourceImageId: ImageId,
          SourceRegion: region,
          Name: `copy-${Date.now()}`,
          Encrypted: true,
          KmsKeyId: copierKey,
        }),
      );
      return eventually('copy settled', async () => {
        const { Images } = await role.ec2.send(new DescribeImagesCommand({ ImageIds: [copied!] }));
        return Images?.[0]?.State === 'pending' ? undefined : Images?.[0];
      });
    };
    // The owner's key policy is the default one: its own account only.
    const refused = await copy();
    expect(refused.State).toBe('failed');
    expect(refused.StateReason?.Message).toContain(`Given key ID is not accessible: ${key}`);
    const { denied } = await sharedAdmin().authorizationDenied({ account: copier });
    expect(denied.at(-1)).toMatchObject({ action: 'kms:CreateGrant', resource: key, reason: 'key-policy' });
    const defaultPolicy = {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${owner}:root` },
      Action: 'kms:*',
      Resource: '*',
    };
    const shared = {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${copier}:root` },
      Action: ebsUse,
      Resource: '*',
    };
    await root.kms.send(
      new PutKeyPolicyCommand({ KeyId: key, PolicyName: 'default', Policy: doc(defaultPolicy, shared) }),
    );
    const copied = await copy();
    expect(copied.State).toBe('available');
    expect(copied.BlockDeviceMappings!.map((m) => [m.Ebs?.VolumeSize, m.Ebs?.KmsKeyId])).toEqual([
      [20, copierKey],
      [100, copierKey],
    ]);
  });

  it('RDS: a shared encrypted snapshot is copied only with access to its key (KMSKeyNotAccessibleFault)', async () => {
    const owner = freshAccount();
    const copier = freshAccount();
    const region = 'us-west-2';
    const root = aws(owner, region);
    const managed = await root.rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'db-managed',
        Engine: 'postgres',
        DBInstanceClass: 'db.t3.micro',
        AllocatedStorage: 20,
        MasterUsername: 'app',
        MasterUserPassword: 'not-a-secret-1',
        StorageEncrypted: true,
      }),
    );
    expect(managed.DBInstance?.KmsKeyId).toMatch(/^arn:aws:kms:us-west-2:\d{12}:key\//);
    const snap = await eventually('snapshot', async () => {
      try {
        return (
          await root.rds.send(
            new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'db-managed', DBSnapshotIdentifier: 's1' }),
          )
        ).DBSnapshot;
      } catch {
        return undefined;
      }
    });
    await eventually('snapshot available', async () => {
      const { DBSnapshots } = await root.rds.send(
        new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: 's1' }),
      );
      return DBSnapshots?.[0]?.Status === 'available' ? true : undefined;
    });
    await eventually('snapshot shared', async () => {
      try {
        await root.rds.send(
          new ModifyDBSnapshotAttributeCommand({
            DBSnapshotIdentifier: 's1',
            AttributeName: 'restore',
            ValuesToAdd: [copier],
          }),
        );
        return true;
      } catch {
        return undefined;
      }
    });
    const copierKey = (await aws(copier, 'us-east-1').kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    const role = await roleClients(
      copier,
      'us-east-1',
      'rds-copier',
      { Effect: 'Allow', Action: 'rds:CopyDBSnapshot', Resource: '*' },
      { Effect: 'Allow', Action: ['kms:CreateGrant', 'kms:DescribeKey'], Resource: '*' },
    );
    // aws/rds, the AWS managed key: usable from its own account only, whatever the copier's IAM says.
    const error = await failure(
      role.rds.send(
        new CopyDBSnapshotCommand({
          SourceDBSnapshotIdentifier: snap!.DBSnapshotArn,
          TargetDBSnapshotIdentifier: 'c1',
          KmsKeyId: copierKey,
        }),
      ),
    );
    expect(error.name).toBe('KMSKeyNotAccessibleFault');
    expect(error.message).toContain('The source snapshot KMS key [');
  });

  it('S3 answers 301 PermanentRedirect for a bucket of another region; the SDK follows it when asked', async () => {
    const account = freshAccount();
    const bucket = `fb-redirect-${account}`;
    const west = aws(account, 'us-west-2');
    await west.s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: 'us-west-2' },
      }),
    );
    await west.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'a', Body: 'x' }));
    const config = { region: 'us-east-1', endpoint: sharedEndpoint(), forcePathStyle: true, maxAttempts: 1,
      credentials: { accessKeyId: `AKIASEED${account}`, secretAccessKey: 's' } }; // prettier-ignore
    const error = await failure(new S3Client(config).send(new ListObjectsV2Command({ Bucket: bucket })));
    expect([error.name, error.$metadata?.httpStatusCode]).toEqual(['PermanentRedirect', 301]);
    const following = new S3Client({ ...config, followRegionRedirects: true });
    expect((await following.send(new ListObjectsV2Command({ Bucket: bucket }))).KeyCount).toBe(1);
  });

  it('an operation outside the model is refused, naming it', async () => {
    const account = freshAccount();
    const role = await roleClients(account, 'us-east-1', 'all', {
      Effect: 'Allow',
      Action: '*',
      Resource: '*',
    });
    const { DescribeHostsCommand } = await import('@aws-sdk/client-ec2');
    const error = await failure(role.ec2.send(new DescribeHostsCommand({})));
    expect(error.message).toContain('ec2:DescribeHosts is not in the emulator');
  });
});

// Global switches (mode, reset) on an emulator of this file's own, started the one way everything starts it.
describe('authorization admin API (own emulator)', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ profile: 'fast' });
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it('counts, lists what was allowed per principal, turns off (trust policies only) and resets', async () => {
    const endpoint = emulator.endpoint;
    const account = freshAccount();
    const root = aws(account, 'us-east-1', { endpoint });
    const trust = doc({
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${account}:root` },
      Action: 'sts:AssumeRole',
    });
    await root.iam.send(
      new CreateRoleCommand({ RoleName: 'reader', AssumeRolePolicyDocument: trust, Path: '/team/' }),
    );
    const policy = doc({ Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' });
    await root.iam.send(
      new PutRolePolicyCommand({ RoleName: 'reader', PolicyName: 'p', PolicyDocument: policy }),
    );
    const arn = `arn:aws:iam::${account}:role/team/reader`;
    // Named without its path, the role does not exist.
    const pathless = root.sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/reader`, RoleSessionName: 's' }),
    );
    expect((await failure(pathless)).name).toBe('AccessDenied');
    const c = (await root.sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 's' })))
      .Credentials!;
    const credentials = {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    };
    const role = aws(undefined, 'us-east-1', { endpoint, credentials });
    await role.ec2.send(new DescribeInstancesCommand({}));
    await failure(role.rds.send(new DescribeDBInstancesCommand({})));
    const admin = emulator.admin;
    // Denied: the pathless AssumeRole (no such role: the trust side refuses) and the RDS read.
    expect(await admin.authorization()).toMatchObject({ mode: 'enforce', denied: 2 });
    expect((await admin.authorizationAllowed({ principal: arn })).allowed).toEqual({
      [arn]: { 'ec2:DescribeInstances': 1 },
    });
    expect((await admin.authorizationDenied()).denied).toMatchObject([
      {
        principal: `arn:aws:iam::${account}:root`,
        action: 'sts:AssumeRole',
        resource: `arn:aws:iam::${account}:role/reader`,
        reason: 'resource-policy',
      },
      { principal: arn, action: 'rds:DescribeDBInstances', reason: 'no-statement', account },
    ]);

    await admin.setAuthorization('off');
    await role.rds.send(new DescribeDBInstancesCommand({}));
    // Trust policies still bind.
    const stranger = aws(freshAccount(), 'us-east-1', { endpoint });
    expect(
      (await failure(stranger.sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'x' })))).name,
    ).toBe('AccessDenied');
    await admin.reset();
    expect(await admin.authorization()).toMatchObject({ mode: 'enforce', allowed: 0, denied: 0 });
  });
});
