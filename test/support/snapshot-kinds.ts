import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  RegisterImageCommand,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  type EC2Client,
  type Instance,
} from '@aws-sdk/client-ec2';
import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  type CreateDBInstanceCommandInput,
  type CreateDBClusterCommandInput,
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  type DBCluster,
  type DBInstance,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { eventually } from './aws.js';
import { unique } from './kinds.js';

/**
 * Seeders and inspectors of the snapshot-based kinds' tests (EC2 instances, RDS instances, Aurora
 * clusters). Seeders wait until what they made is usable: the emulator, like AWS, takes its time.
 */

const asTags = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

export async function describeInstance(ec2: EC2Client, id: string): Promise<Instance | undefined> {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations?.[0]?.Instances?.[0];
}

/** Instances with this Name tag, terminated ones left out. */
export async function instancesNamed(ec2: EC2Client, name: string): Promise<Instance[]> {
  const out = await ec2.send(
    new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: [name] }] }),
  );
  return (out.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => i.State?.Name !== 'terminated');
}

/** A running instance named `name`, launched from an AMI of its own. */
export async function seedInstance(
  ec2: EC2Client,
  name: string,
  tags: Record<string, string> = {},
  extra: Partial<RunInstancesCommandInput> = {},
): Promise<string> {
  const image = await ec2.send(
    new RegisterImageCommand({ Name: unique(`base-${name}`), RootDeviceName: '/dev/sda1' }),
  );
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: image.ImageId,
      InstanceType: 't3.small',
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [{ ResourceType: 'instance', Tags: asTags({ Name: name, ...tags }) }],
      ...extra,
    }),
  );
  const id = out.Instances?.[0]?.InstanceId ?? '';
  // A new instance may be InvalidInstanceID.NotFound for a while (EC2's eventual consistency).
  await eventually(`instance ${id} running`, async () => {
    const instance = await describeInstance(ec2, id).catch((error: Error) => {
      if (error.name === 'InvalidInstanceID.NotFound') return undefined;
      throw error;
    });
    return instance?.State?.Name === 'running' ? true : undefined;
  });
  return id;
}

/** The plan's AMIs and EBS snapshots in one environment (by its id tag). */
export async function planImages(
  ec2: EC2Client,
  planId: string,
): Promise<{ images: string[]; snapshots: string[] }> {
  const filter = [{ Name: 'tag:failback:plan-id', Values: [planId] }];
  const images = await ec2.send(new DescribeImagesCommand({ Owners: ['self'], Filters: filter }));
  const snapshots = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: filter }));
  return {
    images: (images.Images ?? []).map((i) => i.ImageId ?? '').sort(),
    snapshots: (snapshots.Snapshots ?? []).map((s) => s.SnapshotId ?? '').sort(),
  };
}

export async function dbInstances(rds: RDSClient): Promise<DBInstance[]> {
  return (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? [];
}

export async function describeDb(rds: RDSClient, id: string): Promise<DBInstance | undefined> {
  return (await dbInstances(rds)).find((db) => db.DBInstanceIdentifier === id);
}

/** An available PostgreSQL instance. */
export async function seedDbInstance(
  rds: RDSClient,
  id: string,
  tags: Record<string, string> = {},
  extra: Partial<CreateDBInstanceCommandInput> = {},
): Promise<void> {
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      Engine: 'postgres',
      DBInstanceClass: 'db.t3.micro',
      AllocatedStorage: 20,
      MasterUsername: 'app',
      MasterUserPassword: 'password-123',
      Tags: asTags(tags),
      ...extra,
    }),
  );
  await eventually(`DB instance ${id} available`, async () =>
    (await describeDb(rds, id))?.DBInstanceStatus === 'available' ? true : undefined,
  );
}

/** Manual DB snapshots carrying this plan's id. */
export async function planDbSnapshots(rds: RDSClient, planId: string): Promise<string[]> {
  const out = await rds.send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual' }));
  return (out.DBSnapshots ?? [])
    .filter((s) => s.TagList?.some((t) => t.Key === 'failback:plan-id' && t.Value === planId))
    .map((s) => s.DBSnapshotIdentifier ?? '')
    .sort();
}

export async function dbClusters(rds: RDSClient): Promise<DBCluster[]> {
  return (await rds.send(new DescribeDBClustersCommand({}))).DBClusters ?? [];
}

export async function describeCluster(rds: RDSClient, id: string): Promise<DBCluster | undefined> {
  return (await dbClusters(rds)).find((c) => c.DBClusterIdentifier === id);
}

/** An available Aurora PostgreSQL cluster with `instances` instances `<id>-1` (writer), `<id>-2`… */
export async function seedCluster(
  rds: RDSClient,
  id: string,
  instances: number,
  tags: Record<string, string> = {},
  extra: Partial<CreateDBClusterCommandInput> = {},
): Promise<void> {
  await rds.send(
    new CreateDBClusterCommand({
      DBClusterIdentifier: id,
      Engine: 'aurora-postgresql',
      MasterUsername: 'app',
      MasterUserPassword: 'password-123',
      Tags: asTags(tags),
      ...extra,
    }),
  );
  for (let i = 1; i <= instances; i++) {
    await rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: `${id}-${i}`,
        DBClusterIdentifier: id,
        Engine: 'aurora-postgresql',
        DBInstanceClass: i === 1 ? 'db.r6g.large' : 'db.r6g.xlarge',
      }),
    );
  }
  await eventually(`cluster ${id} available`, async () => {
    const cluster = await describeCluster(rds, id);
    const members = (await dbInstances(rds)).filter((db) => db.DBClusterIdentifier === id);
    const ready =
      cluster?.Status === 'available' && members.every((db) => db.DBInstanceStatus === 'available');
    return ready ? true : undefined;
  });
}

/** `<instance>@<cluster>` of the instances whose name starts with `prefix`, sorted. */
export async function clusterInstanceIds(rds: RDSClient, prefix: string): Promise<string[]> {
  return (await dbInstances(rds))
    .map((db) => `${db.DBInstanceIdentifier}@${db.DBClusterIdentifier}`)
    .filter((id) => id.startsWith(prefix))
    .sort();
}

/** Manual cluster snapshots carrying this plan's id. */
export async function planClusterSnapshots(rds: RDSClient, planId: string): Promise<string[]> {
  const out = await rds.send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'manual' }));
  return (out.DBClusterSnapshots ?? [])
    .filter((s) => s.TagList?.some((t) => t.Key === 'failback:plan-id' && t.Value === planId))
    .map((s) => s.DBClusterSnapshotIdentifier ?? '')
    .sort();
}
