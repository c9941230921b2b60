import { DescribeInstanceAttributeCommand, DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeDBClustersCommand, DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { seedingClientConfig } from '../scripts/scenario/accounts.js';
import { configuredNames, configuredUserData, ODD_TAGS } from '../scripts/scenario/configured.js';
import { instanceProfileName } from '../scripts/scenario/instance-profiles.js';
import { seedScenario } from '../scripts/scenario/seed.js';
import { step } from '../scripts/stack/log.js';
import { computeReport } from '../src/api/report/compute.js';
import { ec2Configuration } from '../src/activities/kinds/ec2-instance/configuration.js';
import { auroraConfiguration, rdsConfiguration } from '../src/activities/kinds/shared/db-configuration.js';
import type { ConfigurationOutcome } from '../src/domain/resources.js';
import type { PlanSpec } from '../src/domain/plan-spec.js';
import { windowOpenNow } from '../src/domain/window-times.js';
import { scenarioAccounts } from './support/aws.js';
import { customer, protectRecoveryDatabases, testCopiesCustomerTags } from './support/configured-copies.js';
import { withNetwork } from './support/network.js';
import { drive } from './support/plan-driver.js';
import { startPlan } from './support/plans.js';
import { useProductWorker } from './support/temporal.js';

/**
 * Issue 15: what the application was, it is again. A scenario whose every resource carries
 * non-default configuration (ten odd tags, a key pair, an instance profile, user data, metadata options,
 * monitoring, EBS optimisation, two encrypted volumes; a parameter group, an option group, Multi-AZ, IAM
 * authentication, copy-tags, 14 days of backups, deletion protection; a cluster parameter group and
 * serverless v2 scaling) is
 * failed back across accounts, into 63-character database identifiers. Each item of each kind's
 * declared table must come out as declared below, and the copies are read back with the SDK,
 * independently of the plan's own comparison.
 */
/** The items RDS instances and Aurora clusters share (shared/db-configuration.ts `sharedItems`). */
const DATABASE: Record<string, ConfigurationOutcome> = {
  tags: 'carried',
  'engine version': 'carried',
  // Set on the sources; the copy is not protected while the plan may still remove it: the final
  // cleanup turns it on (checked below with the SDK).
  'deletion protection': 'differs',
  'IAM database authentication': 'carried',
  'copy tags to snapshots': 'carried',
  'backup retention (days)': 'carried',
  'security groups': 'mapped',
};

const EXPECTED: Record<string, Record<string, ConfigurationOutcome>> = {
  'ec2-instance': {
    tags: 'carried',
    'instance type': 'carried',
    'block devices': 'carried',
    'volume encryption': 'mapped',
    // Primary has a profile of that name, and preflight let the access role pass its role to EC2.
    'instance profile': 'carried',
    'key pair': 'carried',
    'user data': 'carried',
    'metadata options': 'carried',
    'EBS optimised': 'carried',
    'detailed monitoring': 'carried',
    tenancy: 'carried',
    subnet: 'mapped',
    'security groups': 'mapped',
  },
  'rds-instance': {
    ...DATABASE,
    'instance class': 'carried',
    storage: 'carried',
    'Multi-AZ': 'carried',
    'parameter group': 'carried',
    'option group': 'carried',
    // Set on the source; a restore takes neither: the final cleanup turns both on (asserted below),
    // monitoring with primary's role of the same name.
    'enhanced monitoring (s)': 'differs',
    'Performance Insights': 'differs',
    'subnet group': 'mapped',
  },
  'aurora-cluster': {
    ...DATABASE,
    'cluster parameter group': 'carried',
    'serverless v2 scaling': 'carried',
    members: 'carried',
  },
};

const TABLES = {
  'ec2-instance': ec2Configuration.items,
  'rds-instance': rdsConfiguration.items,
  'aurora-cluster': auroraConfiguration.items,
};

describe('configuration carried (issue 15)', { timeout: 900_000 }, () => {
  const temporal = useProductWorker('configuration');

  it('every item of every kind’s table comes out as declared, and the copies say so to the SDK', async () => {
    const planId = `cfg-${Date.now().toString(36)}`;
    const scenario = await seedScenario({
      planId,
      ...scenarioAccounts(48, true),
      configured: true,
      ec2Instances: 1,
      rdsInstances: 1,
      auroraClusters: 1,
      auroraReaders: 1,
      stalePrimary: false,
      tables: [{ name: 'ledger', shape: 'orders', items: 20 }],
    });
    // Targets as long as AWS allows (63 characters for RDS and Aurora identifiers): the names the plan
    // derives from them (test copies, retired names, snapshots, members) must fit, not refuse.
    const longest = (kind: string) => `${kind}-${planId}-`.padEnd(63, 'x');
    const spec: PlanSpec = await withNetwork({
      ...scenario.spec,
      resources: (scenario.spec.resources ?? []).map((r) =>
        r.kind === 'rds-instance' || r.kind === 'aurora-cluster' ? { ...r, target: longest(r.kind) } : r,
      ),
      maintenanceWindow: windowOpenNow(Date.now()),
    });
    expect(spec.resources?.filter((r) => r.target.length === 63)).toHaveLength(2);
    await protectRecoveryDatabases(spec, true);
    const testCopyTags: string[] = [];
    const final = await drive(await startPlan(temporal.client, temporal.taskQueue, spec), {
      timeoutMs: 600_000,
      atGate: async (gate) => {
        if (gate === 'test-failback') testCopyTags.push(...(await testCopiesCustomerTags(spec)));
        if (gate === 'primary-validated') await protectRecoveryDatabases(spec, false);
      },
    });
    // The test copies carry none of the source's tags (tag-driven automation would take them for
    // production): every resource, read with the SDK while the test copies run.
    expect(testCopyTags).toEqual([
      'ec2-instance: none',
      'ec2-instance profile: none',
      'rds-instance: none',
      'aurora-cluster: none',
    ]);
    expect(final.errors.map((e) => `${e.type}: ${e.message}`)).toEqual([]);
    expect(final.stage).toBe('completed');
    // Every deferred setting was turned on: the final cleanup left nothing for a person.
    expect(final.resources.flatMap((r) => r.leftOff ?? [])).toEqual([]);

    for (const resource of final.resources.filter((r) => r.kind in EXPECTED)) {
      const items = resource.verification?.configuration ?? [];
      for (const i of items)
        step(`configuration ${resource.kind} ${i.item}: ${i.outcome}${i.note ? ` (${i.note})` : ''}`);
      const table = TABLES[resource.kind as keyof typeof TABLES];
      // The report lists exactly the declared table, in its order.
      expect(items.map((i) => i.item)).toEqual(table.map((i) => i.item));
      const outcomes = Object.fromEntries(items.map((i) => [i.item, i.outcome]));
      expect(outcomes, resource.key).toEqual(EXPECTED[resource.kind]);
      for (const i of items.filter((x) => x.outcome === 'differs')) expect(i.note, i.item).toBeTruthy();
      if (resource.kind === 'rds-instance')
        expect(items.find((i) => i.item === 'enhanced monitoring (s)')?.note).toMatch(
          /the final cleanup turns it on/,
        );
    }

    // The report's configuration section: the option group and the instance profile, by name.
    const report = computeReport({
      status: final,
      workflowId: planId,
      workflowStatus: 'COMPLETED',
      now: new Date().toISOString(),
    });
    const line = (kind: string, item: string) =>
      report.resources.find((r) => r.kind === kind)?.configuration.find((c) => c.item === item);
    const names = configuredNames(spec.application);
    const profile = instanceProfileName(spec.application);
    expect(line('rds-instance', 'option group')).toMatchObject({
      outcome: 'carried',
      source: names.optionGroup,
      restored: names.optionGroup,
    });
    expect(line('ec2-instance', 'instance profile')).toMatchObject({
      outcome: 'carried',
      source: profile,
      restored: profile,
    });

    // Independently: the copies in primary, read with the SDK.
    const primary = seedingClientConfig(spec.primary.accountId, spec.primary.region);
    const recovery = seedingClientConfig(spec.recovery.accountId, spec.recovery.region);
    const odd = ODD_TAGS.map((t) => `${t.Key}=${t.Value}`);
    const ec2 = new EC2Client(primary);
    const rds = new RDSClient(primary);
    const ec2Recovery = new EC2Client(recovery);
    try {
      const web = final.resources.find((r) => r.kind === 'ec2-instance')!;
      const [copy] = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [web.restored!.id] })))
        .Reservations![0]!.Instances!;
      const [source] = (await ec2Recovery.send(new DescribeInstancesCommand({ InstanceIds: [web.source] })))
        .Reservations![0]!.Instances!;
      expect(customer(copy!.Tags)).toEqual(customer(source!.Tags));
      expect(customer(copy!.Tags)).toEqual(expect.arrayContaining(odd));
      expect(copy!.KeyName).toBe(names.keyName);
      expect(copy!.MetadataOptions?.HttpTokens).toBe('required');
      expect(copy!.MetadataOptions?.HttpPutResponseHopLimit).toBe(2);
      expect(copy!.EbsOptimized).toBe(true);
      // Primary's own profile of that name (profiles are not copied).
      expect(copy!.IamInstanceProfile?.Arn).toBe(
        `arn:aws:iam::${spec.primary.accountId}:instance-profile/${profile}`,
      );
      // The seeded instance has a root and a data volume (the source is terminated by now: conclude).
      expect(copy!.BlockDeviceMappings?.map((m) => m.DeviceName).sort()).toEqual(['/dev/sda1', '/dev/sdf']);
      const userData = await ec2.send(
        new DescribeInstanceAttributeCommand({ InstanceId: copy!.InstanceId!, Attribute: 'userData' }),
      );
      expect(userData.UserData?.Value).toBe(configuredUserData(spec.application));

      const db = final.resources.find((r) => r.kind === 'rds-instance')!;
      const [dbCopy] = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: db.target })))
        .DBInstances!;
      expect(dbCopy!.MultiAZ).toBe(true);
      // Protected as the source was, from the final cleanup on (after primary-validated).
      expect(dbCopy!.DeletionProtection).toBe(true);
      // Applied, so its record goes with the handover (nothing would ever read it again).
      expect(dbCopy!.TagList?.map((t) => t.Key)).not.toContain('failback:deferred');
      // Turned on by the final cleanup, as deletion protection is (a restore takes neither).
      expect(dbCopy!.PerformanceInsightsEnabled).toBe(true);
      expect(dbCopy!.PerformanceInsightsRetentionPeriod).toBe(731); // the source's, not RDS's 7
      // Enhanced monitoring too, with primary's role of the name the source's has (roles are not copied).
      expect(dbCopy!.MonitoringInterval).toBe(60);
      expect(dbCopy!.MonitoringRoleArn).toBe(
        `arn:aws:iam::${spec.primary.accountId}:role/${spec.application}-rds-monitoring`,
      );
      expect(dbCopy!.IAMDatabaseAuthenticationEnabled).toBe(true);
      expect(dbCopy!.DBParameterGroups?.[0]?.DBParameterGroupName).toBe(names.parameterGroup);
      expect(dbCopy!.OptionGroupMemberships?.map((g) => g.OptionGroupName)).toEqual([names.optionGroup]);
      expect(customer(dbCopy!.TagList)).toEqual(expect.arrayContaining(odd));

      const cluster = final.resources.find((r) => r.kind === 'aurora-cluster')!;
      const [clusterCopy] = (
        await rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: cluster.target }))
      ).DBClusters!;
      expect(clusterCopy!.DBClusterParameterGroup).toBe(names.clusterParameterGroup);
      expect(clusterCopy!.DeletionProtection).toBe(true);
      expect(clusterCopy!.TagList?.map((t) => t.Key)).not.toContain('failback:deferred');
      expect(clusterCopy!.ServerlessV2ScalingConfiguration).toMatchObject({
        MinCapacity: 0.5,
        MaxCapacity: 8,
      });
      expect(customer(clusterCopy!.TagList)).toEqual(expect.arrayContaining(odd));
    } finally {
      ec2.destroy();
      rds.destroy();
      ec2Recovery.destroy();
    }
  });
});
