import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ListTagsOfResourceCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { EmulatorAdmin } from '../../../../emulator/client.js';
import type { PlanContext, StepInput } from '../../../domain/resources.js';
import { resourceKey } from '../../../domain/naming.js';
import { withAccessRole } from '../../../../test/support/access.js';
import { asAccount, TEST_EXTERNAL_ID } from '../../../../test/support/aws.js';
import { createSeededTable, runStep, tableFingerprint } from '../../../../test/support/dynamodb.js';
import { resourceSteps } from '../../resource-steps.js';

/**
 * Items 3 and 11 of issue 14. The restore (or import) of the plan's copy is still running when the plan
 * is aborted: the activity that started it is cancelled and never returns, so the workflow has neither
 * the restored table nor the retirement record (the old table's backup and settings). The copy is
 * CREATING and untagged. Compensation must still find it (by what made it), remove it once it can, and
 * put the replaced table back under its name with exactly its content and settings (tags, PITR, TTL).
 */
const admin = () => new EmulatorAdmin(inject('awsEndpoint'));

const run = Date.now().toString(36);
let seq = 0;
function accountsFor(method: string) {
  const base = 370_000_000_000 + (Date.now() % 1_000_000) * 100 + ++seq * 2;
  const primary = String(base);
  return { primary, recovery: method === 'restore' ? primary : String(base + 1) };
}

const SCENARIOS = [
  { title: 'backup restore (same account)', method: 'restore' },
  { title: 'export and import (cross-account)', method: 'export-import' },
];

const tagsOf = async (env: ReturnType<typeof asAccount>, table: string) => {
  const arn = (await env.dynamodb.send(new DescribeTableCommand({ TableName: table }))).Table?.TableArn;
  const tags = (await env.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags ?? [];
  return tags.sort((a, b) => (a.Key ?? '').localeCompare(b.Key ?? ''));
};

const settingsOf = async (env: ReturnType<typeof asAccount>, table: string) => {
  const [pitr, ttl] = await Promise.all([
    env.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: table })),
    env.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: table })),
  ]);
  return {
    pitr: pitr.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus,
    ttl:
      ttl.TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED'
        ? ttl.TimeToLiveDescription.AttributeName
        : undefined,
    tags: await tagsOf(env, table),
  };
};

describe.each(SCENARIOS)('an abort while the copy is still being made ($title)', (s) => {
  const accounts = accountsFor(s.method);
  afterAll(async () => {
    await admin().clearAccountSettings(accounts.primary);
  });

  it('compensation finds the copy in flight, removes it, and puts the original back with its settings', async () => {
    const planId = `ddb-if-${s.method === 'restore' ? 'r' : 'x'}-${run}`;
    const table = `orders-${planId}`;
    const primary = asAccount(accounts.primary, 'us-east-1');
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
    await createSeededTable(recovery, table, 200, { pitr: true });
    // The old primary table: its own content, tags, PITR and TTL, all of which must come back.
    await createSeededTable(primary, table, 25, {
      pitr: true,
      extra: {
        Tags: [
          { Key: 'owner', Value: 'primary-team' },
          { Key: 'cost-centre', Value: '42' },
        ],
      },
    });
    await primary.dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: table,
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    );
    const before = { content: await tableFingerprint(primary, table), ...(await settingsOf(primary, table)) };

    const input: StepInput = {
      plan,
      phase: 'failback',
      resource: {
        key: resourceKey({ kind: 'dynamodb-table', target: table }),
        kind: 'dynamodb-table',
        source: table,
        target: table,
        options: { copyMethod: s.method },
      },
    };
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });

    // The copy into primary takes long: the abort arrives while it is CREATING.
    await admin().setAccountSettings(accounts.primary, {
      durationsMs: { 'dynamodb.restore': 8_000, 'dynamodb.import': 8_000 },
    });
    const env = new MockActivityEnvironment();
    const creating = new Promise<void>((resolve) =>
      env.on('heartbeat', () => {
        void primary.dynamodb
          .send(new DescribeTableCommand({ TableName: table }))
          .then((d) => d.Table?.TableStatus === 'CREATING' && resolve())
          .catch(() => undefined);
      }),
    );
    const restoring = env.run(resourceSteps.restoreIntoPrimary as never, {
      ...input,
      copy,
      recoveryPoint,
    }) as Promise<unknown>;
    const outcome = restoring.then(
      () => 'returned',
      (e: Error) => e.name,
    );
    await Promise.race([creating, outcome]);
    env.cancel();
    expect(await outcome).not.toBe('returned');
    const inFlight = (await primary.dynamodb.send(new DescribeTableCommand({ TableName: table }))).Table;
    expect(inFlight?.TableStatus).toBe('CREATING');
    expect(await tagsOf(primary, table)).toEqual([]);

    // Compensation waits for the copy it finds by what made it, removes it, restores the original.
    await runStep('compensateResource', { ...input, trafficServed: false });
    const after = (await primary.dynamodb.send(new DescribeTableCommand({ TableName: table }))).Table;
    expect(after?.TableStatus).toBe('ACTIVE');
    expect({
      content: await tableFingerprint(primary, table),
      ...(await settingsOf(primary, table)),
    }).toEqual(before);
  });
});
