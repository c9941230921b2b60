import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { seedingClientConfig } from '../scripts/scenario/accounts.js';
import { FULL_SIZE, PILOT_LIGHT } from '../scripts/scenario/configured.js';
import { seedScenario } from '../scripts/scenario/seed.js';
import { step } from '../scripts/stack/log.js';
import { computeReport } from '../src/api/report/compute.js';
import { renderMarkdown } from '../src/api/report/markdown.js';
import { ec2Configuration } from '../src/activities/kinds/ec2-instance/configuration.js';
import { auroraConfiguration, rdsConfiguration } from '../src/activities/kinds/shared/db-configuration.js';
import type { PlanSpec } from '../src/domain/plan-spec.js';
import { windowOpenNow } from '../src/domain/window-times.js';
import { scenarioAccounts } from './support/aws.js';
import { withNetwork } from './support/network.js';
import { drive } from './support/plan-driver.js';
import { startPlan } from './support/plans.js';
import { useProductWorker } from './support/temporal.js';

/**
 * Issue 15, the other choice: a pilot-light DR environment ran smaller (a t3.micro, a db.t3.micro
 * Single-AZ, Aurora readers of the smaller class and a serverless maximum of 2, a `dr-tier` tag) than
 * the primary it stood in for. Failing back with configurationFrom 'primary' brings back the old
 * primary's configuration (the stale primary versions run FULL_SIZE), read back with the SDK; the
 * verification compares each copy with the old primary and says so, item by item.
 */
const TABLES = {
  'ec2-instance': ec2Configuration.items,
  'rds-instance': rdsConfiguration.items,
  'aurora-cluster': auroraConfiguration.items,
};

/** The items compared with (and carried from) the old primary: the old primary's values. */
const FROM_OLD_PRIMARY: Record<string, Record<string, string>> = {
  'ec2-instance': { 'instance type': FULL_SIZE.instanceType },
  'rds-instance': { 'instance class': FULL_SIZE.dbInstanceClass, 'Multi-AZ': 'true' },
  'aurora-cluster': { 'serverless v2 scaling': `0.5-${FULL_SIZE.maxCapacity} ACU` },
};

/** Set on the old primary too; a restore takes neither: the final cleanup turns them on (decision 0013). */
const NOT_CARRIED: Record<string, string[]> = {
  'rds-instance': ['enhanced monitoring (s)', 'Performance Insights'],
};

const customer = (tags: Array<{ Key?: string; Value?: string }> | undefined) =>
  (tags ?? [])
    .filter((t) => !t.Key?.startsWith('failback:') && !t.Key?.startsWith('aws:') && t.Key !== 'Name')
    .map((t) => `${t.Key}=${t.Value}`);

const FULL_TAG = `${FULL_SIZE.tags[0]!.Key}=${FULL_SIZE.tags[0]!.Value}`;
const PILOT_TAG = `${PILOT_LIGHT.tags[0]!.Key}=${PILOT_LIGHT.tags[0]!.Value}`;

describe('configuration from the old primary (issue 15)', { timeout: 900_000 }, () => {
  const temporal = useProductWorker('configuration-from-primary');

  it('a pilot-light DR environment fails back with the old primary’s configuration', async () => {
    const planId = `cfp-${Date.now().toString(36)}`;
    const scenario = await seedScenario({
      planId,
      ...scenarioAccounts(49, true),
      configured: true,
      pilotLight: true,
      ec2Instances: 1,
      rdsInstances: 1,
      auroraClusters: 1,
      auroraReaders: 1,
      stalePrimary: true,
      tables: [],
    });
    const spec: PlanSpec = await withNetwork(
      { ...scenario.spec, maintenanceWindow: windowOpenNow(Date.now()) },
      { configurationFrom: 'primary' },
    );
    const final = await drive(await startPlan(temporal.client, temporal.taskQueue, spec), {
      timeoutMs: 600_000,
    });
    expect(final.errors.map((e) => `${e.type}: ${e.message}`)).toEqual([]);
    expect(final.stage).toBe('completed');

    // The copies in primary, read with the SDK: the old primary's configuration, not the DR one's.
    const config = seedingClientConfig(spec.primary.accountId, spec.primary.region);
    const ec2 = new EC2Client(config);
    const rds = new RDSClient(config);
    try {
      const web = final.resources.find((r) => r.kind === 'ec2-instance')!;
      const [copy] = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [web.restored!.id] })))
        .Reservations![0]!.Instances!;
      expect(copy!.InstanceType).toBe(FULL_SIZE.instanceType);
      expect(customer(copy!.Tags)).toContain(FULL_TAG);
      expect(customer(copy!.Tags)).not.toContain(PILOT_TAG);

      const db = final.resources.find((r) => r.kind === 'rds-instance')!;
      const [dbCopy] = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: db.target })))
        .DBInstances!;
      expect(dbCopy!.DBInstanceClass).toBe(FULL_SIZE.dbInstanceClass);
      expect(dbCopy!.MultiAZ).toBe(true);
      // The old primary's enhanced monitoring, turned on by the final cleanup with its own role.
      expect([dbCopy!.MonitoringInterval, dbCopy!.MonitoringRoleArn]).toEqual([
        60,
        `arn:aws:iam::${spec.primary.accountId}:role/${spec.application}-rds-monitoring`,
      ]);
      expect(customer(dbCopy!.TagList)).toContain(FULL_TAG);
      expect(customer(dbCopy!.TagList)).not.toContain(PILOT_TAG);

      const cluster = final.resources.find((r) => r.kind === 'aurora-cluster')!;
      const [clusterCopy] = (
        await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: cluster.target }))
      ).DBClusters!;
      expect(clusterCopy!.ServerlessV2ScalingConfiguration?.MaxCapacity).toBe(FULL_SIZE.maxCapacity);
      expect(customer(clusterCopy!.TagList)).toContain(FULL_TAG);
      expect(customer(clusterCopy!.TagList)).not.toContain(PILOT_TAG);
      const members = await Promise.all(
        (clusterCopy!.DBClusterMembers ?? []).map(async (m) => {
          const out = await rds.send(
            new DescribeDBInstancesCommand({ DBInstanceIdentifier: m.DBInstanceIdentifier }),
          );
          return out.DBInstances![0]!.DBInstanceClass;
        }),
      );
      expect(members).toEqual([FULL_SIZE.memberClass, FULL_SIZE.memberClass]);
    } finally {
      ec2.destroy();
      rds.destroy();
    }

    // The verification compared each copy with the side it was carried from, and says which.
    for (const resource of final.resources.filter((r) => r.kind in TABLES)) {
      const items = resource.verification?.configuration ?? [];
      for (const i of items)
        step(`configuration ${resource.kind} ${i.item} from ${i.from}: ${i.outcome} (${i.source})`);
      const table = TABLES[resource.kind as keyof typeof TABLES];
      expect(items.map((i) => i.item)).toEqual(table.map((i) => i.item));
      // Every line says where it was carried from: the old primary, except what the snapshot or AMI
      // determines (compared with the recovery source, and said so).
      expect(
        items.map((i) => [i.item, i.from]),
        resource.key,
      ).toEqual(table.map((i) => [i.item, i.fromSnapshot ? 'recovery' : 'primary']));
      for (const i of items.filter((x) => x.from === 'recovery' && x.outcome !== 'mapped'))
        expect(i.note, i.item).toMatch(/snapshot determines it/);
      // Nothing differs (the copy has what the old primary had) but what a restore never takes,
      // reported with the fix.
      expect(
        items.filter((i) => i.outcome === 'differs' || i.outcome === 'unknown').map((i) => i.item),
      ).toEqual(NOT_CARRIED[resource.kind] ?? []);
      const byItem = Object.fromEntries(items.map((i) => [i.item, i]));
      for (const [item, value] of Object.entries(FROM_OLD_PRIMARY[resource.kind]!))
        expect(byItem[item], `${resource.kind} ${item}`).toMatchObject({
          from: 'primary',
          source: value,
          restored: value,
          outcome: 'carried',
        });
    }
    // The report's configuration section names the side.
    const markdown = renderMarkdown(
      computeReport({
        status: final,
        workflowId: planId,
        workflowStatus: 'COMPLETED',
        now: new Date().toISOString(),
      }),
    );
    expect(markdown).toMatch(/\| `rds-instance:[^`]+` \| subnet group \| old primary \|/);
  });
});
