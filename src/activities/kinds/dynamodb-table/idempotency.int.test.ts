import { withAccessRole } from '../../../../test/support/access.js';
import { ListExportsCommand, ListImportsCommand } from '@aws-sdk/client-dynamodb';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlanContext, StepInput } from '../../../domain/resources.js';
import { awsEnvironment } from '../../aws/clients.js';
import {
  asAccount,
  PRIMARY_ACCOUNT,
  RECOVERY_ACCOUNT,
  TEST_EXTERNAL_ID,
} from '../../../../test/support/aws.js';
import { crashOnceAfter } from '../../../../test/support/crash.js';
import {
  backupsOf,
  createSeededTable,
  runStep,
  tableFingerprint,
} from '../../../../test/support/dynamodb.js';
import { type resourceSteps } from '../../resource-steps.js';

type Steps = typeof resourceSteps;
const run = Date.now().toString(36);
const CREATES = [
  'CreateBackupCommand',
  'RestoreTableFromBackupCommand',
  'ExportTableToPointInTimeCommand',
  'ImportTableCommand',
  'CreateTableCommand',
  'DeleteTableCommand',
  'CreateBucketCommand',
  'CopyObjectCommand',
];

/** Runs a step as Temporal would after crashes: retried with the last heartbeat, then once more. */
async function crashRetryAndRepeat<K extends keyof Steps>(name: K, input: Parameters<Steps[K]>[0]) {
  let details: unknown;
  let attempts = 0;
  for (;;) {
    attempts++;
    try {
      const result = await runStep(
        name,
        input,
        details === undefined ? {} : { heartbeatDetails: details },
        (d) => (details = d),
      );
      const again = await runStep(name, input);
      return { result, again, attempts };
    } catch (error) {
      if (!/simulated worker crash/.test(String(error)) || attempts > 8) throw error;
    }
  }
}

const scenarios = [
  { method: 'restore', recoveryAccount: PRIMARY_ACCOUNT, options: undefined },
  { method: 'export-import', recoveryAccount: RECOVERY_ACCOUNT, options: undefined },
  { method: 'scan-copy', recoveryAccount: RECOVERY_ACCOUNT, options: { copyMethod: 'scan-copy' } },
] as const;

describe.each(scenarios)('dynamodb-table idempotency ($method)', ({ method, recoveryAccount, options }) => {
  const planId = `idem-${method.slice(0, 2)}-${run}`;
  const table = `idem-${method}-${run}`;
  let plan: PlanContext = {
    planId,
    application: 'shop',
    primary: {
      accountId: PRIMARY_ACCOUNT,
      region: 'us-east-2',
      roleArn: `arn:aws:iam::${PRIMARY_ACCOUNT}:role/failback-access`,
      externalId: TEST_EXTERNAL_ID,
    },
    recovery: {
      accountId: recoveryAccount,
      region: 'eu-west-2',
      roleArn: `arn:aws:iam::${recoveryAccount}:role/dr-recovery`,
    },
  };
  const recovery = asAccount(recoveryAccount, 'eu-west-2');
  const primary = asAccount(PRIMARY_ACCOUNT, 'us-east-2');
  let input: StepInput = {
    plan,
    phase: 'failback',
    resource: {
      key: `dynamodb-table:${table}`,
      kind: 'dynamodb-table',
      source: table,
      target: table,
      ...(options ? { options } : {}),
    },
  };

  beforeAll(async () => {
    plan = await withAccessRole(plan);
    input = { ...input, plan };
    await createSeededTable(recovery, table, 120, { pitr: true, gsi: true });
    await createSeededTable(primary, table, 7);
  });

  it('every create step, crashed after its AWS call, retried and repeated, leaves exactly one of each', async () => {
    const sessionName = `failback-${planId}`;
    const crash = crashOnceAfter(
      [awsEnvironment(plan.primary, { sessionName }), awsEnvironment(plan.recovery, { sessionName })],
      CREATES,
    );
    try {
      const take = await crashRetryAndRepeat('takeRecoveryPoint', input);
      expect(take.again.id).toBe(take.result.id);
      const recoveryPoint = take.result;
      const copy = await crashRetryAndRepeat('copyRecoveryPoint', { ...input, recoveryPoint });
      expect(copy.again.id).toBe(copy.result.id);
      const restore = await crashRetryAndRepeat('restoreIntoPrimary', {
        ...input,
        copy: copy.result,
        recoveryPoint,
      });
      expect(restore.again.restored.arn).toBe(restore.result.restored.arn);
      expect(restore.again.retirement?.backupArn).toBe(restore.result.retirement?.backupArn);
      const verification = await runStep('verifyRestore', {
        ...input,
        restore: restore.result,
        recoveryPoint,
      });
      expect(verification.ok).toBe(true);
      expect(await tableFingerprint(primary, table)).toEqual(await tableFingerprint(recovery, table));

      const keptRetired = (await backupsOf(primary, table)).filter((b) =>
        b.BackupName?.includes('-fb-keep-retired-'),
      );
      expect(keptRetired).toHaveLength(1);
      if (method === 'restore') {
        expect(
          (await backupsOf(recovery, table)).filter((b) => b.BackupName?.includes('-fb-rp-')),
        ).toHaveLength(1);
      }
      if (method === 'export-import') {
        const sourceArn = `arn:aws:dynamodb:eu-west-2:${recoveryAccount}:table/${table}`;
        expect(
          (await recovery.dynamodb.send(new ListExportsCommand({ TableArn: sourceArn }))).ExportSummaries,
        ).toHaveLength(1);
        const imports = await primary.dynamodb.send(
          new ListImportsCommand({ TableArn: restore.result.restored.arn }),
        );
        expect(imports.ImportSummaryList).toHaveLength(1);
        // One export bucket in recovery; the import reads it in place (no bucket in primary).
        for (const [env, count] of [
          [recovery, 1],
          [primary, 0],
        ] as const) {
          const buckets = (await env.s3.send(new ListBucketsCommand({}))).Buckets ?? [];
          expect(buckets.filter((b) => b.Name?.startsWith(`fb-${planId}-`))).toHaveLength(count);
        }
      }

      const conclude = await crashRetryAndRepeat('concludeRecovery', {
        ...input,
        phase: 'conclude-recovery',
      });
      expect(conclude.again.finalBackup.arn).toBe(conclude.result.finalBackup.arn);
      expect(
        (await backupsOf(recovery, table)).filter((b) => b.BackupName?.includes('-cr-keep-final-')),
      ).toHaveLength(1);

      if (method === 'restore') {
        const compensation = { ...input, retirement: restore.result.retirement!, trafficServed: true };
        await crashRetryAndRepeat('compensateResource', compensation);
        expect(
          (await backupsOf(primary, table)).filter((b) => b.BackupName?.includes('-fb-keep-comp-')),
        ).toHaveLength(1);
        expect((await tableFingerprint(primary, table)).count).toBe(7);
      }
      expect(crash.crashed.length).toBeGreaterThanOrEqual(method === 'scan-copy' ? 3 : 4);
    } finally {
      crash.remove();
    }
  });
});
