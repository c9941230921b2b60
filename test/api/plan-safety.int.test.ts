import { execFile } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { planConflictActivities } from '../../src/activities/plan-conflicts.js';
import type { PlanDetail, PlanSummary } from '../../src/api/schemas/plans.js';
import type { Gate } from '../../src/domain/contract.js';
import { approveSignal, dnsCutoverCompleteSignal } from '../../src/domain/messages.js';
import type { PlanSpec } from '../../src/domain/plan-spec.js';
import type { PreflightReport } from '../../src/domain/resources.js';
import type { PlanStatus } from '../../src/domain/status.js';
import { windowOpenNow } from '../../src/domain/window-times.js';
import { ActivityControl } from '../support/activity-control.js';
import { eventually, newPlanId, startTestApi, TOKENS, type TestApi } from '../support/api.js';
import { fakeActivities } from '../support/fake-activities.js';
import { waitForGate, waitForStage, waitForStatus } from '../support/plans.js';
import { validSpec } from '../support/specs.js';
import { startWorkerWith, uniqueTaskQueue, type RunningWorker } from '../support/temporal.js';

const run = promisify(execFile);

// Issue 14 through the public surfaces (the HTTP API, the Temporal client, the temporal CLI): a
// workflow cancellation is an abort (item 7); aborted plans are listed and filtered as aborted, not
// completed; the DNS rollback of a manual cutover is confirmed by its route; two plans on the same
// application or resources are refused while the first is active, naming it. Canned activities, the
// real conflict check (it reads Temporal's visibility).
let api: TestApi;
let worker: RunningWorker;
const control = new ActivityControl();
const taskQueue = uniqueTaskQueue('api-safety');

beforeAll(async () => {
  api = await startTestApi(taskQueue);
  const activities = { ...fakeActivities().activities, ...planConflictActivities(() => api.client) };
  worker = await startWorkerWith(taskQueue, control.wrap(activities));
});
afterAll(async () => {
  control.releaseAll();
  await worker?.stop();
  await api?.close();
});

let n = 0;
const application = () => `app-${newPlanId('a').slice(2)}-${++n}`;
const spec = (over: Partial<PlanSpec> = {}): PlanSpec => {
  const app = over.application ?? application();
  return {
    ...validSpec(),
    planId: newPlanId('safe'),
    application: app,
    maintenanceWindow: windowOpenNow(Date.now(), 3),
    options: { testFailback: false },
    // Resources of their own, so only what a test shares on purpose conflicts.
    resources: [{ kind: 'dynamodb-table', source: `${app}-orders`, target: `${app}-orders` }],
    ...over,
  };
};
const handleOf = (planId: string) => api.client.workflow.getHandle(`failback-${planId}`);
const detail = async (planId: string) => {
  const response = await api.request('viewer', { method: 'GET', url: `/v1/plans/${planId}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<PlanDetail>();
};
const start = async (s: PlanSpec, expected = 201) => {
  const response = await api.request('operator', { method: 'POST', url: '/v1/plans', payload: s });
  expect(response.statusCode, response.body).toBe(expected);
  return response;
};
const abortViaApi = (planId: string) =>
  api.request('operator', {
    method: 'POST',
    url: `/v1/plans/${planId}/abort`,
    payload: { reason: 'via the API' },
  });
async function approve(handle: WorkflowHandle, ...gates: Gate[]) {
  for (const gate of gates) {
    await waitForGate(handle, gate);
    await handle.signal(approveSignal, { gate, by: 'ana' });
  }
}
const failedTasks = async (handle: WorkflowHandle) =>
  ((await handle.fetchHistory()).events ?? []).filter(
    (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  ).length;

describe('a workflow cancellation is an abort (temporal workflow cancel, Request Cancellation)', () => {
  it('compensates once the failback in flight stopped, ends aborted, and the API keeps answering', async () => {
    const s = spec();
    const held = control.hold(s.planId, 'restoreAndVerify', ' failback');
    await start(s);
    const handle = handleOf(s.planId);
    await approve(handle, 'primary-ready', 'failback');
    await held;
    await handle.cancel();

    // During: the status query answers (GET has a status), and an abort is refused for what it is.
    const during = await eventually(async () => {
      const d = await detail(s.planId);
      expect(d.status?.stage).toMatch(/failback|aborting|aborted/);
      expect(d.status?.audit.some((a) => a.by === 'temporal (workflow cancellation)')).toBe(true);
      return d;
    });
    expect(during.statusError).toBeUndefined();
    const refused = await abortViaApi(s.planId);
    expect(refused.statusCode, refused.body).toBe(409);

    const final = await waitForStage(handle, 'aborted', 120_000);
    expect(final.outcome).toMatchObject({
      result: 'aborted',
      reason: expect.stringMatching(/workflow was cancelled/),
    });
    expect(final.audit.find((a) => a.by === 'temporal (workflow cancellation)')).toMatchObject({
      action: 'abort',
      outcome: 'accepted',
    });
    const restore = control.of(s.planId, 'restoreAndVerify').filter((e) => e.key.endsWith(' failback'));
    const compensationStart = control.of(s.planId, 'compensateResource')[0]?.seq ?? Infinity;
    expect(restore.find((e) => e.event === 'cancelled')!.seq).toBeLessThan(compensationStart);
    expect(control.of(s.planId, 'compensateResource').filter((e) => e.event === 'end')).toHaveLength(1);
    expect(await failedTasks(handle)).toBe(0);

    // After: GET answers with the final status, abort is 409 (finished), the list says aborted.
    const after = await detail(s.planId);
    expect(after).toMatchObject({ workflowStatus: 'COMPLETED', status: { stage: 'aborted' } });
    const late = await abortViaApi(s.planId);
    expect(late.statusCode, late.body).toBe(409);
    expect(late.json()).toMatchObject({ type: 'urn:failback:problem:plan-finished' });
  });

  it('is recorded as ignored once primary is validated, and the plan completes', async () => {
    const s = spec();
    const held = control.hold(s.planId, 'concludeRecovery');
    await start(s);
    const handle = handleOf(s.planId);
    await approve(handle, 'primary-ready', 'failback');
    await waitForStatus(handle, (x) => x.waitingFor?.kind === 'dns-cutover', 'dns cutover');
    await handle.signal(dnsCutoverCompleteSignal, { by: 'ana' });
    await approve(handle, 'primary-validated');
    await held;
    await handle.cancel();
    await waitForStatus(
      handle,
      (x) => x.audit.some((a) => a.by === 'temporal (workflow cancellation)'),
      'audited',
    );
    control.release(s.planId, 'concludeRecovery');
    const final = await waitForStage(handle, 'completed');
    expect(final.audit.find((a) => a.by === 'temporal (workflow cancellation)')).toMatchObject({
      outcome: 'ignored',
      reason: expect.stringMatching(/primary is validated/),
    });
    expect(control.of(s.planId, 'concludeRecovery').map((e) => e.event)).toEqual([
      'start',
      'held',
      'mutated',
      'end',
    ]);
    expect(await failedTasks(handle)).toBe(0);
  });
});

describe('GET /v1/plans tells aborted plans from completed ones', () => {
  it('status=aborted lists the aborted plan, status=completed does not, and each row says its outcome', async () => {
    const app = application();
    const aborted = spec({ application: app });
    await start(aborted);
    await waitForGate(handleOf(aborted.planId), 'primary-ready');
    expect((await abortViaApi(aborted.planId)).statusCode).toBe(202);
    await waitForStage(handleOf(aborted.planId), 'aborted');
    const completed = spec({ application: app });
    await start(completed);
    const h = handleOf(completed.planId);
    await approve(h, 'primary-ready', 'failback');
    await waitForStatus(h, (x) => x.waitingFor?.kind === 'dns-cutover', 'dns cutover');
    await h.signal(dnsCutoverCompleteSignal, { by: 'ana' });
    await approve(h, 'primary-validated');
    await waitForStage(h, 'completed');

    const list = async (status: string) => {
      const response = await api.request('viewer', {
        method: 'GET',
        url: `/v1/plans?application=${app}&status=${status}`,
      });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ plans: PlanSummary[] }>().plans;
    };
    await eventually(async () => {
      expect((await list('aborted')).map((p) => [p.planId, p.outcome, p.workflowStatus])).toEqual([
        [aborted.planId, 'aborted', 'COMPLETED'],
      ]);
      expect((await list('completed')).map((p) => [p.planId, p.outcome])).toEqual([
        [completed.planId, 'completed'],
      ]);
      expect(await list('failed')).toEqual([]);
    });
  });
});

describe('the DNS rollback of a manual cutover, by the API', () => {
  it('POST …/dns-rollback is 409 until the aborting plan waits for it, then 202 and compensation goes on', async () => {
    const s = spec();
    await start(s);
    const handle = handleOf(s.planId);
    const early = await api.request('approver', {
      method: 'POST',
      url: `/v1/plans/${s.planId}/dns-rollback`,
    });
    expect(early.statusCode, early.body).toBe(409);
    expect(early.json().detail).toMatch(/not waiting for DNS to point back at recovery/);
    await approve(handle, 'primary-ready', 'failback');
    await waitForStatus(handle, (x) => x.waitingFor?.kind === 'dns-cutover', 'dns cutover');
    await handle.signal(dnsCutoverCompleteSignal, { by: 'ana' });
    await waitForGate(handle, 'primary-validated');
    expect((await abortViaApi(s.planId)).statusCode).toBe(202);
    await waitForStatus(handle, (x) => x.waitingFor?.kind === 'dns-rollback', 'dns rollback');
    const response = await api.request('approver', {
      method: 'POST',
      url: `/v1/plans/${s.planId}/dns-rollback`,
      payload: { details: 'CNAME back to the recovery ALB' },
    });
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toMatchObject({ accepted: true, stage: 'aborting' });
    const final = await waitForStage(handle, 'aborted');
    expect(final.dns.rolledBackBy).toBe(TOKENS.approver.name);
  });
});

describe('two plans on the same application or resources', () => {
  async function active(s: PlanSpec): Promise<WorkflowHandle> {
    await start(s);
    const handle = handleOf(s.planId);
    await waitForGate(handle, 'primary-ready');
    return handle;
  }
  const preflight = async (s: PlanSpec) => {
    const response = await api.request('operator', { method: 'POST', url: '/v1/preflight', payload: s });
    expect(response.statusCode, response.body).toBe(200);
    return response.json<PreflightReport>();
  };

  it('POST /v1/plans and /v1/preflight refuse a second plan of the application, naming the first', async () => {
    const first = spec();
    const handle = await active(first);
    const second = spec({ application: first.application, resources: spec().resources });
    const refused = await start(second, 409);
    expect(refused.json()).toMatchObject({
      type: 'urn:failback:problem:plan-conflict',
      detail: expect.stringContaining(`plan ${first.planId} (workflow failback-${first.planId}`),
      conflicts: [
        {
          planId: first.planId,
          shared: [`application ${first.application} in ${first.primary.accountId}`],
        },
      ],
    });
    const report = await preflight(second);
    expect(report.ok).toBe(false);
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        check: 'plan-conflict',
        message: expect.stringContaining(`plan ${first.planId}`),
      }),
    );
    await handle.signal(approveSignal, { gate: 'primary-ready', by: 'ana' });
    expect((await abortViaApi(first.planId)).statusCode).toBe(202);
    await waitForStage(handle, 'aborted');
    // Once the first has ended, the second may run.
    await eventually(async () => expect((await preflight(second)).ok).toBe(true));
    await start(second);
  });

  it('refuses a plan of another application on the same resources', async () => {
    const first = spec();
    await active(first);
    const second = spec({ resources: first.resources });
    const refused = await start(second, 409);
    const shared = refused.json<{ conflicts: Array<{ shared: string[] }> }>().conflicts[0]!.shared;
    expect(shared).toContain(
      `primary:${first.primary.accountId}/${first.primary.region}/dynamodb-table/${first.resources![0]!.target}`,
    );
    expect(shared.filter((x) => x.startsWith('application '))).toEqual([]);
  });

  it('a plan started with the temporal CLI (no API check) ends failed, naming the plan it conflicts with', async () => {
    const first = spec();
    await active(first);
    const second = spec({ application: first.application });
    const dir = mkdtempSync(path.join(tmpdir(), 'plan-input-'));
    const input = path.join(dir, 'plan-input.json');
    writeFileSync(input, JSON.stringify({ spec: second, startedBy: 'olga', tuning: { timeScale: 0.001 } }));
    await run(inject('temporalCli'), [
      'workflow',
      'start',
      '--address',
      inject('temporalAddress'),
      '--namespace',
      inject('temporalNamespace'),
      '--type',
      'failbackPlan',
      '--task-queue',
      taskQueue,
      '--workflow-id',
      `failback-${second.planId}`,
      '--input-file',
      input,
      '--id-reuse-policy',
      'RejectDuplicate',
    ]);
    const final = await waitForStage(handleOf(second.planId), 'failed');
    expect(final.outcome).toMatchObject({
      result: 'failed',
      reason: expect.stringContaining(`plan ${first.planId}`),
    });
    expect(final.errors.at(-1)).toMatchObject({
      type: 'PlanConflict',
      action: expect.stringMatching(/let it finish/),
    });
    expect(control.of(second.planId, 'ensureAccessStack')).toEqual([]);
    // The first goes on unharmed.
    expect((await detail(first.planId)).status?.stage).toBe('awaiting-primary-ready');
  });

  it('of two plans started at the same moment by the CLI path, exactly one is refused', async () => {
    const app = application();
    const a = spec({ application: app });
    const b = spec({ application: app });
    const started = [a, b].map((s) =>
      api.client.workflow.start('failbackPlan', {
        taskQueue,
        workflowId: `failback-${s.planId}`,
        args: [{ spec: s, startedBy: 'olga', tuning: { timeScale: 0.001 } }],
      }),
    );
    const handles = await Promise.all(started);
    const outcomes: PlanStatus[] = await Promise.all(
      handles.map((h) =>
        waitForStatus(
          h,
          (x) => x.stage === 'failed' || x.waitingFor?.kind === 'gate',
          'refused or at the gate',
        ),
      ),
    );
    expect(outcomes.map((o) => o.stage).sort()).toEqual(['awaiting-primary-ready', 'failed']);
  });
});
