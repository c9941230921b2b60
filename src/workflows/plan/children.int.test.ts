import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gate } from '../../domain/contract.js';
import {
  abortSignal,
  approveSignal,
  dnsCutoverCompleteSignal,
  dnsRollbackCompleteSignal,
  retrySignal,
} from '../../domain/messages.js';
import type { PlanSpec } from '../../domain/plan-spec.js';
import type { PlanStatus } from '../../domain/status.js';
import { windowOpenNow } from '../../domain/window-times.js';
import { workflowInterceptorModules, workflowsPath } from '../../worker.js';
import { ActivityControl } from '../../../test/support/activity-control.js';
import { fakeActivities } from '../../../test/support/fake-activities.js';
import { startPlan, waitForGate, waitForStage, waitForStatus } from '../../../test/support/plans.js';
import { recordPlanHistories } from '../../../test/support/record-history.js';
import { validSpec } from '../../../test/support/specs.js';
import {
  startWorkerWith,
  testClient,
  uniqueTaskQueue,
  type RunningWorker,
} from '../../../test/support/temporal.js';

// Issue 14, item 8: a child workflow that fails or is terminated parks the plan in needs-attention
// (retry runs the phase again for what did not finish; abort compensates); it never fails the plan.
// Children are terminated with the Temporal client, as an operator would in the Web UI; failures are
// injected by a test interceptor bundled with the product's workflows (fail-children.ts).
const interceptor = fileURLToPath(
  new URL('../../../test/support/workflow-interceptors/fail-children.ts', import.meta.url),
);

describe('failed and terminated children', { timeout: 240_000 }, () => {
  let client: Client;
  let connection: Connection;
  let worker: RunningWorker;
  const control = new ActivityControl();
  const taskQueue = uniqueTaskQueue('children');
  let n = 0;

  beforeAll(async () => {
    ({ client, connection } = await testClient());
    const bundle = await bundleWorkflowCode({
      workflowsPath: workflowsPath(),
      workflowInterceptorModules: [...workflowInterceptorModules(), path.resolve(interceptor)],
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
    worker = await startWorkerWith(taskQueue, control.wrap(fakeActivities().activities), {
      workflowBundle: { code: bundle.code },
    });
  }, 180_000);
  afterAll(async () => {
    control.releaseAll();
    await worker?.stop();
    await connection?.close();
  });

  const spec = (marker = ''): PlanSpec => ({
    ...validSpec(),
    planId: `${marker}child-${Date.now().toString(36)}-${++n}`,
    maintenanceWindow: windowOpenNow(Date.now(), 3),
    options: { testFailback: false },
  });

  async function approve(handle: WorkflowHandle, ...gates: Gate[]) {
    for (const gate of gates) {
      await waitForGate(handle, gate);
      await handle.signal(approveSignal, { gate, by: 'ana' });
    }
  }

  async function finish(handle: WorkflowHandle): Promise<PlanStatus> {
    await waitForStatus(handle, (s) => s.waitingFor?.kind === 'dns-cutover', 'dns cutover', 120_000);
    await handle.signal(dnsCutoverCompleteSignal, { by: 'ana' });
    await approve(handle, 'primary-validated');
    return waitForStage(handle, 'completed', 120_000);
  }

  const parked = (handle: WorkflowHandle) =>
    waitForStatus(handle, (s) => s.stage === 'needs-attention', 'needs-attention', 120_000);

  it('terminated failback phase: parks, and retry runs the phase again to completion', async () => {
    const s0 = spec();
    const held = control.hold(s0.planId, 'restoreAndVerify', ' failback');
    const handle = await startPlan(client, taskQueue, s0);
    await approve(handle, 'primary-ready', 'failback');
    await held;
    const phaseId = `failback-${s0.planId}-failback`;
    await client.workflow.getHandle(phaseId).terminate('operator terminated it in the Web UI');
    const s = await parked(handle);
    expect(s.interruptedStage).toBe('failback');
    expect(s.errors.at(-1)).toMatchObject({
      type: 'ChildWorkflowFailed',
      message: expect.stringContaining(`workflow ${phaseId} was terminated`),
      action: expect.stringMatching(/retry/),
    });
    expect(s.resources.every((r) => r.state === 'failed')).toBe(true);
    await handle.signal(retrySignal, { by: 'olga' });
    const final = await finish(handle);
    expect(final.resources.every((r) => r.state === 'succeeded')).toBe(true);
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    await recordPlanHistories(client, handle.workflowId, 'canned-terminated-phase-retry');
  });

  it('terminated resource workflow: only that resource parks, and abort compensates', async () => {
    const s0 = spec();
    const held = control.hold(s0.planId, 'restoreAndVerify', 'dynamodb-table:orders failback');
    const handle = await startPlan(client, taskQueue, s0);
    await approve(handle, 'primary-ready', 'failback');
    await held;
    const childId = `failback-${s0.planId}-failback-dynamodb-table-orders`;
    await client.workflow.getHandle(childId).terminate('stuck, terminated by an operator');
    const s = await parked(handle);
    expect(s.resources.find((r) => r.key === 'dynamodb-table:orders')).toMatchObject({
      state: 'failed',
      lastError: { type: 'ChildWorkflowFailed', message: expect.stringContaining('was terminated') },
    });
    expect(s.resources.find((r) => r.key === 'rds-instance:shop-db')?.state).toBe('succeeded');
    await handle.signal(abortSignal, { by: 'olga', reason: 'give up' });
    const final = await waitForStage(handle, 'aborted');
    expect(final.resources.every((r) => r.state === 'compensated')).toBe(true);
    expect(control.of(s0.planId, 'compensateResource').filter((e) => e.event === 'end')).toHaveLength(2);
  });

  for (const [marker, what, failedId] of [
    ['fail-phase-', 'the failback phase', (p: string) => `failback-${p}-failback`],
    ['fail-resource-', 'a resource workflow', (p: string) => `failback-${p}-failback-rds-instance-shop-db`],
  ] as const) {
    it(`failed ${what}: parks, and retry completes the plan`, async () => {
      const s0 = spec(marker);
      const handle = await startPlan(client, taskQueue, s0);
      await approve(handle, 'primary-ready', 'failback');
      const s = await parked(handle);
      const failure = s.errors.find((e) => e.type === 'ChildWorkflowFailed');
      expect(failure?.message ?? s.resources.find((r) => r.lastError)?.lastError?.message).toContain(
        `workflow ${failedId(s0.planId)} failed: injected failure`,
      );
      await handle.signal(retrySignal, { by: 'olga' });
      const final = await finish(handle);
      expect(final.outcome?.result).toBe('completed');
    });
  }

  it('failed compensation: parks in aborting, and retry compensates to the end', async () => {
    const s0 = spec('fail-compensation-');
    const handle = await startPlan(client, taskQueue, s0);
    await approve(handle, 'primary-ready', 'failback');
    await waitForStatus(handle, (s) => s.waitingFor?.kind === 'dns-cutover', 'dns cutover', 120_000);
    await handle.signal(abortSignal, { by: 'olga', reason: 'abort before the cutover' });
    await waitForStatus(handle, (x) => x.waitingFor?.kind === 'dns-rollback', 'dns rollback');
    await handle.signal(dnsRollbackCompleteSignal, { by: 'olga', details: 'never flipped' });
    const s = await parked(handle);
    expect(s.interruptedStage).toBe('aborting');
    expect(s.errors.at(-1)?.message).toContain(`workflow failback-${s0.planId}-compensation failed`);
    await handle.signal(retrySignal, { by: 'olga' });
    const final = await waitForStage(handle, 'aborted');
    expect(final.resources.every((r) => r.state === 'compensated')).toBe(true);
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });
});
