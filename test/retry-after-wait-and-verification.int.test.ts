import { DeleteItemCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { EC2Client, StopInstancesCommand } from '@aws-sdk/client-ec2';
import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EmulatorAdmin } from '../emulator/client.js';
import { seedingClientConfig } from '../scripts/scenario/accounts.js';
import { inventory } from '../scripts/scenario/inventory.js';
import { seedScenario, type ScenarioOptions } from '../scripts/scenario/seed.js';
import { retrySignal } from '../src/domain/messages.js';
import type { PlanStatus } from '../src/domain/status.js';
import { windowOpenNow } from '../src/domain/window-times.js';
import { scanTable } from './support/data-checks.js';
import { drive } from './support/plan-driver.js';
import { startPlan } from './support/plans.js';
import { keyOf, planInstance, strayItem, waitState } from './support/stray-changes.js';
import { startTestWorker, testClient, uniqueTaskQueue, type RunningWorker } from './support/temporal.js';

/**
 * Issue 14, the two failure classes test/retry-after-failure.int.test.ts does not reach. WaitFailed: a
 * long AWS wait ends in a state it never leaves (an emulator `outcome` rule): an RDS restore
 * `incompatible-restore`, an Aurora member `failed` (both park), an AMI copy `failed` (the step removes
 * it and Temporal retries it: no park). VerificationFailed: the copy does not check out (a stray
 * writer's item in a DynamoDB copy, an EC2 copy someone stopped). Each plan is driven for real; after a
 * park the cause is fixed as an operator would, `retry` is sent, and the plan must complete and verify,
 * with primary holding what a clean run leaves: no failed or duplicate copy beside the restored one.
 */
let seq = 0;
function accounts() {
  const base = 470_000_000_000 + (Date.now() % 1_000_000) * 100 + ++seq * 2;
  return {
    primary: { accountId: String(base), region: 'eu-west-1' },
    recovery: { accountId: String(base + 1), region: 'eu-central-1' },
  };
}

const NOTHING: Partial<ScenarioOptions> = {
  ec2Instances: 0,
  rdsInstances: 0,
  auroraClusters: 0,
  tables: [],
  encryption: false,
};

describe('a retry after a failed wait or a failed verification', { timeout: 600_000 }, () => {
  let client: Client;
  let connection: Connection;
  let worker: RunningWorker;
  const taskQueue = uniqueTaskQueue('retry-wait');
  const admin = new EmulatorAdmin(inject('awsEndpoint'));

  beforeAll(async () => {
    ({ client, connection } = await testClient());
    worker = await startTestWorker(taskQueue);
  });
  afterAll(async () => {
    await worker?.stop();
    await connection?.close();
  });

  const injected = async (id: string) => (await admin.faults()).rules.find((r) => r.id === id)?.injected ?? 0;

  async function retryToCompletion(handle: WorkflowHandle, parked: PlanStatus): Promise<PlanStatus> {
    // The operator's way: the message the plan parks with tells them to retry once the cause is gone.
    expect(parked.errors.at(-1)?.action ?? '', JSON.stringify(parked.errors)).toMatch(/retry/i);
    await handle.signal(retrySignal, { by: 'olga' });
    const done = await drive(handle, { timeoutMs: 180_000 });
    expect(done.stage, JSON.stringify(done.errors)).toBe('completed');
    for (const r of done.resources) expect(r.verification?.ok, r.key).toBe(true);
    return done;
  }

  it.concurrent.each([
    {
      kind: 'rds-instance',
      seed: { rdsInstances: 1 },
      // The test failback's restore is accepted and ends in a state RDS never leaves.
      operation: 'RestoreDBInstanceFromDBSnapshot',
      state: 'incompatible-restore',
    },
    {
      kind: 'aurora-cluster',
      seed: { auroraClusters: 1, auroraReaders: 1 },
      // The test copy's writer instance ends failed.
      operation: 'CreateDBInstance',
      state: 'failed',
    },
  ])('$kind: an instance that ends $state, the retry makes it anew', async (c) => {
    const planId = `retry-wait-${c.kind.split('-')[0]}-${Date.now().toString(36)}`;
    const where = accounts();
    const scenario = await seedScenario({ planId, ...where, ...NOTHING, ...c.seed });
    const fault = await admin.addFault({
      type: 'outcome',
      state: c.state,
      message: 'RDS gave up on it (injected)',
      service: 'rds',
      operation: c.operation,
      account: where.primary.accountId,
      count: 1,
    });
    const handle = await startPlan(client, taskQueue, {
      ...scenario.spec,
      maintenanceWindow: windowOpenNow(Date.now()),
    });
    const parked = await drive(handle, { timeoutMs: 240_000 });
    expect(parked.stage, JSON.stringify(parked.errors)).toBe('needs-attention');
    expect(await injected(fault.id)).toBe(1);
    expect(parked.errors.map((e) => e.type)).toContain('WaitFailed');
    expect(JSON.stringify(parked.errors)).toContain(c.state);

    await retryToCompletion(handle, parked);
    const primary = await inventory(where.primary.accountId, where.primary.region);
    const target = scenario.spec.resources?.find((r) => r.kind === c.kind)?.target ?? '';
    // The restored production database and the retired old one, each with as many instances as a
    // clean run leaves: no failed member, no test copy.
    const dbs = primary.dbInstances.map((d) => `${d.id}:${d.status}`).sort();
    const expected = c.kind === 'rds-instance' ? 2 : 4;
    expect(dbs, JSON.stringify(dbs)).toHaveLength(expected);
    expect(
      dbs.filter((d) => !d.endsWith(':available')),
      JSON.stringify(dbs),
    ).toEqual([]);
    expect(
      dbs.filter((d) => !d.includes('-pre-failback-')),
      JSON.stringify(dbs),
    ).toHaveLength(expected / 2);
    if (c.kind === 'rds-instance') expect(dbs).toContain(`${target}:available`);
    else {
      const clusters = primary.clusters.map((k) => `${k.id}:${k.members.length}`).sort();
      expect(clusters).toHaveLength(2);
      expect(clusters).toContain(`${target}:2`);
    }
  });

  it.concurrent('an AMI copy that ends failed: removed, copied again under a new token', async () => {
    const planId = `retry-wait-ec2-${Date.now().toString(36)}`;
    const where = accounts();
    const scenario = await seedScenario({ planId, ...where, ...NOTHING, ec2Instances: 1 });
    const fault = await admin.addFault({
      type: 'outcome',
      state: 'failed',
      message: 'Copy failed: internal error (injected)',
      service: 'ec2',
      operation: 'CopyImage',
      account: where.primary.accountId,
      count: 1,
    });
    const handle = await startPlan(client, taskQueue, {
      ...scenario.spec,
      maintenanceWindow: windowOpenNow(Date.now()),
    });
    // EC2 reports nothing about why a copy failed that a person could act on (unless it is the key):
    // the step removes the failed AMI and Temporal retries it, the plan does not park.
    const done = await drive(handle, { timeoutMs: 120_000 });
    expect(await injected(fault.id)).toBe(1);
    expect(done.stage, JSON.stringify(done.errors)).toBe('completed');
    for (const r of done.resources) expect(r.verification?.ok, r.key).toBe(true);
    const primary = await inventory(where.primary.accountId, where.primary.region);
    const bad = [
      ...primary.images.filter((i) => i.state !== 'available').map((i) => `${i.id}:${i.state}`),
      ...primary.snapshots.filter((x) => x.state === 'error').map((x) => `${x.id}:${x.state}`),
    ];
    expect(bad).toEqual([]);
    const names = primary.images.map((i) => i.name);
    expect(new Set(names).size, JSON.stringify(names)).toBe(names.length);
  });

  it.concurrent('an EC2 copy stopped before its verification: the retry starts it, verifies', async () => {
    const planId = `retry-verify-ec2-${Date.now().toString(36)}`;
    const where = accounts();
    const scenario = await seedScenario({ planId, ...where, ...NOTHING, ec2Instances: 1 });
    const ec2 = new EC2Client(seedingClientConfig(where.primary.accountId, where.primary.region));
    const launch = await admin.addHold({
      action: 'hold-after',
      service: 'ec2',
      operation: 'RunInstances',
      account: where.primary.accountId,
      caller: 'product',
      timeoutMs: 120_000,
    });
    const handle = await startPlan(client, taskQueue, {
      ...scenario.spec,
      maintenanceWindow: windowOpenNow(Date.now()),
    });
    const driving = drive(handle, { timeoutMs: 300_000 });
    let parked: PlanStatus;
    try {
      // The test copy is launched; once it runs, the launch reads it back (1st describe of it), the
      // restore's wait sees it running (2nd), and the verification's describe (3rd) waits while
      // someone stops the instance.
      await admin.waitForHold(launch.id, (r) => r.state === 'holding', { timeoutMs: 240_000 });
      const instanceId = await planInstance(ec2, planId);
      await waitState(ec2, instanceId, 'running');
      const verify = await admin.addHold({
        action: 'hold-before',
        service: 'ec2',
        operation: 'DescribeInstances',
        account: where.primary.accountId,
        caller: 'product',
        match: instanceId,
        nth: 3,
        timeoutMs: 120_000,
      });
      await admin.releaseHold(launch.id);
      await admin.waitForHold(verify.id, (r) => r.state === 'holding', { timeoutMs: 120_000 });
      await ec2.send(new StopInstancesCommand({ InstanceIds: [instanceId] }));
      await waitState(ec2, instanceId, 'stopped');
      await admin.releaseHold(verify.id);
      parked = await driving;
    } finally {
      ec2.destroy();
    }
    expect(parked.stage, JSON.stringify(parked.errors)).toBe('needs-attention');
    expect(parked.errors.map((e) => e.type)).toContain('VerificationFailed');
    expect(JSON.stringify(parked.errors)).toContain('instance-running');
    // The operator inspects it (stopped, nothing else wrong) and retries.
    await retryToCompletion(handle, parked);
    const primary = await inventory(where.primary.accountId, where.primary.region);
    const live = primary.instances.filter((i) => i.state !== 'terminated');
    // The restored instance and the retired old one; the test copy is gone, none was launched twice.
    expect(live.map((i) => i.state).sort(), JSON.stringify(live)).toEqual(['running', 'stopped']);
  });

  it.concurrent('a DynamoDB copy that does not verify: fixed, the retry verifies it again', async () => {
    const planId = `retry-verify-ddb-${Date.now().toString(36)}`;
    const where = accounts();
    const scenario = await seedScenario({
      planId,
      ...where,
      ...NOTHING,
      tables: [{ name: 'orders', shape: 'orders', items: 30, pitr: true }],
    });
    const expected = await scanTable(where.recovery, 'orders');
    // The test copy's verification reads it back by a parallel scan (4 segments for a small table):
    // the first page of every segment waits while a stray writer puts one item into the copy.
    const copyName = `orders-fbtest-${planId}`;
    const holds = await Promise.all(
      [0, 1, 2, 3].map((segment) =>
        admin.addHold({
          action: 'hold-before',
          service: 'dynamodb',
          operation: 'Scan',
          account: where.primary.accountId,
          caller: 'product',
          match: `"Segment": ${segment}, "TableName": "${copyName}"`,
          timeoutMs: 120_000,
        }),
      ),
    );
    const handle = await startPlan(client, taskQueue, {
      ...scenario.spec,
      maintenanceWindow: windowOpenNow(Date.now()),
    });
    // The plan's people approve its gates meanwhile; it stops moving once it parks.
    const driving = drive(handle, { timeoutMs: 300_000 });
    for (const h of holds)
      await admin.waitForHold(h.id, (r) => r.state === 'holding', { timeoutMs: 240_000 });
    const dynamodb = new DynamoDBClient(seedingClientConfig(where.primary.accountId, where.primary.region));
    let parked: PlanStatus;
    try {
      const stray = await strayItem(dynamodb, copyName);
      await dynamodb.send(new PutItemCommand({ TableName: copyName, Item: stray }));
      for (const h of holds) await admin.releaseHold(h.id);
      parked = await driving;
      expect(parked.stage, JSON.stringify(parked.errors)).toBe('needs-attention');
      expect(parked.errors.map((e) => e.type)).toContain('VerificationFailed');

      // The operator inspects both, removes what the stray writer put, and retries.
      const key = await keyOf(dynamodb, copyName, stray);
      await dynamodb.send(new DeleteItemCommand({ TableName: copyName, Key: key }));
    } finally {
      dynamodb.destroy();
    }
    await retryToCompletion(handle, parked);
    const copied = await scanTable(where.primary, 'orders');
    expect({ count: copied.count, hash: copied.hash }).toEqual({
      count: expected.count,
      hash: expected.hash,
    });
    const primary = await inventory(where.primary.accountId, where.primary.region);
    // The restored table only: the test copy is gone, no second copy was made.
    expect(primary.tables.map((t) => t.name)).toEqual(['orders']);
  });
});
