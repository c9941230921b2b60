import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import { eventually } from './accounts.js';

/** The emulator times transitions like AWS: seeders wait until what they made is usable. */
export async function waitForInstances(ec2: EC2Client, ids: string[], state: string): Promise<void> {
  if (ids.length === 0) return;
  await eventually(
    `instances ${state}`,
    async () => {
      const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: ids }));
      const states = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.State?.Name);
      return states.length === ids.length && states.every((s) => s === state) ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 50 },
  );
}

export async function waitForDatabases(
  rds: RDSClient,
  instances: string[],
  clusters: string[],
): Promise<void> {
  await eventually(
    'databases available',
    async () => {
      const dbs = (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? [];
      const cls = (await rds.send(new DescribeDBClustersCommand({}))).DBClusters ?? [];
      const ready =
        instances.every((id) =>
          dbs.some((d) => d.DBInstanceIdentifier === id && d.DBInstanceStatus === 'available'),
        ) &&
        clusters.every((id) => cls.some((c) => c.DBClusterIdentifier === id && c.Status === 'available')) &&
        dbs
          .filter((d) => d.DBClusterIdentifier && clusters.includes(d.DBClusterIdentifier))
          .every((d) => d.DBInstanceStatus === 'available');
      return ready ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 100 },
  );
}
