import type { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EmulatorAdmin, type FaultRule } from '../emulator/client.js';
import { seedScenario } from '../scripts/scenario/seed.js';
import type { TableSeed } from '../scripts/scenario/tables.js';
import { retrySignal } from '../src/domain/messages.js';
import { windowOpenNow } from '../src/domain/window-times.js';
import { scanTable } from './support/data-checks.js';
import { drive } from './support/plan-driver.js';
import { startPlan } from './support/plans.js';
import { startTestWorker, testClient, uniqueTaskQueue, type RunningWorker } from './support/temporal.js';

/**
 * A retry after each failure class the plan parks for: the cause is injected in primary (an emulator
 * fault rule answering the AWS error of that class to the failback's ImportTable), the plan parks in
 * needs-attention naming the class, the cause is removed, `retry` is sent, and the retried plan
 * completes and verifies — the table in primary read back with the SDK has exactly the content the
 * recovery table had before the plan.
 */
const TABLES: TableSeed[] = [{ name: 'orders', shape: 'orders', items: 40, pitr: true }];

const CASES: Array<{ type: string; code: string; status: number }> = [
  { type: 'AccessDenied', code: 'AccessDeniedException', status: 400 },
  { type: 'KmsKeyProblem', code: 'KMSAccessDeniedException', status: 400 },
  { type: 'QuotaExceeded', code: 'ServiceQuotaExceededException', status: 400 },
  { type: 'NameConflict', code: 'ResourceInUseException', status: 400 },
  { type: 'NotFound', code: 'ResourceNotFoundException', status: 400 },
  { type: 'InvalidParameter', code: 'ValidationException', status: 400 },
];

let seq = 0;
function accounts() {
  const base = 460_000_000_000 + (Date.now() % 1_000_000) * 100 + ++seq * 2;
  return {
    primary: { accountId: String(base), region: 'eu-west-1' },
    recovery: { accountId: String(base + 1), region: 'eu-central-1' },
  };
}

describe('a retry after each failure class the plan parks for', { timeout: 900_000 }, () => {
  let client: Client;
  let connection: Connection;
  let worker: RunningWorker;
  const taskQueue = uniqueTaskQueue('retry');
  const admin = new EmulatorAdmin(inject('awsEndpoint'));

  beforeAll(async () => {
    ({ client, connection } = await testClient());
    worker = await startTestWorker(taskQueue);
  });
  afterAll(async () => {
    await worker?.stop();
    await connection?.close();
  });

  it.concurrent.each(CASES)('$type: parks, the cause is fixed, retry completes and verifies', async (c) => {
    const planId = `retry-${c.type.toLowerCase()}-${Date.now().toString(36)}`;
    const where = accounts();
    const scenario = await seedScenario({ planId, ...where, tables: TABLES, encryption: false });
    const expected = await scanTable(where.recovery, 'orders');
    const rule: FaultRule = {
      type: 'error',
      status: c.status,
      code: c.code,
      message: `injected ${c.type}`,
      service: 'dynamodb',
      operation: 'ImportTable',
      account: where.primary.accountId,
      // The test failback's import goes through: the failure hits the failback, after the quiesce and
      // the old table's retirement, where a retry must adopt what the first run made and still verify.
      after: 1,
    };
    const { id } = await admin.addFault(rule);
    const handle = await startPlan(client, taskQueue, {
      ...scenario.spec,
      maintenanceWindow: windowOpenNow(Date.now()),
    });
    const parked = await drive(handle, { timeoutMs: 300_000 });
    expect(parked.stage, JSON.stringify(parked.errors)).toBe('needs-attention');
    expect(parked.errors.map((e) => e.type)).toContain(c.type);

    await admin.removeFault(id);
    await handle.signal(retrySignal, { by: 'olga' });
    const done = await drive(handle, { timeoutMs: 400_000 });
    expect(done.stage, JSON.stringify(done.errors)).toBe('completed');
    for (const r of done.resources) expect(r.verification?.ok, r.key).toBe(true);
    const copied = await scanTable(where.primary, 'orders');
    expect({ count: copied.count, hash: copied.hash }).toEqual({
      count: expected.count,
      hash: expected.hash,
    });
  });
});
