import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PlanDetail } from '../../src/api/schemas/plans.js';
import type { PlanReport } from '../../src/api/schemas/report.js';
import type { PlanStatus } from '../../src/domain/status.js';
import { eventually, newPlanId, startTestApi, TOKENS, type TestApi } from '../support/api.js';
import { fakeActivities } from '../support/fake-activities.js';
import { validSpec } from '../support/specs.js';
import { startWorkerWith, uniqueTaskQueue, type RunningWorker } from '../support/temporal.js';

/**
 * Every human step answered 202 by the real failbackPlan workflow, from start to completed. The plan's
 * AWS work is the canned activities of the workflow tests (test/support/fake-activities.ts): this is
 * about the API and the workflow's gates, not AWS (the kinds' tests cover that against the emulator).
 */
let api: TestApi;
let worker: RunningWorker;

beforeAll(async () => {
  const taskQueue = uniqueTaskQueue('api-lifecycle');
  // The access stack fails once (AccessDenied), so the plan parks in needs-attention and `retry` is exercised.
  worker = await startWorkerWith(
    taskQueue,
    fakeActivities({ failOnce: new Set(['ensureAccessStack:']) }).activities,
  );
  api = await startTestApi(taskQueue);
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
});

const minutes = (n: number) => new Date(Date.now() + n * 60_000).toISOString();

async function statusOf(planId: string): Promise<PlanStatus> {
  const response = await api.request('viewer', { method: 'GET', url: `/v1/plans/${planId}` });
  expect(response.statusCode, response.body).toBe(200);
  const detail = response.json<PlanDetail>();
  expect(detail.status).not.toBeNull();
  return detail.status as PlanStatus;
}

/** Waits until the plan waits for what the next step answers. */
async function waitingFor(planId: string, keyword: string): Promise<PlanStatus> {
  return eventually(async () => {
    const status = await statusOf(planId);
    const w = status.waitingFor;
    expect(w?.kind === 'gate' ? `gate:${w.gate}` : w?.kind, JSON.stringify(status.errors)).toBe(keyword);
    return status;
  }, 60_000);
}

async function accepted(who: 'operator' | 'approver', planId: string, path: string, payload: object = {}) {
  const response = await api.request(who, { method: 'POST', url: `/v1/plans/${planId}/${path}`, payload });
  expect(response.statusCode, `${path}: ${response.body}`).toBe(202);
  expect(response.json()).toMatchObject({
    planId,
    accepted: true,
    stage: expect.any(String),
    message: expect.any(String),
  });
}

describe('a whole failback through the API', () => {
  const planId = newPlanId('life');

  it('preflight answers with the dry run and starts nothing', async () => {
    const response = await api.request('operator', {
      method: 'POST',
      url: '/v1/preflight',
      payload: { ...validSpec(), planId },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      ok: true,
      resources: [{ kind: 'rds-instance' }, { kind: 'dynamodb-table' }],
    });
    const detail = await api.request('viewer', { method: 'GET', url: `/v1/plans/${planId}` });
    expect(detail.statusCode).toBe(404);
  });

  it('runs from start to completed with every step 202, audited under the tokens’ names', async () => {
    const started = await api.request('operator', {
      method: 'POST',
      url: '/v1/plans',
      payload: { ...validSpec(), planId, maintenanceWindow: undefined },
    });
    expect(started.statusCode, started.body).toBe(201);

    await waitingFor(planId, 'gate:primary-ready');
    await accepted('approver', planId, 'approvals', {
      gate: 'primary-ready',
      decision: 'approve',
      comment: 'checked',
    });

    const parked = await waitingFor(planId, 'operator');
    expect(parked.stage).toBe('needs-attention');
    await accepted('operator', planId, 'retry');

    await waitingFor(planId, 'gate:test-failback');
    await accepted('approver', planId, 'approvals', { gate: 'test-failback', decision: 'approve' });

    await waitingFor(planId, 'maintenance-window');
    // The failback approved before there is a window: the status says so, not only the audit.
    await accepted('approver', planId, 'approvals', { gate: 'failback', decision: 'approve', comment: 'go' });
    const approved = await waitingFor(planId, 'maintenance-window');
    expect(approved.failbackApproval).toMatchObject({ by: TOKENS.approver.name, comment: 'go' });
    expect(approved.maintenanceWindow).toBeUndefined();
    await accepted('operator', planId, 'maintenance-window', { start: minutes(-1), end: minutes(60) });

    await waitingFor(planId, 'dns-cutover');
    await accepted('approver', planId, 'dns-cutover', { details: 'CNAME flipped to primary' });

    await waitingFor(planId, 'gate:primary-validated');
    await accepted('approver', planId, 'approvals', { gate: 'primary-validated', decision: 'approve' });

    const done = await eventually(async () => {
      const response = await api.request('viewer', { method: 'GET', url: `/v1/plans/${planId}` });
      const detail = response.json<PlanDetail>();
      expect(detail.workflowStatus).toBe('COMPLETED');
      return detail.status as PlanStatus;
    }, 60_000);
    expect(done.stage).toBe('completed');
    expect(
      done.audit.filter((a) => a.outcome === 'accepted').map((a) => `${a.action}:${a.gate ?? ''}:${a.by}`),
    ).toEqual([
      `start::${TOKENS.operator.name}`,
      `approve:primary-ready:${TOKENS.approver.name}`,
      `retry::${TOKENS.operator.name}`,
      `approve:test-failback:${TOKENS.approver.name}`,
      `approve:failback:${TOKENS.approver.name}`,
      `setMaintenanceWindow::${TOKENS.operator.name}`,
      `dnsCutoverComplete::${TOKENS.approver.name}`,
      `approve:primary-validated:${TOKENS.approver.name}`,
    ]);
  });

  it('reports RTO, RPO, per-resource timings, data checks and approvals of the completed plan', async () => {
    const response = await api.request('viewer', { method: 'GET', url: `/v1/plans/${planId}/report` });
    expect(response.statusCode, response.body).toBe(200);
    const report = response.json<PlanReport>();
    expect(report).toMatchObject({
      planId,
      stage: 'completed',
      workflowStatus: 'COMPLETED',
      outcome: { result: 'completed' },
    });
    expect(report.rto.toDnsCutoverSeconds).toBeGreaterThanOrEqual(0);
    expect(report.rto.toPrimaryValidatedSeconds).toBeGreaterThanOrEqual(report.rto.toDnsCutoverSeconds!);
    expect(report.rpo.quiescedAt).toEqual(expect.any(String));
    expect(report.rpo.seconds).toBeGreaterThanOrEqual(0);
    expect(report.resources.map((r) => r.key).sort()).toEqual([
      'dynamodb-table:orders',
      'rds-instance:shop-db',
    ]);
    expect(report.dataChecks).toEqual({ verified: 2, failed: 0, unverified: 0 });
    expect(report.approvals.filter((a) => a.action === 'approve').map((a) => a.gate)).toEqual([
      'primary-ready',
      'test-failback',
      'failback',
      'primary-validated',
    ]);

    const markdown = await api.request('viewer', {
      method: 'GET',
      url: `/v1/plans/${planId}/report?format=markdown`,
    });
    expect(markdown.statusCode).toBe(200);
    expect(markdown.headers['content-type']).toBe('text/markdown; charset=utf-8');
    const text = markdown.body;
    expect(text).toContain(`# Failback report: ${planId}`);
    expect(text).toMatch(/- Outcome: \*\*completed\*\* at /);
    expect(text).toMatch(/\| RTO to DNS cutover \| \S+Z \| \S+Z \| [\d.]+ s \|/);
    expect(text).toMatch(/\| RTO to primary validated \| \S+Z \| \S+Z \| [\d.]+ s \|/);
    expect(text).toMatch(/\| RPO \(worst resource: `\S+`\) \| \S+Z \| \S+Z \| [\d.]+ s \|/);
    expect(text).toContain(
      `- Environment: Ran against an AWS emulator (${inject('awsEndpoint')}) at time scale 0.001`,
    );
    expect(text).toMatch(/\| failback \| quiesceSource \| \S+Z \| \S+Z \| [\d.]+ s \|/);
    expect(text).toContain('2 verified, 0 failed, 0 not verified.');
    expect(text).toContain('| `rds-instance:shop-db` | items | 1 | 1 | ok |');
    expect(text).toMatch(
      new RegExp(`\\| \\S+ \\| ${TOKENS.approver.name} \\| approve \\| primary-validated \\| accepted \\|`),
    );
    expect(text).toContain('### `dynamodb-table:orders`');
    if (process.env.SHOW_REPORT) process.stdout.write(text);
  });

  it('labels the plan, its phases and its resources for the Web UI (static summaries)', async () => {
    const summary = async (workflowId: string) =>
      (await api.client.workflow.getHandle(workflowId).describe()).staticSummary();
    expect(await summary(`failback-${planId}`)).toMatch(/^Failback of shop: 2 resource\(s\), recovery /);
    expect(await summary(`failback-${planId}-test-failback`)).toBe('Test failback: 2 resources');
    expect(await summary(`failback-${planId}-failback-rds-instance-shop-db`)).toBe(
      'Failback of rds-instance:shop-db: shop-db → shop-db',
    );
    expect(await summary(`failback-${planId}-conclude-recovery`)).toMatch(
      /^Conclude recovery: .*: 2 resources$/,
    );
  });

  it('a rejected gate is 202 too: the plan compensates and ends aborted', async () => {
    const rejected = newPlanId('reject');
    const started = await api.request('operator', {
      method: 'POST',
      url: '/v1/plans',
      payload: { ...validSpec(), planId: rejected, maintenanceWindow: undefined },
    });
    expect(started.statusCode, started.body).toBe(201);
    await waitingFor(rejected, 'gate:primary-ready');
    await accepted('approver', rejected, 'approvals', {
      gate: 'primary-ready',
      decision: 'reject',
      comment: 'primary still compromised',
    });
    const ended = await eventually(async () => {
      const status = await statusOf(rejected);
      expect(status.stage).toBe('aborted');
      return status;
    }, 60_000);
    expect(ended.outcome?.reason).toContain('primary still compromised');
  });
});
