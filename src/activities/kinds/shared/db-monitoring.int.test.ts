import { DeleteRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureRole, seedingClientConfig } from '../../../../scripts/scenario/accounts.js';
import {
  ensurePlanRoles,
  inspectors,
  planEnvironments,
  preparedPlan,
  topologies,
  unique,
} from '../../../../test/support/kinds.js';
import { describeDb, seedDbInstance } from '../../../../test/support/snapshot-kinds.js';
import { applyDeferredSettings } from './db-deferred.js';
import { applyMonitoring } from './db-monitoring.js';

// The final cleanup's enhanced monitoring (issue 15), through the plan's access role: primary's role is
// passed only when preflight granted it, a second run changes nothing, a role gone since is reported.

const topology = topologies('ca-central-1', 'eu-central-1')[1]!;
const aws = inspectors(topology);
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'monitoring.rds.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});

const state = async (id: string) => {
  const db = await describeDb(aws.primary.rds, id);
  return [db?.MonitoringInterval ?? 0, db?.MonitoringRoleArn ?? null];
};

describe('enhanced monitoring at the final cleanup', () => {
  let roleArn: string;
  beforeAll(async () => {
    await ensurePlanRoles(topology);
    roleArn = await ensureRole(topology.primary.accountId, unique('mon'), TRUST, undefined, '/app/');
  });

  it('turns it on with the granted role once; a second run changes nothing', async () => {
    const plan = await preparedPlan(topology, unique('monp'), { monitoringRoleArns: [roleArn] });
    const id = unique('db');
    await seedDbInstance(aws.primary.rds, id);
    const env = planEnvironments(plan).primary;
    const said = await applyMonitoring(env, { roleArn, interval: 30 }, { id });
    expect(said).toEqual({
      applied: expect.stringMatching(new RegExp(`enhanced monitoring every 30 s on ${id}`)),
    });
    expect(await state(id)).toEqual([30, roleArn]);
    const [interval, role] = await state(id);
    const again = { id, monitoringInterval: interval as number, monitoringRoleArn: role as string };
    expect(await applyMonitoring(env, { roleArn, interval: 30 }, again)).toEqual({});
  });

  it('at the final cleanup a refusal leaves monitoring off, reported with the fix; the rest is applied', async () => {
    // An access role made without the grant (or a role that does not trust RDS monitoring): retrying
    // repeats the refusal, so the cleanup of a validated primary must not park on it.
    const plan = await preparedPlan(topology, unique('mond'));
    const id = unique('db');
    await seedDbInstance(aws.primary.rds, id);
    const { applied, leftOff } = await applyDeferredSettings(planEnvironments(plan).primary, {
      kind: 'instance',
      id,
      tags: [
        { Key: 'failback:deferred', Value: 'deletion-protection performance-insights enhanced-monitoring' },
      ],
      monitoring: { roleArn, interval: 30 },
    });
    expect(leftOff).toEqual([
      expect.stringMatching(/^enhanced monitoring on .* left off: .*iam:PassRole.*turn it on yourself/),
    ]);
    expect(applied).toHaveLength(2);
    expect(await state(id)).toEqual([0, null]);
    const db = await describeDb(aws.primary.rds, id);
    expect(db?.DeletionProtection).toBe(true);
    expect(db?.PerformanceInsightsEnabled).toBe(true);
  });

  it('the access role may not pass a role preflight did not grant', async () => {
    const plan = await preparedPlan(topology, unique('monn'));
    const id = unique('db');
    await seedDbInstance(aws.primary.rds, id);
    await expect(
      applyMonitoring(planEnvironments(plan).primary, { roleArn, interval: 30 }, { id }),
    ).rejects.toThrow(/iam:PassRole/);
    expect(await state(id)).toEqual([0, null]);
  });

  it('a role removed since preflight leaves it off, with the fix, instead of failing', async () => {
    const gone = await ensureRole(topology.primary.accountId, unique('mong'), TRUST);
    const plan = await preparedPlan(topology, unique('monr'), { monitoringRoleArns: [gone] });
    const iam = new IAMClient(seedingClientConfig(topology.primary.accountId, 'us-east-1'));
    await iam.send(new DeleteRoleCommand({ RoleName: gone.split('/').pop() }));
    iam.destroy();
    const id = unique('db');
    await seedDbInstance(aws.primary.rds, id);
    const said = await applyMonitoring(
      planEnvironments(plan).primary,
      { roleArn: gone, interval: 30 },
      { id },
    );
    expect(said).toEqual({
      leftOff: expect.stringMatching(/left off .* no longer has role .*create it, then ModifyDBInstance/),
    });
    expect(await state(id)).toEqual([0, null]);
  });
});
