import { ListBackupsCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateKeyCommand, DisableKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { ApplicationFailure } from '@temporalio/common';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { EmulatorAdmin } from '../../../emulator/client.js';
import type { PlanSpec } from '../../domain/plan-spec.js';
import { testTargetName } from '../../domain/naming.js';
import {
  asAccount,
  ensureAccessBoundary,
  ensureRole,
  orchestratorTrustPolicy,
  PRIMARY_ACCOUNT,
  RECOVERY_ACCOUNT,
  seedingClientConfig,
} from '../../../test/support/aws.js';
import { runActivity } from '../../../test/support/activity.js';
import { createSeededTable } from '../../../test/support/dynamodb.js';
import { BOOTSTRAP_ROLE_POLICY, RECOVERY_ROLE_POLICY } from '../access-stack/policies/index.js';
import { preflightPlan } from './preflight.js';

const run = Date.now().toString(36);
const planId = `pf-${run}`;
const primaryRegion = 'ap-southeast-2';
const recoveryRegion = 'ap-northeast-1';
const primary = asAccount(PRIMARY_ACCOUNT, primaryRegion);
const recovery = asAccount(RECOVERY_ACCOUNT, recoveryRegion);
const names = {
  orders: `orders-${run}`,
  carts: `carts-${run}`,
  users: `users-${run}`,
  missing: `missing-${run}`,
  profiles: `profiles-${run}`,
};

async function tableCount(env: typeof primary): Promise<number> {
  return (await env.dynamodb.send(new ListTablesCommand({}))).TableNames?.length ?? 0;
}

describe('preflightPlan', () => {
  let spec: PlanSpec;

  beforeAll(async () => {
    await ensureAccessBoundary(PRIMARY_ACCOUNT);
    const bootstrap = await ensureRole(
      PRIMARY_ACCOUNT,
      `dr-standing-pf-${run}`,
      orchestratorTrustPolicy(),
      BOOTSTRAP_ROLE_POLICY,
    );
    const recoveryRole = await ensureRole(
      RECOVERY_ACCOUNT,
      `dr-recovery-pf-${run}`,
      orchestratorTrustPolicy(),
      RECOVERY_ROLE_POLICY,
    );
    const kms = new KMSClient(seedingClientConfig(PRIMARY_ACCOUNT, primaryRegion));
    const key = await kms.send(new CreateKeyCommand({ Description: 'disabled on purpose' }));
    await kms.send(new DisableKeyCommand({ KeyId: key.KeyMetadata?.KeyId }));
    kms.destroy();
    await Promise.all([
      createSeededTable(recovery, names.orders, 20, {
        pitr: true,
        extra: { Tags: [{ Key: 'app', Value: `shop-${run}` }] },
      }),
      createSeededTable(recovery, names.carts, 10, {
        pitr: true,
        extra: { Tags: [{ Key: 'app', Value: `shop-${run}` }] },
      }),
      createSeededTable(recovery, names.users, 10, { pitr: true }),
      // In primary: the live orders table (retired by the failback) and a stranger holding the test name.
      createSeededTable(primary, names.orders, 5),
      createSeededTable(primary, testTargetName(names.users, planId), 1),
    ]);
    spec = {
      planId,
      application: 'shop',
      primary: {
        accountId: PRIMARY_ACCOUNT,
        region: primaryRegion,
        roleArn: `arn:aws:iam::${PRIMARY_ACCOUNT}:role/failback-access-pf-${run}`,
        externalId: `ext-${run}`,
        bootstrapRoleArn: bootstrap,
        kmsKeyId: key.KeyMetadata?.Arn ?? '',
      },
      recovery: { accountId: RECOVERY_ACCOUNT, region: recoveryRegion, roleArn: recoveryRole },
      resources: [
        { kind: 'dynamodb-table', source: names.orders, target: names.orders },
        { kind: 'dynamodb-table', source: names.users, target: names.users },
        { kind: 'dynamodb-table', source: names.missing, target: names.missing },
      ],
      select: { tags: { app: `shop-${run}` } },
      dnsCutover: { mode: 'manual' },
    };
  });

  it('resolves explicit and selected resources and reports a missing source, a name conflict, a bad KMS key', async () => {
    const before = await Promise.all([tableCount(primary), tableCount(recovery)]);
    const report = await runActivity(preflightPlan, [{ spec, now: new Date().toISOString() }]);

    expect(report.ok).toBe(false);
    expect(report.resources.map((r) => `${r.source}→${r.target}`).sort()).toEqual(
      [names.orders, names.users, names.missing, names.carts].map((n) => `${n}→${n}`).sort(),
    );
    const orders = report.resources.find((r) => r.source === names.orders);
    expect(orders?.primaryExists).toBe(true);
    expect(orders?.sourceDetails).toMatchObject({ method: 'export-import', pitr: true });
    expect(report.resources.find((r) => r.source === names.carts)?.primaryExists).toBe(false);

    const errors = report.findings.filter((f) => f.severity === 'error');
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ check: 'exists', resource: `dynamodb-table:${names.missing}` }),
        expect.objectContaining({ check: 'name-conflict', resource: `dynamodb-table:${names.users}` }),
        expect.objectContaining({ check: 'kms', message: expect.stringContaining('Disabled') }),
      ]),
    );
    expect(errors).toHaveLength(3);
    expect(report.wouldRetire).toEqual([`dynamodb-table ${names.orders} (backed up (kept), then replaced)`]);
    expect(report.wouldCreate).toEqual(
      expect.arrayContaining([
        expect.stringContaining(`failback-access-${planId}`),
        `dynamodb-table ${names.carts}`,
      ]),
    );
    expect(report.wouldCopy).toHaveLength(4);

    // Read-only: nothing was created on either side.
    expect(await Promise.all([tableCount(primary), tableCount(recovery)])).toEqual(before);
    const backups = await recovery.dynamodb.send(new ListBackupsCommand({}));
    expect(backups.BackupSummaries ?? []).toEqual([]);
  });

  it('reports spec rules, unreachable roles, and a selected table whose target is taken', async () => {
    // Found by the selector, it would fail back as `profiles`, which an explicit resource targets.
    await createSeededTable(recovery, names.profiles, 3, {
      extra: { Tags: [{ Key: 'app', Value: `shop-${run}` }] },
    });
    const broken: PlanSpec = {
      ...spec,
      primary: {
        ...spec.primary,
        bootstrapRoleArn: `arn:aws:iam::${PRIMARY_ACCOUNT}:role/nobody-${run}`,
        kmsKeyId: undefined as never,
      },
      resources: [{ kind: 'dynamodb-table', source: names.carts, target: names.profiles }],
      maintenanceWindow: { start: '2020-01-01T00:00:00Z', end: '2020-01-01T02:00:00Z' },
    };
    delete (broken.primary as { kmsKeyId?: string }).kmsKeyId;
    const report = await runActivity(preflightPlan, [{ spec: broken, now: Date.now() }]);
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          check: 'spec',
          message: expect.stringContaining('/maintenanceWindow/end'),
        }),
        expect.objectContaining({ check: 'access', message: expect.stringContaining(`nobody-${run}`) }),
        expect.objectContaining({ check: 'name-conflict', resource: `dynamodb-table:${names.profiles}` }),
      ]),
    );
  });

  it('a transient failure of a probe fails the preflight for a retry; it is not a finding', async () => {
    const admin = new EmulatorAdmin(inject('awsEndpoint'));
    // More 503s than the SDK's own attempts: some probe of primary's tables cannot get an answer.
    const fault = await admin.addFault({
      type: 'error',
      status: 503,
      service: 'dynamodb',
      operation: 'DescribeTable',
      account: PRIMARY_ACCOUNT,
      region: primaryRegion,
      count: 40,
    });
    try {
      const failure = await runActivity(preflightPlan, [{ spec, now: Date.now() }]).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ApplicationFailure);
      expect((failure as ApplicationFailure).nonRetryable).toBe(false);
      expect((failure as ApplicationFailure).type).toBe('AwsServerError');
    } finally {
      await admin.removeFault(fault.id);
    }
    // Retried once AWS answers: the same findings as ever, none about the 503s.
    const report = await runActivity(preflightPlan, [{ spec, now: Date.now() }]);
    expect(report.findings.filter((f) => /ServiceUnavailable|503/.test(f.message))).toEqual([]);
    expect(report.resources.map((r) => r.source)).toEqual(
      expect.arrayContaining([names.orders, names.users, names.carts]),
    );
  });
});
