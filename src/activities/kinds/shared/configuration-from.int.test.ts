import { beforeAll, describe, expect, it } from 'vitest';
import type { ResourceKind } from '../../../domain/contract.js';
import type { PlanContext } from '../../../domain/resources.js';
import { BOOTSTRAP_ROLE } from '../../../../test/support/access.js';
import {
  ensurePlanRoles,
  inspectors,
  preparedPlan,
  resolved,
  stepInput,
  topologies,
  unique,
} from '../../../../test/support/kinds.js';
import { seedCluster, seedDbInstance, seedInstance } from '../../../../test/support/snapshot-kinds.js';
import { kindContext } from '../context.js';
import { kindModule } from '../index.js';

// Issue 15: options.configurationFrom 'primary' carries the old primary's configuration. Without an
// old primary in primary there is nothing to carry it from: preflight refuses, with the fix.

const topology = topologies('ap-southeast-2', 'eu-north-1')[1]!;
const aws = inspectors(topology);
let plan: PlanContext;

async function configurationFindings(kind: ResourceKind, source: string, target: string, from?: string) {
  const primary = {
    ...plan.primary,
    roleArn: `arn:aws:iam::${plan.primary.accountId}:role/${BOOTSTRAP_ROLE}`,
  };
  const options = from ? { configurationFrom: from } : undefined;
  const result = await kindModule(kind).preflight(
    kindContext(stepInput({ ...plan, primary }, 'test-failback', resolved(kind, source, target, options))),
  );
  return result.findings
    .filter((f) => /configurationFrom/.test(f.message))
    .map((f) => `${f.severity} ${f.check}: ${f.message}`);
}

describe('preflight: configurationFrom primary needs an old primary', () => {
  beforeAll(async () => {
    await ensurePlanRoles(topology);
    plan = await preparedPlan(topology, unique('cfgf'));
  });

  it('EC2 instance: refused without an instance of the target name in primary, accepted with one', async () => {
    const name = unique('web');
    const source = await seedInstance(aws.recovery.ec2, name);
    const missing = await configurationFindings('ec2-instance', source, name, 'primary');
    expect(missing).toHaveLength(1);
    expect(missing[0]).toMatch(
      /^error settings: options.configurationFrom is primary, but primary .* has no instance named/,
    );
    expect(missing[0]).toMatch(/remove configurationFrom/);
    // The default (the recovery source) needs no old primary.
    expect(await configurationFindings('ec2-instance', source, name)).toEqual([]);
    await seedInstance(aws.primary.ec2, name);
    expect(await configurationFindings('ec2-instance', source, name, 'primary')).toEqual([]);
  });

  it('RDS instance and Aurora cluster: the same', async () => {
    const db = unique('db');
    await seedDbInstance(aws.recovery.rds, db);
    const cluster = unique('cl');
    await seedCluster(aws.recovery.rds, cluster, 1);
    expect(await configurationFindings('rds-instance', db, db, 'primary')).toEqual([
      expect.stringMatching(/^error settings: .* has no DB instance .* to carry the configuration from/),
    ]);
    expect(await configurationFindings('aurora-cluster', cluster, cluster, 'primary')).toEqual([
      expect.stringMatching(/^error settings: .* has no DB cluster .* to carry the configuration from/),
    ]);
    await seedDbInstance(aws.primary.rds, db);
    await seedCluster(aws.primary.rds, cluster, 1);
    expect(await configurationFindings('rds-instance', db, db, 'primary')).toEqual([]);
    expect(await configurationFindings('aurora-cluster', cluster, cluster, 'primary')).toEqual([]);
  });
});
