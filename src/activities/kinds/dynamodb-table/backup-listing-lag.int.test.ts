import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshAccount, sharedAdmin, sleep } from '../../../../emulator/test/support.js';
import { TEST_EXTERNAL_ID } from '../../../../test/support/aws.js';
import { backupsOf, createSeededTable } from '../../../../test/support/dynamodb.js';
import {
  crashOnce,
  ensurePlanRoles,
  inspectors,
  planEnvironments,
  preparedPlan,
  resolved,
  runStep,
  stepInput,
  unique,
  type Topology,
} from '../../../../test/support/kinds.js';

/**
 * Issue 14 item 13: CreateBackup takes no client token and ListBackups is eventually consistent. The
 * first attempt of takeRecoveryPoint dies right after CreateBackup (its answer and heartbeat lost);
 * the retry, a fresh activity call, runs while ListBackups does not list that backup yet
 * (`dynamodb.backup-listing`, an account of its own so no other test lags) and makes a second one.
 * It must end with one backup of the name, the one it returns (what a consistent ListBackups would
 * have let it find: the first attempt's). A kept backup (the old primary table's, at retirement) is
 * never deleted — primary's role may not delete backups: both stay, the older is returned.
 */
const LAG_MS = 1_500;
const account = freshAccount();
const topology: Topology = {
  name: 'same account, cross-region',
  primary: {
    accountId: account,
    region: 'us-west-1',
    roleArn: `arn:aws:iam::${account}:role/failback-access`,
    externalId: TEST_EXTERNAL_ID,
  },
  recovery: { accountId: account, region: 'us-west-2', roleArn: `arn:aws:iam::${account}:role/dr-recovery` },
};

describe('dynamodb-table backup while ListBackups lags', () => {
  beforeAll(async () => {
    await ensurePlanRoles(topology);
    await sharedAdmin().setAccountSettings(account, { durationsMs: { 'dynamodb.backup-listing': LAG_MS } });
  });
  afterAll(() => sharedAdmin().clearAccountSettings(account));

  it('a retried recovery point that could not list its first attempt’s backup leaves one backup', async () => {
    const aws = inspectors(topology);
    const table = unique('orders');
    await createSeededTable(aws.recovery, table, 20);
    const plan = await preparedPlan(topology, unique('p'));
    const input = stepInput(plan, 'failback', resolved('dynamodb-table', table, table));

    await crashOnce(planEnvironments(plan).recovery.dynamodb, 'CreateBackupCommand', () =>
      runStep('takeRecoveryPoint', input),
    );
    expect(await backupsOf(aws.recovery, table)).toEqual([]); // the first attempt's is not listed yet
    const started = Date.now();
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    expect(recoveryPoint.details?.method).toBe('restore');

    await sleep(Math.max(0, LAG_MS + 200 - (Date.now() - started)));
    const named = (await backupsOf(aws.recovery, table)).filter(
      (b) => b.BackupName === recoveryPoint.details?.backupName,
    );
    expect(named.map((b) => b.BackupArn)).toEqual([recoveryPoint.id]);
    expect(named.map((b) => b.BackupStatus)).toEqual(['AVAILABLE']);
    // Repeated (heartbeat lost again), it finds that backup and makes none.
    expect((await runStep('takeRecoveryPoint', input)).id).toBe(recoveryPoint.id);
    expect((await backupsOf(aws.recovery, table)).map((b) => b.BackupArn)).toEqual([recoveryPoint.id]);
  });

  it('a retried retirement keeps both kept backups (primary may delete none) and returns the older', async () => {
    const aws = inspectors(topology);
    const table = unique('stock');
    await Promise.all([createSeededTable(aws.recovery, table, 20), createSeededTable(aws.primary, table, 5)]);
    const plan = await preparedPlan(topology, unique('p'));
    const input = stepInput(plan, 'failback', resolved('dynamodb-table', table, table));
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });

    // The first attempt dies right after CreateBackup of the kept backup of the old primary table.
    await crashOnce(planEnvironments(plan).primary.dynamodb, 'CreateBackupCommand', () =>
      runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint }),
    );
    const restore = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    const kept = (await backupsOf(aws.primary, table)).sort(
      (a, b) => a.BackupCreationDateTime!.getTime() - b.BackupCreationDateTime!.getTime(),
    );
    expect(kept.map((b) => b.BackupName)).toEqual([kept[0]?.BackupName, kept[0]?.BackupName]);
    expect(kept[0]?.BackupName).toMatch(/-keep-retired-/);
    expect(restore.retirement?.backupArn).toBe(kept[0]?.BackupArn);
  });
});
