import { withAccessRole } from '../../../../test/support/access.js';
import { ApplicationFailure } from '@temporalio/common';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PlanContext, ResolvedResource, StepInput } from '../../../domain/resources.js';
import { testTargetName } from '../../../domain/naming.js';
import { EmulatorAdmin } from '../../../../emulator/client.js';
import {
  asAccount,
  ensureRole,
  PRIMARY_ACCOUNT,
  RECOVERY_ACCOUNT,
  TEST_EXTERNAL_ID,
} from '../../../../test/support/aws.js';
import { backupsOf, createSeededTable, runStep, tableExists } from '../../../../test/support/dynamodb.js';

// Regions of this file's own, so its fault rules touch no other test's requests.
const primaryRegion = 'ca-central-1';
const recoveryRegion = 'sa-east-1';
const run = Date.now().toString(36);
const admin = new EmulatorAdmin(inject('awsEndpoint'));
const recovery = asAccount(RECOVERY_ACCOUNT, recoveryRegion);
const primary = asAccount(PRIMARY_ACCOUNT, primaryRegion);

function plan(planId: string, recoveryRole = 'dr-recovery'): PlanContext {
  return {
    planId,
    application: 'shop',
    primary: {
      accountId: PRIMARY_ACCOUNT,
      region: primaryRegion,
      roleArn: `arn:aws:iam::${PRIMARY_ACCOUNT}:role/failback-access`,
      externalId: TEST_EXTERNAL_ID,
    },
    recovery: {
      accountId: RECOVERY_ACCOUNT,
      region: recoveryRegion,
      roleArn: `arn:aws:iam::${RECOVERY_ACCOUNT}:role/${recoveryRole}`,
    },
  };
}

const resource = (table: string): ResolvedResource => ({
  key: `dynamodb-table:${table}`,
  kind: 'dynamodb-table',
  source: table,
  target: table,
});

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApplicationFailure);
  return error as ApplicationFailure;
}

async function planBuckets(planId: string): Promise<string[]> {
  const names = await Promise.all(
    [primary, recovery].map(async (env) =>
      ((await env.s3.send(new ListBucketsCommand({}))).Buckets ?? []).map((b) => b.Name ?? ''),
    ),
  );
  return names.flat().filter((n) => n.startsWith(`fb-${planId}-`));
}

describe('dynamodb-table errors are classified; nothing is left that cleanup cannot find', () => {
  const table = `err-${run}`;

  beforeAll(async () => {
    // A role that exists but does not trust the orchestrator.
    await ensureRole(
      RECOVERY_ACCOUNT,
      `dr-locked-${run}`,
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { AWS: `arn:aws:iam::${RECOVERY_ACCOUNT}:root` },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    );
    await createSeededTable(recovery, table, 30, { pitr: true });
  });

  const faults: string[] = [];
  const addFault = async (rule: Parameters<EmulatorAdmin['addFault']>[0]): Promise<void> => {
    faults.push((await admin.addFault(rule)).id);
  };
  const clearFaults = async () => {
    for (const id of faults.splice(0)) await admin.removeFault(id);
  };
  afterEach(clearFaults);

  it('AccessDenied: a role that does not trust the orchestrator needs a person', async () => {
    const input: StepInput = {
      plan: await withAccessRole(plan(`err-ad-${run}`, `dr-locked-${run}`)),
      phase: 'test-failback',
      resource: resource(table),
    };
    const failure = await failureOf(runStep('takeRecoveryPoint', input));
    expect(failure).toMatchObject({ type: 'AccessDenied', nonRetryable: true });
    expect(failure.message).toContain(`dr-locked-${run}`);
    expect(failure.message).toContain('Grant the missing permission');
    expect((await backupsOf(recovery, table)).filter((b) => b.BackupName?.includes(`err-ad-${run}`))).toEqual(
      [],
    );
  });

  it('QuotaExceeded: the export bucket cannot be created; nothing half-made', async () => {
    const planId = `err-q-${run}`;
    await addFault({
      type: 'error',
      status: 400,
      code: 'TooManyBuckets',
      message: 'You have attempted to create more buckets than allowed',
      service: 's3',
      operation: 'CreateBucket',
      region: recoveryRegion,
    });
    const input: StepInput = {
      plan: await withAccessRole(plan(planId)),
      phase: 'test-failback',
      resource: resource(table),
    };
    const failure = await failureOf(runStep('takeRecoveryPoint', input));
    expect(failure).toMatchObject({ type: 'QuotaExceeded', nonRetryable: true });
    expect(failure.message).toContain('Raise the AWS service quota');
    expect(await planBuckets(planId)).toEqual([]);
    expect(await runStep('removeTestCopy', input)).toEqual({ removed: [], kept: [] });
  });

  it('NameConflict: a stranger holds the test name; the recovery point is cleaned up, the stranger kept', async () => {
    const planId = `err-nc-${run}`;
    const stranger = testTargetName(table, planId);
    await createSeededTable(primary, stranger, 2);
    const input: StepInput = {
      plan: await withAccessRole(plan(planId)),
      phase: 'test-failback',
      resource: resource(table),
    };
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    const failure = await failureOf(runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint }));
    expect(failure).toMatchObject({ type: 'NameConflict', nonRetryable: true });
    expect(failure.message).toContain(stranger);

    const cleanup = await runStep('removeTestCopy', input);
    expect(cleanup.kept).toEqual([expect.stringContaining(stranger)]);
    expect(cleanup.removed.length).toBeGreaterThan(0);
    expect(await tableExists(primary, stranger)).toBe(true);
    expect(await planBuckets(planId)).toEqual([]);
  });

  it('Throttled: retryable, and once AWS lets the call through exactly one backup is made', async () => {
    const planId = `err-th-${run}`;
    await addFault({
      type: 'throttle',
      service: 'dynamodb',
      operation: 'CreateBackup',
      region: primaryRegion,
    });
    await createSeededTable(primary, table, 3);
    const input: StepInput = {
      plan: await withAccessRole(plan(planId)),
      phase: 'failback',
      resource: { ...resource(table), options: { copyMethod: 'scan-copy' } },
    };
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    const failure = await failureOf(runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint }));
    expect(failure).toMatchObject({ type: 'Throttled', nonRetryable: false });
    expect(await backupsOf(primary, table)).toEqual([]);
    expect(await tableExists(primary, table)).toBe(true); // not deleted without its backup
    await clearFaults();
    const restore = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    expect(restore.retirement?.action).toBe('backed-up-and-replaced');
    expect(await backupsOf(primary, table)).toHaveLength(1);
  });
});
