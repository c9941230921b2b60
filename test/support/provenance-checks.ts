import { DescribeExportCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeImagesCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { expect } from 'vitest';
import { seedingClientConfig } from '../../scripts/scenario/accounts.js';
import type { PlanStatus, ResourceStatus } from '../../src/domain/status.js';
import type { Where } from './data-checks.js';

const COPIED_FROM = 'failback:copied-from';
const RESTORED_FROM = 'failback:restored-from';

type Tags = Array<{ Key?: string; Value?: string }> | undefined;
const tag = (tags: Tags, key: string) => tags?.find((t) => t.Key === key)?.Value;

function clients(where: Where) {
  const config = seedingClientConfig(where.accountId, where.region);
  return { ec2: new EC2Client(config), rds: new RDSClient(config), dynamodb: new DynamoDBClient(config) };
}

/**
 * Each new resource in primary came from a recovery point taken after the quiesce, followed in the
 * emulator as each account sees it (not from the plan's report): the running instance's AMI is the
 * plan's copy of the recovery AMI, the database was restored from the plan's copy of the recovery
 * snapshot, and that AMI or snapshot was created in recovery at or after `quiescedAt`. DynamoDB: the
 * export was taken after it (a scan copy reads the quiesced table itself; its content is proved apart).
 */
export async function expectFromRecoveryPointsAfterQuiesce(
  status: PlanStatus,
  primary: Where,
  recovery: Where,
): Promise<void> {
  const quiescedAt = Date.parse(status.measurements.quiescedAt ?? '');
  expect(quiescedAt, 'the failback recorded when it quiesced').not.toBeNaN();
  const p = clients(primary);
  const r = clients(recovery);
  const after = (what: string, when: Date | string | undefined) => {
    const at = when instanceof Date ? when.getTime() : Date.parse(when ?? '');
    // Second-granular AWS timestamps (AMI CreationDate) may round down below a millisecond quiesce.
    expect(
      at,
      `${what} (${String(when)}) not before the quiesce ${status.measurements.quiescedAt}`,
    ).toBeGreaterThanOrEqual(Math.floor(quiescedAt / 1000) * 1000);
  };
  try {
    for (const resource of status.resources) {
      const rp = resource.recoveryPoint;
      const label = resource.key;
      expect(rp, `${label}: a final recovery point`).toBeDefined();
      expect(resource.restored, `${label}: restored in primary`).toBeDefined();
      if (resource.kind === 'ec2-instance') await ec2Chain(resource, p.ec2, r.ec2, after);
      if (resource.kind === 'rds-instance') {
        const db = (
          await p.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: resource.restored!.id }))
        ).DBInstances?.[0];
        const copyId = tag(db?.TagList, RESTORED_FROM);
        const copy = (await p.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: copyId })))
          .DBSnapshots?.[0];
        expect(copy?.SourceDBSnapshotIdentifier ?? tag(copy?.TagList, COPIED_FROM), `${label}: copy of`).toBe(
          snapshotArn(recovery, 'snapshot', rp!.id),
        );
        const original = (await r.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: rp!.id })))
          .DBSnapshots?.[0];
        after(`${label}: recovery snapshot ${rp!.id}`, original?.SnapshotCreateTime);
      }
      if (resource.kind === 'aurora-cluster') {
        const cluster = (
          await p.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: resource.restored!.id }))
        ).DBClusters?.[0];
        const copyId = tag(cluster?.TagList, RESTORED_FROM);
        const copy = (
          await p.rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: copyId }))
        ).DBClusterSnapshots?.[0];
        expect(copy?.SourceDBClusterSnapshotArn ?? tag(copy?.TagList, COPIED_FROM), `${label}: copy of`).toBe(
          snapshotArn(recovery, 'cluster-snapshot', rp!.id),
        );
        const original = (
          await r.rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: rp!.id }))
        ).DBClusterSnapshots?.[0];
        after(`${label}: recovery cluster snapshot ${rp!.id}`, original?.SnapshotCreateTime);
      }
      if (resource.kind === 'dynamodb-table') {
        if (rp!.details?.method === 'export-import') {
          const exported = (await r.dynamodb.send(new DescribeExportCommand({ ExportArn: rp!.id })))
            .ExportDescription;
          expect(exported?.ExportStatus, `${label}: export ${rp!.id}`).toBe('COMPLETED');
          // The emulator reports neither StartTime nor ExportTime: then the time the plan saw it done.
          after(`${label}: export ${rp!.id}`, exported?.StartTime ?? exported?.ExportTime ?? rp!.capturedAt);
        } else {
          after(`${label}: recovery point`, rp!.capturedAt);
        }
      }
    }
  } finally {
    for (const c of [p, r]) for (const client of Object.values(c)) client.destroy();
  }
}

/** The recovery snapshot's ARN (the plan's status keeps only its id), which a cross-account copy names. */
function snapshotArn(recovery: Where, type: 'snapshot' | 'cluster-snapshot', id: string): string {
  return id.startsWith('arn:') ? id : `arn:aws:rds:${recovery.region}:${recovery.accountId}:${type}:${id}`;
}

async function ec2Chain(
  resource: ResourceStatus,
  primary: EC2Client,
  recovery: EC2Client,
  after: (what: string, when: string | undefined) => void,
): Promise<void> {
  const label = resource.key;
  const rp = resource.recoveryPoint!;
  const instance = (
    await primary.send(new DescribeInstancesCommand({ InstanceIds: [resource.restored!.id] }))
  ).Reservations?.[0]?.Instances?.[0];
  expect(instance?.State?.Name, `${label}: the new instance runs`).toBe('running');
  const image = (await primary.send(new DescribeImagesCommand({ ImageIds: [instance!.ImageId!] })))
    .Images?.[0];
  expect(image?.SourceImageId ?? tag(image?.Tags, COPIED_FROM), `${label}: runs the copy of`).toBe(rp.id);
  const original = (await recovery.send(new DescribeImagesCommand({ ImageIds: [rp.id] }))).Images?.[0];
  after(`${label}: recovery AMI ${rp.id}`, original?.CreationDate);
}
