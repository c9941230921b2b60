import { WorkflowUpdateFailedError, type Client, type Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stage } from '../../domain/contract.js';
import {
  abortSignal,
  approveSignal,
  approveUpdate,
  dnsCutoverCompleteSignal,
  rejectSignal,
  retrySignal,
  retryUpdate,
} from '../../domain/messages.js';
import type { PlanSpec } from '../../domain/plan-spec.js';
import { fakeActivities } from '../../../test/support/fake-activities.js';
import { startPlan, status, waitForGate, waitForStage, waitForStatus } from '../../../test/support/plans.js';
import { validSpec } from '../../../test/support/specs.js';
import { recordPlanHistories } from '../../../test/support/record-history.js';
import {
  startWorkerWith,
  testClient,
  uniqueTaskQueue,
  type RunningWorker,
} from '../../../test/support/temporal.js';
import { HOUR_MS, MINUTE_MS, windowFrom, windowOpenNow } from '../../domain/window-times.js';

// The plan's branching on the real dev server with canned activities: gates, misfit messages, the
// needs-attention loop, and which compensation runs for an abort at each stage. AWS behaviour is
// covered with the real activities in failback-plan.int.test.ts.
describe('failbackPlan branching (canned activities)', () => {
  let client: Client;
  let connection: Connection;
  let worker: RunningWorker;
  const taskQueue = uniqueTaskQueue('branching');
  const fakes = fakeActivities({ failOnce: new Set(['copyRecoveryPoint:dynamodb-table:orders-na']) });
  let n = 0;

  beforeAll(async () => {
    ({ client, connection } = await testClient());
    worker = await startWorkerWith(taskQueue, fakes.activities);
  });
  afterAll(async () => {
    await worker?.stop();
    await connection?.close();
  });

  const spec = (over: Partial<PlanSpec> = {}): PlanSpec => ({
    ...validSpec(),
    planId: `branch-${Date.now().toString(36)}-${++n}`,
    maintenanceWindow: windowOpenNow(Date.now()),
    ...over,
  });

  it('ignores and audits a wrong-gate approval and a malformed signal, then goes on', async () => {
    const handle = await startPlan(client, taskQueue, spec());
    await waitForGate(handle, 'primary-ready');
    await handle.signal(approveSignal, { gate: 'primary-validated', by: 'mallory' });
    await handle.signal(approveSignal, null as never);
    await handle.signal(dnsCutoverCompleteSignal, { by: 'eve' });
    const s = await waitForStatus(
      handle,
      (x) => x.audit.filter((a) => a.outcome === 'ignored').length === 3,
      'three ignored',
    );
    expect(s.stage).toBe('awaiting-primary-ready');
    expect(s.audit.filter((a) => a.outcome === 'ignored')).toEqual([
      expect.objectContaining({
        by: 'mallory',
        action: 'approve',
        gate: 'primary-validated',
        reason: expect.stringMatching(/not waiting for gate primary-validated/),
      }),
      expect.objectContaining({ by: 'unknown', action: 'approve', reason: expect.stringMatching(/by/) }),
      expect.objectContaining({
        by: 'eve',
        action: 'dnsCutoverComplete',
        reason: expect.stringMatching(/not waiting for the DNS cutover/),
      }),
    ]);
    // The Update form refuses the same misfit atomically, recording nothing.
    await expect(
      handle.executeUpdate(approveUpdate, { args: [{ gate: 'failback', by: 'mallory' }] }),
    ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    const ack = await handle.executeUpdate(approveUpdate, { args: [{ gate: 'primary-ready', by: 'ana' }] });
    expect(ack).toMatchObject({ accepted: true });
    const after = await waitForStage(handle, 'test-failback').catch(() => status(handle));
    expect(after.audit.filter((a) => a.by === 'mallory')).toHaveLength(1);
    await handle.signal(abortSignal, { by: 'ana', reason: 'test over' });
    await waitForStage(handle, 'aborted');
  });

  it('parks a failed resource in needs-attention and retries only that resource', async () => {
    const s0 = spec();
    s0.resources = [
      { kind: 'rds-instance', source: 'shop-db', target: 'shop-db' },
      { kind: 'dynamodb-table', source: 'orders', target: 'orders-na' },
    ];
    const handle = await startPlan(client, taskQueue, s0);
    await waitForGate(handle, 'primary-ready');
    await handle.signal(approveSignal, { gate: 'primary-ready', by: 'ana' });
    const parked = await waitForStage(handle, 'needs-attention');
    expect(parked.interruptedStage).toBe('test-failback');
    expect(parked.waitingFor).toMatchObject({ kind: 'operator' });
    expect(parked.errors.at(-1)).toMatchObject({
      type: 'AccessDenied',
      resource: 'dynamodb-table:orders-na',
      action: expect.stringMatching(/Grant/),
    });
    expect(parked.resources.find((r) => r.key === 'rds-instance:shop-db')).toMatchObject({
      state: 'succeeded',
    });
    const visible = await waitForVisibility(
      client,
      `FailbackPlanId="${parked.planId}" AND FailbackStage="needs-attention"`,
    );
    expect(visible).toBe(1);
    await expect(handle.executeUpdate(retryUpdate, { args: [{ by: '' }] })).rejects.toBeInstanceOf(
      WorkflowUpdateFailedError,
    );
    const before = fakes.calls.filter((c) => c === 'takeRecoveryPoint:rds-instance:shop-db').length;
    await handle.signal(retrySignal, { by: 'ana' });
    await waitForGate(handle, 'test-failback');
    expect(fakes.calls.filter((c) => c === 'takeRecoveryPoint:rds-instance:shop-db').length).toBe(before);
    await handle.signal(abortSignal, { by: 'ana', reason: 'done' });
    await waitForStage(handle, 'aborted');
    await recordPlanHistories(client, handle.workflowId, 'canned-needs-attention-retry-abort');
  });

  const stagesOf = (s: { timeline: Array<{ stage: Stage }> }) => s.timeline.map((t) => t.stage);

  it('runs the whole plan in route53 mode: stages in order, every decision audited', async () => {
    const s0 = spec({
      dnsCutover: {
        mode: 'route53',
        hostedZoneId: 'Z123',
        records: [{ name: 'shop.example.com', type: 'A', value: '10.0.0.1', ttl: 60 }],
      },
      options: { recoveryPointSchedule: 'recovery-points' },
    });
    const handle = await startPlan(client, taskQueue, s0);
    for (const gate of ['primary-ready', 'test-failback', 'failback', 'primary-validated'] as const) {
      await waitForGate(handle, gate);
      await handle.signal(approveSignal, { gate, by: 'ana', comment: `ok ${gate}` });
    }
    const final = await waitForStage(handle, 'completed');
    expect(stagesOf(final)).toEqual([
      'preflight',
      'awaiting-primary-ready',
      'access-stack',
      'test-failback',
      'awaiting-test-validation',
      'awaiting-window',
      'failback',
      'awaiting-dns-cutover',
      'awaiting-primary-validation',
      'conclude-recovery',
      'cleanup',
      'completed',
    ]);
    expect(final.audit.map((a) => `${a.action}:${a.gate ?? ''}:${a.outcome}`)).toEqual([
      'start::accepted',
      'approve:primary-ready:accepted',
      'approve:test-failback:accepted',
      'approve:failback:accepted',
      'approve:primary-validated:accepted',
    ]);
    expect(final.dns.previousRecords).toHaveLength(1);
    expect(final.accessStack?.state).toBe('deleted');
    expect(final.measurements).toMatchObject({
      failbackStartedAt: expect.any(String),
      quiescedAt: expect.any(String),
      dnsCutoverAt: expect.any(String),
      primaryValidatedAt: expect.any(String),
      completedAt: expect.any(String),
    });
    expect(final.resources.every((r) => r.state === 'succeeded' && r.phase === 'cleanup')).toBe(true);
    const calls = fakes.calls.filter(
      (c) => !c.includes(':') || c.endsWith(':dynamodb-table:orders') || !c.includes('table'),
    );
    expect(calls).toEqual(
      expect.arrayContaining(['cutoverDns', 'deleteAccessStack', 'resumeRecoveryPointSchedule']),
    );
    expect(await handle.result()).toMatchObject({ stage: 'completed' });
    await recordPlanHistories(client, handle.workflowId, 'canned-route53-complete');
  });

  // Abort (or reject) at each stage: the right compensation, recovery never touched.
  const cases: Array<{ at: Stage; via: 'abort' | 'reject'; expectPhases: string[]; dnsRestored?: boolean }> =
    [
      { at: 'awaiting-primary-ready', via: 'reject', expectPhases: [] },
      { at: 'awaiting-test-validation', via: 'reject', expectPhases: ['test-failback'] },
      { at: 'awaiting-window', via: 'abort', expectPhases: [] },
      { at: 'awaiting-primary-validation', via: 'abort', expectPhases: ['failback'], dnsRestored: true },
    ];
  for (const c of cases) {
    it(`compensates an ${c.via} in ${c.at}`, async () => {
      const s0 = spec({
        dnsCutover: {
          mode: 'route53',
          hostedZoneId: 'Z123',
          records: [{ name: 'shop.example.com', type: 'A', value: '10.0.0.1', ttl: 60 }],
        },
        maintenanceWindow: windowFrom(
          Date.now(),
          c.at === 'awaiting-window' ? HOUR_MS : -MINUTE_MS,
          2 * HOUR_MS,
        ),
      });
      const handle = await startPlan(client, taskQueue, s0);
      const gates = {
        'awaiting-primary-ready': [],
        'awaiting-test-validation': ['primary-ready'],
        'awaiting-window': ['primary-ready', 'test-failback'],
        'awaiting-primary-validation': ['primary-ready', 'test-failback', 'failback'],
      } as Record<string, string[]>;
      for (const gate of gates[c.at]!) {
        await waitForGate(handle, gate);
        await handle.signal(approveSignal, { gate: gate as never, by: 'ana' });
      }
      await waitForStage(handle, c.at);
      const mark = fakes.calls.length;
      if (c.via === 'reject') {
        const gate = c.at === 'awaiting-primary-ready' ? 'primary-ready' : 'test-failback';
        await waitForGate(handle, gate);
        await handle.signal(rejectSignal, { gate, by: 'ana', reason: 'not good' });
      } else {
        await handle.signal(abortSignal, { by: 'ana', reason: 'change of plan' });
      }
      const final = await waitForStage(handle, 'aborted');
      expect(final.outcome).toMatchObject({ result: 'aborted', reason: expect.stringMatching(/ana/) });
      const mine = fakes.calls.slice(mark).filter((x) => x.includes(s0.planId) || true);
      const compensated = [
        ...new Set(
          mine
            .filter((x) => x.startsWith('compensateResource('))
            .map((x) => x.slice('compensateResource('.length, x.indexOf(')'))),
        ),
      ];
      expect(compensated.sort()).toEqual([...c.expectPhases].sort());
      expect(mine.includes('restoreDns')).toBe(c.dnsRestored ?? false);
      expect(mine.some((x) => x.startsWith('concludeRecovery'))).toBe(false);
      if (c.at !== 'awaiting-primary-ready') expect(mine).toContain('deleteAccessStack');
      // A finished plan takes no more updates.
      await expect(
        handle.executeUpdate(approveUpdate, { args: [{ gate: 'primary-ready', by: 'ana' }] }),
      ).rejects.toThrow();
      await recordPlanHistories(client, handle.workflowId, `canned-${c.via}-${c.at}`);
    });
  }

  it('refuses an abort once primary is validated', async () => {
    const handle = await startPlan(client, taskQueue, spec({ options: { testFailback: false } }));
    for (const gate of ['primary-ready', 'failback'] as const) {
      await waitForGate(handle, gate);
      await handle.signal(approveSignal, { gate, by: 'ana' });
    }
    await waitForStatus(handle, (s) => s.waitingFor?.kind === 'dns-cutover', 'dns');
    await handle.signal(dnsCutoverCompleteSignal, { by: 'ana' });
    await waitForGate(handle, 'primary-validated');
    await handle.signal(approveSignal, { gate: 'primary-validated', by: 'ana' });
    await handle.signal(abortSignal, { by: 'ana', reason: 'too late' });
    const final = await waitForStage(handle, 'completed');
    expect(final.audit.find((a) => a.action === 'abort')).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringMatching(/nothing left to abort/),
    });
    expect(stagesOf(final)).not.toContain('aborting');
  });
});

async function waitForVisibility(client: Client, query: string): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const { count } = await client.workflow.count(query);
    if (count > 0) return count;
    await new Promise((r) => setTimeout(r, 200));
  }
  return 0;
}
