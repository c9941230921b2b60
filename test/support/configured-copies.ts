import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { seedingClientConfig } from '../../scripts/scenario/accounts.js';
import type { PlanSpec } from '../../src/domain/plan-spec.js';

/** Helpers of test/configuration.int.test.ts (issue 15): the copies and sources, read with the SDK. */

export const customer = (tags: Array<{ Key?: string; Value?: string }> | undefined) =>
  (tags ?? [])
    .filter((t) => !t.Key?.startsWith('failback:') && !t.Key?.startsWith('aws:') && t.Key !== 'Name')
    .map((t) => `${t.Key}=${t.Value}`)
    .sort();

/**
 * The recovery databases' deletion protection, as the customer has it (true) or as preflight tells
 * the operator to lift it before conclude recovery deletes them (false).
 */
export async function protectRecoveryDatabases(spec: PlanSpec, on: boolean): Promise<void> {
  const rds = new RDSClient(seedingClientConfig(spec.recovery.accountId, spec.recovery.region));
  try {
    for (const r of spec.resources ?? []) {
      if (r.kind === 'rds-instance')
        await rds.send(
          new ModifyDBInstanceCommand({
            DBInstanceIdentifier: r.source,
            DeletionProtection: on,
            ApplyImmediately: true,
          }),
        );
      if (r.kind === 'aurora-cluster')
        await rds.send(
          new ModifyDBClusterCommand({
            DBClusterIdentifier: r.source,
            DeletionProtection: on,
            ApplyImmediately: true,
          }),
        );
    }
  } finally {
    rds.destroy();
  }
}

/** Each test copy's own tags (besides the plan's and Name) and instance profile, read with the SDK in primary. */
export async function testCopiesCustomerTags(spec: PlanSpec): Promise<string[]> {
  const config = seedingClientConfig(spec.primary.accountId, spec.primary.region);
  const ec2 = new EC2Client(config);
  const rds = new RDSClient(config);
  const phase = (tags: Array<{ Key?: string; Value?: string }> | undefined) =>
    tags?.some((t) => t.Key === 'failback:phase' && t.Value === 'test-failback') &&
    tags.some((t) => t.Key === 'failback:plan-id' && t.Value === spec.planId);
  const shown = (kind: string, found: Array<{ Tags?: Array<{ Key?: string; Value?: string }> }>) =>
    found.length === 0
      ? `${kind}: no test copy`
      : `${kind}: ${found.flatMap((r) => customer(r.Tags)).join(' ') || 'none'}`;
  try {
    const instances = (
      await ec2.send(
        new DescribeInstancesCommand({
          Filters: [
            { Name: 'tag:failback:plan-id', Values: [spec.planId] },
            { Name: 'tag:failback:phase', Values: ['test-failback'] },
            { Name: 'instance-state-name', Values: ['running'] },
          ],
        }),
      )
    ).Reservations!.flatMap((r) => r.Instances ?? []);
    const dbs = (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances!.filter(
      (d) => phase(d.TagList) && !d.DBClusterIdentifier,
    );
    const clusters = (await rds.send(new DescribeDBClustersCommand({}))).DBClusters!.filter((c) =>
      phase(c.TagList),
    );
    return [
      shown('ec2-instance', instances),
      // No instance profile either: the production role would let the test copy act on production.
      ...instances.map((i) => `ec2-instance profile: ${i.IamInstanceProfile?.Arn ?? 'none'}`),
      shown(
        'rds-instance',
        dbs.map((d) => ({ Tags: d.TagList })),
      ),
      shown(
        'aurora-cluster',
        clusters.map((c) => ({ Tags: c.TagList })),
      ),
    ];
  } finally {
    ec2.destroy();
    rds.destroy();
  }
}
