import { withAccessRole } from '../../../../test/support/access.js';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  GetItemCommand,
  ListTagsOfResourceCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlanContext, ResolvedResource, StepInput } from '../../../domain/resources.js';
import { resourceKey, testTargetName } from '../../../domain/naming.js';
import {
  asAccount,
  PRIMARY_ACCOUNT,
  RECOVERY_ACCOUNT,
  TEST_EXTERNAL_ID,
} from '../../../../test/support/aws.js';
import {
  backupsOf,
  createSeededTable,
  mixedItem,
  putItems,
  runStep,
  tableExists,
  tableFingerprint,
} from '../../../../test/support/dynamodb.js';
import { encodeItem, type Item } from './content-hash.js';

const run = Date.now().toString(36);

interface Scenario {
  title: string;
  planId: string;
  recoveryAccount: string;
  method: string;
  options?: Record<string, unknown>;
}

// The scan copy runs the same pipeline in idempotency.int.test.ts and scan-resume.int.test.ts.
const SCENARIOS: Scenario[] = [
  {
    title: 'same account, cross-region (backup restore)',
    planId: `ddb-sr-${run}`,
    recoveryAccount: PRIMARY_ACCOUNT,
    method: 'restore',
  },
  {
    title: 'cross-account (S3 export + import)',
    planId: `ddb-xa-${run}`,
    recoveryAccount: RECOVERY_ACCOUNT,
    method: 'export-import',
  },
];

function planFor(s: Scenario): PlanContext {
  return {
    planId: s.planId,
    application: 'shop',
    primary: {
      accountId: PRIMARY_ACCOUNT,
      region: 'us-east-1',
      roleArn: `arn:aws:iam::${PRIMARY_ACCOUNT}:role/failback-access`,
      externalId: TEST_EXTERNAL_ID,
    },
    recovery: {
      accountId: s.recoveryAccount,
      region: 'us-west-2',
      roleArn: `arn:aws:iam::${s.recoveryAccount}:role/dr-recovery`,
    },
  };
}

const resourceOf =
  (s: Scenario) =>
  (source: string, target: string): ResolvedResource => ({
    key: resourceKey({ kind: 'dynamodb-table', target }),
    kind: 'dynamodb-table',
    source,
    target,
    ...(s.options ? { options: s.options } : {}),
  });

async function pipeline(input: StepInput, quiescedAt?: string) {
  const recoveryPoint = await runStep('takeRecoveryPoint', {
    ...input,
    ...(quiescedAt ? { quiescedAt } : {}),
  });
  const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
  const restore = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
  const verification = await runStep('verifyRestore', {
    ...input,
    restore,
    recoveryPoint,
    ...(quiescedAt ? { quiescedAt } : {}),
  });
  return { recoveryPoint, copy, restore, verification };
}

/** A sample of items read by key from both sides must be equal, attribute types included. */
async function expectSampleEqual(s: Scenario, source: string, target: string, keys: number[]) {
  const recovery = asAccount(s.recoveryAccount, 'us-west-2');
  const primary = asAccount(PRIMARY_ACCOUNT, 'us-east-1');
  for (const i of keys) {
    const Key = { pk: mixedItem(i).pk!, sk: mixedItem(i).sk! };
    const [a, b] = await Promise.all([
      recovery.dynamodb.send(new GetItemCommand({ TableName: source, Key })),
      primary.dynamodb.send(new GetItemCommand({ TableName: target, Key })),
    ]);
    expect(a.Item).toBeDefined();
    expect(encodeItem(b.Item as Item)).toBe(encodeItem(a.Item as Item));
  }
}

describe.each(SCENARIOS)('dynamodb-table, $title', (s) => {
  let plan = planFor(s);
  const resource = resourceOf(s);
  const recovery = asAccount(s.recoveryAccount, 'us-west-2');
  const primary = asAccount(PRIMARY_ACCOUNT, 'us-east-1');
  const orders = `orders-${s.planId}`;
  const events = `events-${s.planId}`;

  beforeAll(async () => {
    plan = await withAccessRole(plan);
    await Promise.all([
      createSeededTable(recovery, orders, 2000, { pitr: true }),
      createSeededTable(recovery, events, 600, {
        gsi: true,
        pitr: true,
        extra: { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' } },
      }).then(() =>
        recovery.dynamodb.send(
          new UpdateTimeToLiveCommand({
            TableName: events,
            TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
          }),
        ),
      ),
      // The old primary table the failback replaces: other content, its own tag.
      createSeededTable(primary, orders, 40, { extra: { Tags: [{ Key: 'owner', Value: 'primary-team' }] } }),
    ]);
  });

  it('test failback: copies under the test name, verifies, removes the copy and intermediates', async () => {
    const input: StepInput = { plan, phase: 'test-failback', resource: resource(orders, orders) };
    const { recoveryPoint, restore, verification } = await pipeline(input);
    expect(recoveryPoint.details?.method).toBe(s.method);
    const testName = testTargetName(orders, s.planId);
    expect(restore.restored.name).toBe(testName);
    expect(restore.retirement).toBeUndefined();
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verification.ok).toBe(true);
    // Against the recovery point it was made from (decision 0037): the export's files, or the backup.
    expect(verification.checks.map((c) => c.name)).toEqual(
      s.method === 'restore'
        ? ['restored-from-recovery-point', 'restore-complete', 'item-count']
        : ['item-count', 'content-hash', 'sampled-items-equal'],
    );
    expect(await tableFingerprint(primary, testName)).toEqual(await tableFingerprint(recovery, orders));
    await expectSampleEqual(s, orders, testName, [0, 1, 1234, 1999]);
    // The primary table is untouched by a test failback.
    expect((await tableFingerprint(primary, orders)).count).toBe(40);

    const cleanup = await runStep('removeTestCopy', input);
    expect(cleanup.removed.some((r) => r.includes(testName))).toBe(true);
    expect(await tableExists(primary, testName)).toBe(false);
    expect((await backupsOf(recovery, orders)).filter((b) => b.BackupName?.includes('-tf-'))).toEqual([]);
    const buckets = [
      ...((await primary.s3.send(new ListBucketsCommand({}))).Buckets ?? []),
      ...((await recovery.s3.send(new ListBucketsCommand({}))).Buckets ?? []),
    ];
    expect(buckets.filter((b) => b.Name?.startsWith(`fb-${s.planId}-`))).toEqual([]);
    // Running the cleanup again finds nothing left to do.
    expect((await runStep('removeTestCopy', input)).removed).toEqual([]);
  });

  it('failback: retires the old table by a kept backup, restores, verifies, cleans up, concludes', async () => {
    for (const table of [orders, events]) {
      const input: StepInput = { plan, phase: 'failback', resource: resource(table, table) };
      const { quiescedAt } = await runStep('quiesceSource', input);
      const { restore, verification } = await pipeline(input, quiescedAt);
      expect(verification.ok).toBe(true);
      expect(verification.checks.find((c) => c.name === 'recovery-point-after-quiesce')?.ok).toBe(true);
      expect(await tableFingerprint(primary, table)).toEqual(await tableFingerprint(recovery, table));
      await expectSampleEqual(s, table, table, [3, 77, 599]);

      const arn = restore.restored.arn ?? '';
      const tags =
        (await primary.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags ?? [];
      expect(tags).toContainEqual({ Key: 'app', Value: 'shop' });
      expect(tags).toContainEqual({ Key: 'failback:plan-id', Value: s.planId });
      const pitr = await primary.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: table }));
      expect(
        pitr.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
      ).toBe('ENABLED');

      if (table === orders) {
        expect(restore.retirement?.action).toBe('backed-up-and-replaced');
        const kept = (await backupsOf(primary, orders)).find(
          (b) => b.BackupArn === restore.retirement?.backupArn,
        );
        expect(kept?.BackupStatus).toBe('AVAILABLE');
        expect(kept?.BackupName).toMatch(/-fb-keep-retired-/);
      } else {
        expect(restore.retirement?.action).toBe('none');
      }

      const cleanup = await runStep('cleanupIntermediates', input);
      // The replaced table's kept backup, and the new production table handed over (decision 0035).
      expect(cleanup.kept.length).toBe(table === orders ? 2 : 1);
      const handedOver =
        (await primary.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags ?? [];
      expect(handedOver.filter((t) => t.Key === 'failback:plan-id')).toEqual([]);
      expect(handedOver).toContainEqual({ Key: 'failback:restored-by', Value: s.planId });
      expect((await backupsOf(recovery, table)).filter((b) => b.BackupName?.includes('-fb-'))).toEqual([]);
      expect(await tableExists(primary, table)).toBe(true);

      const conclude = await runStep('concludeRecovery', { ...input, phase: 'conclude-recovery' });
      expect(await tableExists(recovery, table)).toBe(false);
      const finals = await backupsOf(recovery, table);
      expect(finals.find((b) => b.BackupArn === conclude.finalBackup.arn)?.BackupStatus).toBe('AVAILABLE');
      // Again: the table is gone, the kept final backup is the answer.
      const again = await runStep('concludeRecovery', { ...input, phase: 'conclude-recovery' });
      expect(again.finalBackup.arn).toBe(conclude.finalBackup.arn);
    }
    // The GSI came along.
    const described = await primary.dynamodb.send(new DescribeTableCommand({ TableName: events }));
    expect(described.Table?.GlobalSecondaryIndexes?.map((g) => g.IndexName)).toEqual(['by-status']);
    // So did the settings a restore or import drops: stream and TTL.
    expect(described.Table?.StreamSpecification).toMatchObject({
      StreamEnabled: true,
      StreamViewType: 'NEW_IMAGE',
    });
    const ttl = await primary.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: events }));
    expect(ttl.TimeToLiveDescription).toMatchObject({
      AttributeName: 'expiresAt',
      TimeToLiveStatus: 'ENABLED',
    });
  });

  it('compensation puts the replaced table back (after a kept backup of the served one)', async () => {
    const table = `ledger-${s.planId}`;
    await createSeededTable(recovery, table, 300, { pitr: true });
    await createSeededTable(primary, table, 25, {
      extra: { Tags: [{ Key: 'owner', Value: 'primary-team' }] },
    });
    const before = await tableFingerprint(primary, table);
    const input: StepInput = { plan, phase: 'failback', resource: resource(table, table) };
    const { restore } = await pipeline(input);
    await putItems(primary, table, [mixedItem(100_000)]); // a write after the DNS cutover
    const report = await runStep('compensateResource', {
      ...input,
      retirement: restore.retirement!,
      restored: restore.restored,
      trafficServed: true,
    });
    expect(await tableFingerprint(primary, table)).toEqual(before);
    const backups = await backupsOf(primary, table);
    expect(backups.map((b) => b.BackupName).sort()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/-fb-keep-retired-/),
        expect.stringMatching(/-fb-keep-comp-/),
      ]),
    );
    expect(report.kept.length).toBeGreaterThanOrEqual(2);
    // Compensation again changes nothing.
    await runStep('compensateResource', { ...input, retirement: restore.retirement!, trafficServed: true });
    expect(await tableFingerprint(primary, table)).toEqual(before);
  });
});
