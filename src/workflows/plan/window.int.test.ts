import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { WorkflowHandle } from '@temporalio/client';
import {
  approveSignal,
  dnsCutoverCompleteSignal,
  rejectSignal,
  setMaintenanceWindowSignal,
} from '../../domain/messages.js';
import type { PlanSpec } from '../../domain/plan-spec.js';
import { SEARCH_ATTRIBUTE_NAMES } from '../../domain/search-attributes.js';
import { fakeActivities } from '../../../test/support/fake-activities.js';
import { startPlan, status, waitForGate, waitForStage, waitForStatus } from '../../../test/support/plans.js';
import { validSpec } from '../../../test/support/specs.js';
import { uniqueTaskQueue } from '../../../test/support/temporal.js';

// The maintenance-window timer (plan step 4) on the time-skipping test server: days pass in
// milliseconds. Activities are canned (test/support/fake-activities.ts): this is about the workflow's
// timing and branching, not AWS.
const HOUR = 3600_000;
const DAY = 24 * HOUR;

describe('maintenance window (time-skipping)', () => {
  let env: TestWorkflowEnvironment;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = uniqueTaskQueue('window');
  let counter = 0;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: inject('testServerPath') } },
    });
    // The test server knows no custom search attributes until told (the dev server gets them at start).
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(
        SEARCH_ATTRIBUTE_NAMES.map((n) => [
          n,
          temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
        ]),
      ),
    });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      activities: fakeActivities().activities,
    });
    running = worker.run();
  });

  afterAll(async () => {
    worker?.shutdown();
    await running;
    await env?.teardown();
  });

  const iso = (ms: number) => new Date(ms).toISOString();

  async function planAtWindowStage(window?: { start: number; end: number }) {
    const now = await env.currentTimeMs();
    const spec: PlanSpec = {
      ...validSpec(),
      planId: `window-${++counter}`,
      options: { testFailback: false },
    };
    if (window) spec.maintenanceWindow = { start: iso(now + window.start), end: iso(now + window.end) };
    else delete spec.maintenanceWindow;
    const handle = await startPlan(env.client, taskQueue, spec);
    await waitForGate(handle, 'primary-ready');
    await handle.signal(approveSignal, { gate: 'primary-ready', by: 'ana' });
    await waitForStage(handle, 'awaiting-window');
    return { handle, now };
  }

  const failbackStarted = (s: { measurements: { failbackStartedAt?: string } }) =>
    s.measurements.failbackStartedAt !== undefined;

  it('waits days for a window, approved before it opens, and starts the failback at its start', async () => {
    const { handle, now } = await planAtWindowStage({ start: 3 * DAY, end: 3 * DAY + 2 * HOUR });
    expect((await status(handle)).waitingFor).toMatchObject({ kind: 'gate', gate: 'failback' });
    await handle.signal(approveSignal, { gate: 'failback', by: 'ana' });
    await waitForStatus(handle, (s) => s.waitingFor?.kind === 'maintenance-window', 'window wait');
    await env.sleep(2 * DAY);
    expect((await status(handle)).stage).toBe('awaiting-window');
    await env.sleep(DAY + HOUR);
    const s = await waitForStage(handle, 'awaiting-dns-cutover');
    const started = Date.parse(s.measurements.failbackStartedAt!);
    expect(started).toBeGreaterThanOrEqual(now + 3 * DAY);
    expect(started).toBeLessThan(now + 3 * DAY + 2 * HOUR);
  });

  /** Moves the approved window; the approval was for the old one, so the gate waits again (issue 14). */
  async function moveApprovedWindow(handle: WorkflowHandle, start: number, end: number) {
    await waitForStatus(handle, (s) => s.waitingFor?.kind === 'maintenance-window', 'approved window');
    await handle.signal(setMaintenanceWindowSignal, { start: iso(start), end: iso(end), by: 'ana' });
    const moved = await waitForStatus(
      handle,
      (s) => s.maintenanceWindow?.start === iso(start) && s.waitingFor?.kind === 'gate',
      'moved window waiting for a new approval',
    );
    expect(moved.waitingFor).toMatchObject({ kind: 'gate', gate: 'failback' });
    expect(moved.failbackApproval).toBeUndefined();
    expect(moved.timeline.at(-1)?.note).toMatch(/approval by ana was for that window, approve again/);
    await handle.signal(approveSignal, { gate: 'failback', by: 'ben', comment: 'for the new window' });
    await waitForStatus(
      handle,
      (s) => s.waitingFor?.kind === 'maintenance-window' && s.waitingFor.start === iso(start),
      'moved window, approved again',
    );
  }

  it('re-arms the timer when the window moves earlier, after a new approval', async () => {
    const { handle, now } = await planAtWindowStage({ start: 5 * DAY, end: 5 * DAY + HOUR });
    await handle.signal(approveSignal, { gate: 'failback', by: 'ana' });
    await moveApprovedWindow(handle, now + DAY, now + DAY + HOUR);
    await env.sleep(DAY + 10 * 60_000);
    const s = await waitForStatus(handle, failbackStarted, 'failback start');
    expect(Date.parse(s.measurements.failbackStartedAt!)).toBeLessThan(now + 2 * DAY);
    expect(s.audit.filter((a) => a.action === 'setMaintenanceWindow')).toHaveLength(1);
    expect(s.failbackApproval).toMatchObject({ by: 'ben' });
  });

  it('re-arms the timer when the window moves later, after a new approval', async () => {
    const { handle, now } = await planAtWindowStage({ start: DAY, end: DAY + HOUR });
    await handle.signal(approveSignal, { gate: 'failback', by: 'ana' });
    await moveApprovedWindow(handle, now + 3 * DAY, now + 3 * DAY + HOUR);
    await env.sleep(2 * DAY);
    expect((await status(handle)).stage).toBe('awaiting-window');
    await env.sleep(DAY + 10 * 60_000);
    const s = await waitForStatus(handle, failbackStarted, 'failback start');
    expect(Date.parse(s.measurements.failbackStartedAt!)).toBeGreaterThanOrEqual(now + 3 * DAY);
  });

  it('does not start a moved window on the old approval, even when the old start passes', async () => {
    const { handle, now } = await planAtWindowStage({ start: DAY, end: DAY + HOUR });
    await handle.signal(approveSignal, { gate: 'failback', by: 'ana' });
    await waitForStatus(handle, (s) => s.waitingFor?.kind === 'maintenance-window', 'approved');
    await handle.signal(setMaintenanceWindowSignal, {
      start: iso(now + 2 * DAY),
      end: iso(now + 2 * DAY + HOUR),
      by: 'ana',
    });
    await waitForStatus(handle, (s) => s.failbackApproval === undefined, 'approval cleared');
    await env.sleep(2 * DAY + 10 * 60_000); // the moved window is open: nobody approved it
    const s = await status(handle);
    expect(s.stage).toBe('awaiting-window');
    expect(s.measurements.failbackStartedAt).toBeUndefined();
    expect(s.waitingFor).toMatchObject({ kind: 'gate', gate: 'failback' });
  });

  for (const when of ['before', 'after'] as const) {
    it(`aborts when the failback gate is rejected ${when} the window opens; a later approve is refused`, async () => {
      const { handle } = await planAtWindowStage({ start: DAY, end: DAY + 4 * HOUR });
      if (when === 'after') await env.sleep(DAY + HOUR);
      await waitForGate(handle, 'failback');
      await handle.signal(rejectSignal, { gate: 'failback', by: 'ana', reason: 'not this weekend' });
      await handle.signal(approveSignal, { gate: 'failback', by: 'mallory' });
      const final = await waitForStage(handle, 'aborted');
      expect(final.outcome).toMatchObject({
        result: 'aborted',
        reason: expect.stringMatching(/failback rejected/),
      });
      expect(final.measurements.failbackStartedAt).toBeUndefined();
      expect(
        final.audit.filter((a) => a.gate === 'failback').map((a) => `${a.action}:${a.by}:${a.outcome}`),
      ).toEqual(['reject:ana:accepted', 'approve:mallory:ignored']);
      expect(final.audit.at(-1)?.reason).toMatch(/the plan is aborting|the failback gate was rejected/);
    });
  }

  it('sends the plan back to waiting for a new window when one is missed, and asks for approval again', async () => {
    const { handle, now } = await planAtWindowStage({ start: DAY, end: DAY + HOUR });
    await env.sleep(2 * DAY); // nobody approved the failback gate
    let s = await waitForStatus(
      handle,
      (x) => x.errors.some((e) => e.type === 'WindowMissed'),
      'missed window',
    );
    expect(s.stage).toBe('awaiting-window');
    expect(s.maintenanceWindow).toBeUndefined();
    expect(s.waitingFor).toMatchObject({ kind: 'maintenance-window' });
    expect(s.waitingFor).not.toHaveProperty('start');
    await handle.signal(setMaintenanceWindowSignal, {
      start: iso(now + 3 * DAY),
      end: iso(now + 3 * DAY + HOUR),
      by: 'ana',
    });
    await waitForGate(handle, 'failback');
    await handle.signal(approveSignal, { gate: 'failback', by: 'ana' });
    await env.sleep(DAY + 10 * 60_000);
    s = await waitForStatus(handle, failbackStarted, 'failback start');
    expect(Date.parse(s.measurements.failbackStartedAt!)).toBeGreaterThanOrEqual(now + 3 * DAY);
  });

  it('starts at once when the failback is approved after the window opened', async () => {
    const { handle, now } = await planAtWindowStage({ start: DAY, end: DAY + 4 * HOUR });
    await env.sleep(DAY + HOUR); // open, not approved
    let s = await status(handle);
    expect(s.stage).toBe('awaiting-window');
    expect(s.waitingFor).toMatchObject({ kind: 'gate', gate: 'failback' });
    await handle.signal(approveSignal, { gate: 'failback', by: 'ana', comment: 'go' });
    s = await waitForStatus(handle, failbackStarted, 'failback start');
    expect(Date.parse(s.measurements.failbackStartedAt!)).toBeLessThan(now + DAY + 2 * HOUR);
    expect(s.audit.find((a) => a.action === 'approve' && a.gate === 'failback')).toMatchObject({
      by: 'ana',
      outcome: 'accepted',
      comment: 'go',
    });
  });

  it('waits for a window when the plan has none, then runs to completion', async () => {
    const { handle, now } = await planAtWindowStage();
    expect((await status(handle)).waitingFor).toMatchObject({ kind: 'maintenance-window' });
    await handle.signal(setMaintenanceWindowSignal, {
      start: iso(now + 2 * HOUR),
      end: iso(now + 4 * HOUR),
      by: 'ana',
    });
    await handle.signal(approveSignal, { gate: 'failback', by: 'ana' });
    await env.sleep(3 * HOUR);
    await waitForStatus(handle, (s) => s.waitingFor?.kind === 'dns-cutover', 'dns cutover');
    await handle.signal(dnsCutoverCompleteSignal, { by: 'ana', details: 'flipped' });
    await waitForGate(handle, 'primary-validated');
    await handle.signal(approveSignal, { gate: 'primary-validated', by: 'ana' });
    const final = await waitForStage(handle, 'completed');
    expect(final.outcome).toMatchObject({ result: 'completed' });
  });
});
