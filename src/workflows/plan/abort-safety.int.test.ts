import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleActivities } from '../../activities/schedules.js';
import type { Gate } from '../../domain/contract.js';
import {
  abortSignal,
  approveSignal,
  dnsCutoverCompleteSignal,
  dnsRollbackCompleteSignal,
  retrySignal,
} from '../../domain/messages.js';
import type { PlanSpec } from '../../domain/plan-spec.js';
import { windowOpenNow } from '../../domain/window-times.js';
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

// Issue 14, items 2, 12 and 14 on the real server with canned activities held mid-flight: the order
// in which the plan's activities and children acted is what is checked (event sequence numbers and
// the workflow histories), never how long anything took.
const EventType = temporal.api.enums.v1.EventType;

describe('abort safety: nothing of the forward flow acts beside compensation', { timeout: 180_000 }, () => {
  let client: Client;
  let connection: Connection;
  let worker: RunningWorker;
  const control = new ActivityControl();
  const taskQueue = uniqueTaskQueue('abort-safety');
  let n = 0;

  beforeAll(async () => {
    ({ client, connection } = await testClient());
    const activities = { ...fakeActivities().activities, ...scheduleActivities(() => client) };
    worker = await startWorkerWith(taskQueue, control.wrap(activities));
  });
  afterAll(async () => {
    control.releaseAll();
    await worker?.stop();
    await connection?.close();
  });

  const spec = (over: Partial<PlanSpec> = {}): PlanSpec => ({
    ...validSpec(),
    planId: `safety-${Date.now().toString(36)}-${++n}`,
    maintenanceWindow: windowOpenNow(Date.now(), 3),
    ...over,
  });

  async function approve(handle: WorkflowHandle, ...gates: Gate[]) {
    for (const gate of gates) {
      await waitForGate(handle, gate);
      await handle.signal(approveSignal, { gate, by: 'ana' });
    }
  }

  const first = (planId: string, activity: string, event: string) =>
    control.of(planId, activity).find((e) => e.event === event)?.seq ?? Infinity;
  const ended = (planId: string, activity: string) =>
    control.of(planId, activity).find((e) => ['end', 'cancelled', 'failed'].includes(e.event))?.seq ??
    Infinity;

  it('waits for a restore in flight to stop before compensating, and that restore makes no further call', async () => {
    const s0 = spec({ options: { testFailback: false } });
    const held = control.hold(s0.planId, 'restoreAndVerify', ' failback');
    const handle = await startPlan(client, taskQueue, s0);
    await approve(handle, 'primary-ready', 'failback');
    await held;
    await handle.signal(abortSignal, { by: 'ana', reason: 'abort with a restore in flight' });
    const final = await waitForStage(handle, 'aborted', 120_000);
    // Whatever the old code did, the held activity may now go on: a cancelled one must not.
    control.release(s0.planId, 'restoreAndVerify', ' failback');
    await new Promise((r) => setTimeout(r, 500));

    expect(final.outcome?.result).toBe('aborted');
    const restore = control.of(s0.planId, 'restoreAndVerify').filter((e) => e.key.endsWith(' failback'));
    expect(restore.map((e) => e.event)).toContain('cancelled');
    expect(restore.map((e) => e.event)).not.toContain('mutated');
    expect(ended(s0.planId, 'restoreAndVerify')).toBeLessThan(
      first(s0.planId, 'compensateResource', 'start'),
    );
    // And in Temporal's own record: the failback phase had ended before the compensation child began.
    const events = (await handle.fetchHistory()).events ?? [];
    const phaseClosed = events.findIndex(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_CANCELED &&
        e.childWorkflowExecutionCanceledEventAttributes?.workflowExecution?.workflowId?.endsWith('-failback'),
    );
    const compensationStarted = events.findIndex(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED &&
        e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId?.includes('-compensation'),
    );
    expect(phaseClosed).toBeGreaterThan(0);
    expect(phaseClosed).toBeLessThan(compensationStarted);
    await recordPlanHistories(client, handle.workflowId, 'canned-abort-restore-in-flight');
  });

  it('deletes the access stack an abort finds being created (ensureAccessStack never returned)', async () => {
    const s0 = spec();
    const held = control.hold(s0.planId, 'ensureAccessStack');
    const handle = await startPlan(client, taskQueue, s0);
    await approve(handle, 'primary-ready');
    await held;
    await handle.signal(abortSignal, { by: 'ana', reason: 'abort while the stack is created' });
    const final = await waitForStage(handle, 'aborted', 120_000);
    expect(control.of(s0.planId, 'ensureAccessStack').map((e) => e.event)).toEqual([
      'start',
      'held',
      'cancelled',
    ]);
    expect(first(s0.planId, 'deleteAccessStack', 'end')).toBeGreaterThan(
      ended(s0.planId, 'ensureAccessStack'),
    );
    expect(final.timeline.some((t) => /access stack the plan was creating is gone/.test(t.note ?? ''))).toBe(
      true,
    );
  });

  it('pauses a running recovery-point schedule for the failback and an abort resumes it; one paused before stays paused', async () => {
    for (const pausedBefore of [false, true]) {
      const scheduleId = `recovery-points-${Date.now().toString(36)}-${++n}`;
      const schedule = await client.schedule.create({
        scheduleId,
        spec: { intervals: [{ every: '1 day' }] },
        action: { type: 'startWorkflow', workflowType: 'environmentProbe', taskQueue: `${taskQueue}-none` },
        state: pausedBefore ? { paused: true, note: 'paused by the DR team' } : {},
      });
      try {
        const s0 = spec({ options: { testFailback: false, recoveryPointSchedule: scheduleId } });
        const held = control.hold(s0.planId, 'quiesceSource');
        const handle = await startPlan(client, taskQueue, s0);
        await approve(handle, 'primary-ready', 'failback');
        await held;
        const during = await schedule.describe();
        expect(during.state.paused, `paused during the failback (paused before: ${pausedBefore})`).toBe(true);
        await handle.signal(abortSignal, { by: 'ana', reason: 'abort in the failback' });
        const final = await waitForStage(handle, 'aborted', 120_000);
        const after = await schedule.describe();
        expect(after.state.paused, `paused after the abort (paused before: ${pausedBefore})`).toBe(
          pausedBefore,
        );
        if (pausedBefore) expect(after.state.note).toBe('paused by the DR team');
        expect(final.recoveryPointSchedule).toEqual({
          scheduleId,
          pausedByPlan: !pausedBefore,
          resumed: !pausedBefore,
        });
      } finally {
        await schedule.delete();
      }
    }
  });

  it('renames nothing back before a person confirms DNS points back at recovery (manual cutover)', async () => {
    const s0 = spec({ options: { testFailback: false } });
    const handle = await startPlan(client, taskQueue, s0);
    await approve(handle, 'primary-ready', 'failback');
    await waitForStatus(handle, (s) => s.waitingFor?.kind === 'dns-cutover', 'dns cutover');
    await handle.signal(dnsCutoverCompleteSignal, { by: 'ana', details: 'CNAME to primary' });
    await waitForGate(handle, 'primary-validated');
    await handle.signal(abortSignal, { by: 'ana', reason: 'primary misbehaves' });
    const waiting = await waitForStatus(handle, (s) => s.waitingFor?.kind === 'dns-rollback', 'dns rollback');
    expect(waiting.stage).toBe('aborting');
    expect(waiting.errors.at(-1)).toMatchObject({
      type: 'ManualDnsRollback',
      action: expect.stringMatching(/dnsRollbackComplete/),
    });
    await new Promise((r) => setTimeout(r, 1000)); // nothing may happen while DNS may still point at primary
    expect(control.of(s0.planId, 'compensateResource')).toEqual([]);
    await handle.signal(dnsRollbackCompleteSignal, {
      by: 'olga',
      details: 'CNAME back to recovery, TTL passed',
    });
    const final = await waitForStage(handle, 'aborted');
    expect(final.dns).toMatchObject({ rolledBackBy: 'olga', rolledBackAt: expect.any(String) });
    expect(control.of(s0.planId, 'compensateResource').length).toBeGreaterThan(0);
    expect(final.audit.at(-1)).toMatchObject({
      action: 'dnsRollbackComplete',
      by: 'olga',
      outcome: 'accepted',
    });
    await recordPlanHistories(client, handle.workflowId, 'canned-abort-manual-dns-rollback');
  });

  it('waits out the records’ TTL after restoring Route 53 before compensating the resources', async () => {
    const s0 = spec({
      options: { testFailback: false },
      dnsCutover: {
        mode: 'route53',
        hostedZoneId: 'Z123',
        records: [{ name: 'shop.example.com', type: 'A', value: '10.0.0.1', ttl: 600 }],
      },
    });
    const handle = await startPlan(client, taskQueue, s0);
    await approve(handle, 'primary-ready', 'failback');
    await waitForGate(handle, 'primary-validated');
    await handle.signal(abortSignal, { by: 'ana', reason: 'primary misbehaves' });
    const final = await waitForStage(handle, 'aborted');
    const events = (await handle.fetchHistory()).events ?? [];
    const index = (match: (e: (typeof events)[number]) => boolean) => events.findIndex(match);
    const restored = index(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED &&
        events.find(
          (s) =>
            s.eventId?.toString() === e.activityTaskCompletedEventAttributes?.scheduledEventId?.toString(),
        )?.activityTaskScheduledEventAttributes?.activityType?.name === 'restoreDns',
    );
    const drained = index((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED);
    const compensation = index(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED &&
        !!e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId?.includes('-compensation'),
    );
    expect(restored).toBeGreaterThan(0);
    expect(drained).toBeGreaterThan(restored);
    expect(compensation).toBeGreaterThan(drained);
    expect(final.timeline.some((t) => /waiting the records' TTL \(600 s\)/.test(t.note ?? ''))).toBe(true);
    expect(final.dns.rolledBackAt).toBeDefined();
    await recordPlanHistories(client, handle.workflowId, 'canned-abort-route53-drain');
  });

  it('restores Route 53 when the abort comes while the cutover is in flight (it never returned)', async () => {
    const records = [{ name: 'shop.example.com', type: 'A' as const, value: '10.0.0.1', ttl: 60 }];
    const s0 = spec({
      options: { testFailback: false },
      dnsCutover: { mode: 'route53', hostedZoneId: 'Z123', records },
    });
    const held = control.hold(s0.planId, 'cutoverDns');
    const handle = await startPlan(client, taskQueue, s0);
    await approve(handle, 'primary-ready', 'failback');
    await held;
    await handle.signal(abortSignal, { by: 'ana', reason: 'abort during the cutover' });
    const final = await waitForStage(handle, 'aborted');
    expect(control.of(s0.planId, 'cutoverDns').map((e) => e.event)).toEqual(['start', 'held', 'cancelled']);
    expect(first(s0.planId, 'restoreDns', 'end')).toBeGreaterThan(ended(s0.planId, 'cutoverDns'));
    // What was restored is what the plan read before the cutover (the canned readDnsRecords' values).
    const events = (await handle.fetchHistory()).events ?? [];
    const scheduled = events.find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'restoreDns',
    );
    const data = scheduled?.activityTaskScheduledEventAttributes?.input?.payloads?.[0]?.data;
    expect(data, 'restoreDns was scheduled').toBeDefined();
    const restored = JSON.parse(Buffer.from(data!).toString('utf8')) as { previous: unknown };
    expect(restored.previous).toEqual([
      { name: 'shop.example.com', type: 'A', ttl: 60, values: ['192.0.2.1'] },
    ]);
    expect(final.dns.previousRecords).toEqual([
      { name: 'shop.example.com', type: 'A', ttl: 60, value: '192.0.2.1' },
    ]);
    expect(final.dns.rolledBackAt).toBeDefined();
  });

  it('shows aborting, not the old stage, while compensating after an abort from needs-attention', async () => {
    const s0 = spec();
    control.failOnce(s0.planId, 'copyRecoveryPoint');
    control.failOnce(s0.planId, 'compensateResource');
    const handle = await startPlan(client, taskQueue, s0);
    await approve(handle, 'primary-ready');
    await waitForStatus(handle, (s) => s.stage === 'needs-attention', 'needs-attention');
    await handle.signal(abortSignal, { by: 'ana', reason: 'give up' });
    const parked = await waitForStatus(
      handle,
      (s) => s.stage === 'needs-attention' && s.timeline.some((t) => t.stage === 'aborting'),
      'compensation parked',
    );
    expect(parked.interruptedStage).toBe('aborting');
    expect(parked.errors.at(-1)).toMatchObject({ stage: 'aborting' });
    await handle.signal(retrySignal, { by: 'ana' });
    const final = await waitForStage(handle, 'aborted');
    const stages = final.timeline.map((t) => t.stage);
    expect(stages.slice(stages.indexOf('aborting'))).toEqual([
      'aborting',
      'needs-attention',
      'aborting',
      'aborted',
    ]);
    await recordPlanHistories(client, handle.workflowId, 'canned-abort-from-needs-attention');
  });
});
