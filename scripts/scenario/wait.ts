import { paginateDescribeInstances, type EC2Client } from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import { eventually } from './accounts.js';

/** The emulator times transitions like AWS: seeders wait until what they made is usable. */

/**
 * Waits that grow with what they wait for: describing hundreds of resources every 50 ms keeps the
 * emulator too busy to finish the transitions (the benchmark seeds 300 instances per side).
 */
const patience = (count: number, intervalMs: number) => ({
  timeoutMs: 120_000 + count * 1000,
  intervalMs: Math.max(intervalMs, count * 5),
});
export async function waitForInstances(ec2: EC2Client, ids: string[], state: string): Promise<void> {
  if (ids.length === 0) return;
  await eventually(
    `instances ${state}`,
    async () => {
      // The emulator pages DescribeInstances (100 a page) even for a list of ids.
      const states: Array<string | undefined> = [];
      for await (const page of paginateDescribeInstances({ client: ec2 }, { InstanceIds: ids })) {
        for (const r of page.Reservations ?? [])
          states.push(...(r.Instances ?? []).map((i) => i.State?.Name));
      }
      return states.length === ids.length && states.every((s) => s === state) ? true : undefined;
    },
    patience(ids.length, 50),
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
    patience(instances.length + clusters.length, 100),
  );
}
