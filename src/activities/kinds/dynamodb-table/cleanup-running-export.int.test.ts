import { DescribeExportCommand, ListExportsCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { EmulatorAdmin } from '../../../../emulator/client.js';
import { planExportPrefix, resourceKey } from '../../../domain/naming.js';
import type { PlanContext, StepInput } from '../../../domain/resources.js';
import { withAccessRole } from '../../../../test/support/access.js';
import { asAccount, TEST_EXTERNAL_ID } from '../../../../test/support/aws.js';
import { createSeededTable, runStep } from '../../../../test/support/dynamodb.js';
import { resourceSteps } from '../../resource-steps.js';

/**
 * What the abort matrix listed as `export-in-progress-left`: an abort while the recovery point's export to S3 is
 * still running. DynamoDB cannot cancel an export; it writes its files until it ends. A cleanup that
 * removes the plan's export prefix meanwhile finds nothing yet, and the files land afterwards: in a
 * customer's export bucket (which the plan never deletes) they stay, the plan's read grant already
 * revoked. The cleanup must wait for the run's running exports to end, then remove their files.
 */
const admin = () => new EmulatorAdmin(inject('awsEndpoint'));
const run = Date.now().toString(36);
const base = 372_000_000_000 + (Date.now() % 1_000_000) * 100;
const accounts = { primary: String(base), recovery: String(base + 1) };

describe('the test cleanup while the export is still running', () => {
  afterAll(async () => {
    await admin().clearAccountSettings(accounts.recovery);
  });

  it('waits for the export to end, then removes its files: nothing of the plan is left in the bucket', async () => {
    const planId = `ddb-rx-${run}`;
    const table = `orders-${planId}`;
    const bucket = `fb-shared-exports-${run}`;
    const recovery = asAccount(accounts.recovery, 'us-west-2');
    let plan: PlanContext = {
      planId,
      application: 'shop',
      primary: {
        accountId: accounts.primary,
        region: 'us-east-1',
        roleArn: `arn:aws:iam::${accounts.primary}:role/failback-access`,
        externalId: TEST_EXTERNAL_ID,
      },
      recovery: {
        accountId: accounts.recovery,
        region: 'us-west-2',
        roleArn: `arn:aws:iam::${accounts.recovery}:role/dr-recovery`,
      },
    };
    plan = await withAccessRole(plan);
    await createSeededTable(recovery, table, 20, { pitr: true });
    // The customer's export bucket (named within the recovery role's S3 scope): the plan never deletes it.
    await recovery.s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        CreateBucketConfiguration: { LocationConstraint: 'us-west-2' },
      }),
    );
    const input: StepInput = {
      plan,
      phase: 'test-failback',
      resource: {
        key: resourceKey({ kind: 'dynamodb-table', target: table }),
        kind: 'dynamodb-table',
        source: table,
        target: table,
        options: { copyMethod: 'export-import', exportBucket: bucket },
      },
    };

    // The export takes long: the abort arrives while it is IN_PROGRESS (the first poll's heartbeat).
    await admin().setAccountSettings(accounts.recovery, { durationsMs: { 'dynamodb.export': 4_000 } });
    const env = new MockActivityEnvironment();
    const polled = new Promise<void>((resolve) => env.on('heartbeat', () => resolve()));
    const exporting = env.run(resourceSteps.takeRecoveryPoint as never, input) as Promise<unknown>;
    const outcome = exporting.then(
      () => 'returned',
      (e: Error) => e.name,
    );
    await Promise.race([polled, outcome]);
    env.cancel();
    expect(await outcome).not.toBe('returned');
    const tableArn = `arn:aws:dynamodb:us-west-2:${accounts.recovery}:table/${table}`;
    const exports = (await recovery.dynamodb.send(new ListExportsCommand({ TableArn: tableArn })))
      .ExportSummaries;
    expect(exports?.map((e) => e.ExportStatus)).toEqual(['IN_PROGRESS']);

    const report = await runStep('removeTestCopy', input);

    // Once the export has ended, nothing it wrote is left under the plan's prefix.
    const exportArn = exports![0]!.ExportArn!;
    for (;;) {
      const d = await recovery.dynamodb.send(new DescribeExportCommand({ ExportArn: exportArn }));
      if (d.ExportDescription?.ExportStatus !== 'IN_PROGRESS') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const left = await recovery.s3.send(
      new ListObjectsV2Command({ Bucket: bucket, Prefix: `${planExportPrefix(planId)}/` }),
    );
    expect((left.Contents ?? []).map((o) => o.Key)).toEqual([]);
    // It removed the export's files itself, after the export had written them.
    expect(report.removed.join('\n')).toMatch(new RegExp(`s3://${bucket}/${planExportPrefix(planId)}/`));
  });
});
