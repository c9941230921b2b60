import { CloudFormationClient, ListStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeTableCommand,
  DynamoDBClient,
  ListBackupsCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  ScanCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSnapshotsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetBucketTaggingCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { seedingClientConfig } from './accounts.js';

type Tags = Record<string, string>;
const tagMap = (tags: Array<{ Key?: string; Value?: string }> | undefined): Tags =>
  Object.fromEntries((tags ?? []).filter((t) => t.Key).map((t) => [t.Key!, t.Value ?? '']));

export interface Inventory {
  instances: Array<{ id: string; name?: string; state: string; imageId?: string; tags: Tags }>;
  images: Array<{ id: string; name: string; state: string; tags: Tags }>;
  snapshots: Array<{ id: string; state: string; tags: Tags }>;
  dbInstances: Array<{ id: string; resourceId: string; status: string; cluster?: string; tags: Tags }>;
  dbSnapshots: Array<{ id: string; status: string; createdAt?: string; tags: Tags }>;
  clusters: Array<{ id: string; resourceId: string; status: string; members: string[]; tags: Tags }>;
  clusterSnapshots: Array<{ id: string; status: string; createdAt?: string; tags: Tags }>;
  tables: Array<{ name: string; status: string; items: number; tags: Tags }>;
  backups: Array<{ name: string; arn: string; table: string; status: string }>;
  stacks: Array<{ name: string; status: string }>;
  roles: string[];
  /** S3 buckets of the account (any region): the plan's export buckets must not outlive it. */
  buckets: Array<{ name: string; tags: Tags }>;
}

/**
 * Everything of interest in one account and region, as the account itself sees it (seeding key):
 * the before/after picture the end-to-end and compensation tests compare.
 */
export async function inventory(accountId: string, region: string): Promise<Inventory> {
  const config = seedingClientConfig(accountId, region);
  const ec2 = new EC2Client(config);
  const rds = new RDSClient(config);
  const dynamodb = new DynamoDBClient(config);
  const cfn = new CloudFormationClient(config);
  const iam = new IAMClient(config);
  // Buckets of the account in another region (a same-account plan's bucket in recovery) answer
  // PermanentRedirect to a client of this region, as AWS does: follow it to read their tags.
  const s3 = new S3Client({ ...config, forcePathStyle: true, followRegionRedirects: true });
  try {
    const reservations = (await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? [];
    const instances = reservations
      .flatMap((r) => r.Instances ?? [])
      .map((i) => ({
        id: i.InstanceId!,
        name: tagMap(i.Tags).Name,
        state: i.State?.Name ?? '',
        imageId: i.ImageId,
        tags: tagMap(i.Tags),
      }));
    const images = ((await ec2.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images ?? []).map(
      (i) => ({
        id: i.ImageId!,
        name: i.Name ?? '',
        state: i.State ?? '',
        tags: tagMap(i.Tags),
      }),
    );
    const snapshots = (
      (await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'] }))).Snapshots ?? []
    ).map((s) => ({
      id: s.SnapshotId!,
      state: s.State ?? '',
      tags: tagMap(s.Tags),
    }));
    const dbInstances = ((await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []).map((d) => ({
      id: d.DBInstanceIdentifier!,
      resourceId: d.DbiResourceId ?? '',
      status: d.DBInstanceStatus ?? '',
      ...(d.DBClusterIdentifier ? { cluster: d.DBClusterIdentifier } : {}),
      tags: tagMap(d.TagList),
    }));
    const dbSnapshots = (
      (await rds.send(new DescribeDBSnapshotsCommand({ SnapshotType: 'manual' }))).DBSnapshots ?? []
    ).map((s) => ({
      id: s.DBSnapshotIdentifier!,
      status: s.Status ?? '',
      ...(s.SnapshotCreateTime ? { createdAt: s.SnapshotCreateTime.toISOString() } : {}),
      tags: tagMap(s.TagList),
    }));
    const clusters = ((await rds.send(new DescribeDBClustersCommand({}))).DBClusters ?? []).map((c) => ({
      id: c.DBClusterIdentifier!,
      resourceId: c.DbClusterResourceId ?? '',
      status: c.Status ?? '',
      members: (c.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier!).sort(),
      tags: tagMap(c.TagList),
    }));
    const clusterSnapshots = (
      (await rds.send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'manual' })))
        .DBClusterSnapshots ?? []
    ).map((s) => ({
      id: s.DBClusterSnapshotIdentifier!,
      status: s.Status ?? '',
      ...(s.SnapshotCreateTime ? { createdAt: s.SnapshotCreateTime.toISOString() } : {}),
      tags: tagMap(s.TagList),
    }));
    const tables = [];
    for (const name of (await dynamodb.send(new ListTablesCommand({}))).TableNames ?? []) {
      const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
      const tags = Table?.TableArn
        ? tagMap((await dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: Table.TableArn }))).Tags)
        : {};
      tables.push({
        name,
        status: Table?.TableStatus ?? '',
        items: Table?.TableStatus === 'ACTIVE' ? await countItems(dynamodb, name) : 0,
        tags,
      });
    }
    const backups = ((await dynamodb.send(new ListBackupsCommand({}))).BackupSummaries ?? []).map((b) => ({
      name: b.BackupName ?? '',
      arn: b.BackupArn ?? '',
      table: b.TableName ?? '',
      status: b.BackupStatus ?? '',
    }));
    const stacks = ((await cfn.send(new ListStacksCommand({}))).StackSummaries ?? [])
      .filter((s) => s.StackStatus !== 'DELETE_COMPLETE')
      .map((s) => ({ name: s.StackName!, status: s.StackStatus ?? '' }));
    const roles = ((await iam.send(new ListRolesCommand({}))).Roles ?? []).map((r) => r.RoleName!).sort();
    const buckets = [];
    for (const bucket of (await s3.send(new ListBucketsCommand({}))).Buckets ?? []) {
      const tags = await s3
        .send(new GetBucketTaggingCommand({ Bucket: bucket.Name }))
        .then((out) => tagMap(out.TagSet))
        .catch(() => ({})); // NoSuchTagSet: a bucket without tags
      buckets.push({ name: bucket.Name!, tags });
    }
    return {
      instances,
      images,
      snapshots,
      dbInstances,
      dbSnapshots,
      clusters,
      clusterSnapshots,
      tables,
      backups,
      stacks,
      roles,
      buckets,
    };
  } finally {
    for (const client of [ec2, rds, dynamodb, cfn, iam, s3]) client.destroy();
  }
}

async function countItems(dynamodb: DynamoDBClient, tableName: string): Promise<number> {
  let count = 0;
  let start: Record<string, AttributeValue> | undefined;
  do {
    const out = await dynamodb.send(
      new ScanCommand({ TableName: tableName, Select: 'COUNT', ExclusiveStartKey: start }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
}
