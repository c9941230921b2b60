import { GetKeyPolicyCommand, KMSClient, PutKeyPolicyCommand } from '@aws-sdk/client-kms';
import { describe, expect, it } from 'vitest';
import { seedScenario } from '../../../scripts/scenario/seed.js';
import { seedingClientConfig } from '../../../scripts/scenario/accounts.js';
import { runActivity } from '../../../test/support/activity.js';
import { KEY_ACTIONS, statementToAdd } from '../kinds/shared/key-policy.js';
import { rdsGrantArns, rdsNames } from '../../domain/rds-names.js';
import { shortHash } from '../../domain/naming.js';
import { preflightPlan } from './preflight.js';

// Cross-account copies of encrypted volumes and databases need the recovery key's policy to let the
// primary account use the key (EBS and RDS User Guides): preflight reads it, and names the statement.
describe('preflight reads the recovery keys’ policies', () => {
  it('names the exact statement to add, and is satisfied once it is there', async () => {
    const base = 450_000_000_000 + (Date.now() % 1_000_000) * 100;
    const primary = { accountId: String(base), region: 'us-east-1' };
    const recovery = { accountId: String(base + 1), region: 'us-west-2' };
    const planId = `kp-${Date.now().toString(36)}`;
    const scenario = await seedScenario({
      planId,
      primary,
      recovery,
      ec2Instances: 1,
      rdsInstances: 1,
      auroraClusters: 0,
      tables: [],
      stalePrimary: false,
      shareKeyWithPrimary: false,
    });
    const keys = scenario.keys!;
    const blocked = await runActivity(preflightPlan, [{ spec: scenario.spec, now: Date.now() }]);
    expect(blocked.ok).toBe(false);
    const kms = blocked.findings.filter((f) => f.check === 'kms' && f.severity === 'error');
    expect(kms.map((f) => f.resource).sort()).toEqual(['ec2-instance:shop-web', 'rds-instance:shop-db']);
    for (const [finding, service] of [
      [kms.find((f) => f.resource?.startsWith('ec2')), 'ec2'],
      [kms.find((f) => f.resource?.startsWith('rds')), 'rds'],
    ] as const) {
      expect(finding?.message).toContain(`the key policy of ${keys.recovery}`);
      expect(finding?.message).toContain(
        `add this statement to the key policy: ${JSON.stringify(statementToAdd(primary.accountId, KEY_ACTIONS[service]))}`,
      );
    }

    // The key's owner adds the statement preflight named: nothing about the key stops the plan now.
    const owner = new KMSClient(seedingClientConfig(recovery.accountId, recovery.region));
    try {
      const current = JSON.parse(
        (await owner.send(new GetKeyPolicyCommand({ KeyId: keys.recovery, PolicyName: 'default' }))).Policy!,
      ) as { Statement: object[] };
      current.Statement.push(statementToAdd(primary.accountId, KEY_ACTIONS.ec2));
      await owner.send(
        new PutKeyPolicyCommand({
          KeyId: keys.recovery,
          PolicyName: 'default',
          Policy: JSON.stringify(current),
        }),
      );
    } finally {
      owner.destroy();
    }
    const ready = await runActivity(preflightPlan, [{ spec: scenario.spec, now: Date.now() }]);
    const [database] = (scenario.spec.resources ?? []).filter((r) => r.kind === 'rds-instance');
    if (!database) throw new Error('the scenario has one DB instance');
    expect(ready.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(ready.access).toEqual({
      primaryKmsKeyArns: [keys.primary],
      recoveryKmsKeyArns: [keys.recovery],
      exportBuckets: [],
      // The one database's names (decision 0045), independently derived from the spec (a dry run: the
      // snapshot names of any run of the plan).
      ...rdsGrantArns(
        rdsNames({
          kind: 'rds-instance',
          target: database.target ?? database.source,
          planId: scenario.spec.planId,
        }),
        scenario.spec.primary.accountId,
        scenario.spec.primary.region,
      ),
    });

    // options.databaseAccess 'account' (plans past the named bound): any database, and a warning.
    const spec = {
      ...scenario.spec,
      options: { ...scenario.spec.options, databaseAccess: 'account' as const },
    };
    const wide = await runActivity(preflightPlan, [{ spec, now: Date.now() }]);
    const { accountId, region } = spec.primary;
    expect(wide.access?.rdsResourceArns).toEqual([
      `arn:aws:rds:${region}:${accountId}:cluster:*`,
      `arn:aws:rds:${region}:${accountId}:db:*`,
      `arn:aws:rds:${region}:${accountId}:snapshot:fb-${spec.planId}-??-*`,
      `arn:aws:rds:${region}:${accountId}:cluster-snapshot:fb-${spec.planId}-??-*`,
    ]);
    expect(wide.access?.rdsRetiredArns).toEqual([]);
    // In a plan run: only that run's snapshots.
    const run = await runActivity(preflightPlan, [{ spec, now: Date.now(), planRun: 'a-run-id' }]);
    expect(run.access?.rdsResourceArns).toContain(
      `arn:aws:rds:${region}:${accountId}:snapshot:fb-${spec.planId}-??-*-${shortHash('a-run-id')}-*`,
    );
    expect(wide.findings).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringContaining("databaseAccess is 'account'"),
      }),
    );
  });
});
