import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanDetail, PlanSummary } from '../../src/api/schemas/plans.js';
import type { PlanReport } from '../../src/api/schemas/report.js';
import { eventually, newPlanId, startTestApi, TOKENS, type TestApi } from '../support/api.js';
import { validSpec } from '../support/specs.js';
import { startTestWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal.js';

let api: TestApi;
let worker: RunningWorker;
const application = `app-${newPlanId('x').slice(2)}`;
const planId = newPlanId('flow');
const otherPlanId = newPlanId('flow');

beforeAll(async () => {
  const taskQueue = uniqueTaskQueue('api-plans');
  worker = await startTestWorker(taskQueue);
  api = await startTestApi(taskQueue);
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
});

const spec = (id: string) => ({ ...validSpec(), planId: id, application, maintenanceWindow: undefined });
// Another application on resources of its own: one on the same ones is refused while the first runs.
const otherApplication = `${application}-2`;
const otherSpec = () => ({
  ...spec(otherPlanId),
  application: otherApplication,
  resources: validSpec().resources!.map((r) => ({ ...r, source: `${r.source}-2`, target: `${r.target}-2` })),
});
const hours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();
const detail = async (id: string) => {
  const response = await api.request('viewer', { method: 'GET', url: `/v1/plans/${id}` });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<PlanDetail>();
};
const step = (who: 'operator' | 'approver', id: string, path: string, payload: object = {}) =>
  api.request(who, { method: 'POST', url: `/v1/plans/${id}/${path}`, payload });

describe('a plan through the API, against the real failbackPlan workflow', () => {
  it('POST /v1/plans starts it: 201 with ids and a Location; the same planId again is 409', async () => {
    const response = await api.request('operator', {
      method: 'POST',
      url: '/v1/plans',
      payload: spec(planId),
    });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.headers.location).toBe(`/v1/plans/${planId}`);
    expect(response.json()).toEqual({ planId, workflowId: `failback-${planId}`, runId: expect.any(String) });

    const again = await api.request('all', { method: 'POST', url: '/v1/plans', payload: spec(planId) });
    expect(again.statusCode, again.body).toBe(409);
    expect(again.json()).toMatchObject({ type: 'urn:failback:problem:plan-exists', planId });

    const same = await api.request('operator', {
      method: 'POST',
      url: '/v1/plans',
      payload: spec(otherPlanId),
    });
    expect(same.statusCode, same.body).toBe(409);
    expect(same.json()).toMatchObject({
      type: 'urn:failback:problem:plan-conflict',
      conflicts: [
        {
          planId,
          shared: expect.arrayContaining([`application ${application} in ${validSpec().primary.accountId}`]),
        },
      ],
    });

    const other = await api.request('operator', { method: 'POST', url: '/v1/plans', payload: otherSpec() });
    expect(other.statusCode, other.body).toBe(201);
  });

  it('GET /v1/plans/{planId} merges the status query with the workflow status; the starter is audited', async () => {
    // The real preflight cannot reach the spec's accounts (the roles do not exist in this emulator), so
    // the plan parks in needs-attention: a stable state to test against, where a racing preflight is not.
    const plan = await eventually(async () => {
      const d = await detail(planId);
      expect(d.status?.stage).toBe('needs-attention');
      return d;
    });
    expect(plan).toMatchObject({
      planId,
      workflowId: `failback-${planId}`,
      workflowStatus: 'RUNNING',
      closedAt: null,
    });
    expect(plan.status).toMatchObject({ planId, application, stage: 'needs-attention' });
    expect(plan.status!.timeline.map((t) => t.stage)).toEqual(['preflight', 'needs-attention']);
    expect(plan.status!.errors[0]).toMatchObject({
      stage: 'preflight',
      message: expect.stringMatching(/\S/),
    });
    expect(plan.status!.audit[0]).toMatchObject({
      action: 'start',
      by: TOKENS.operator.name,
      outcome: 'accepted',
    });
  });

  it('a step that does not fit the state is 409 with the workflow’s reason, and nothing is recorded', async () => {
    const auditBefore = (await detail(planId)).status!.audit.length;
    const cases: Array<['operator' | 'approver', string, object, RegExp]> = [
      [
        'approver',
        'approvals',
        { gate: 'primary-ready', decision: 'approve' },
        /not waiting for gate primary-ready/,
      ],
      [
        'approver',
        'approvals',
        { gate: 'failback', decision: 'approve' },
        /failback gate opens in stage awaiting-window/,
      ],
      [
        'approver',
        'approvals',
        { gate: 'test-failback', decision: 'reject', comment: 'not yet' },
        /not waiting for gate test-failback/,
      ],
      ['approver', 'dns-cutover', { details: 'flipped' }, /not waiting for the DNS cutover/],
    ];
    for (const [who, path, payload, reason] of cases) {
      const response = await step(who, planId, path, payload);
      expect(response.statusCode, `${path} ${response.body}`).toBe(409);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({
        type: 'urn:failback:problem:wrong-state',
        planId,
        detail: expect.stringMatching(reason),
      });
    }
    expect((await detail(planId)).status!.audit).toHaveLength(auditBefore);
  });

  it('POST …/maintenance-window is 202 and audited under the token’s name', async () => {
    const window = { start: hours(48), end: hours(50) };
    const response = await step('operator', planId, 'maintenance-window', window);
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toMatchObject({
      planId,
      accepted: true,
      message: expect.stringContaining('maintenance window'),
    });
    const status = (await detail(planId)).status!;
    expect(status.maintenanceWindow).toMatchObject({
      start: window.start,
      end: window.end,
      setBy: TOKENS.operator.name,
    });
    expect(status.audit.at(-1)).toMatchObject({
      action: 'setMaintenanceWindow',
      by: TOKENS.operator.name,
      outcome: 'accepted',
    });
  });

  it('GET /v1/plans lists from visibility: filters by stage, application, status; pages with a token', async () => {
    const list = async (query: string) => {
      const response = await api.request('viewer', { method: 'GET', url: `/v1/plans?${query}` });
      expect(response.statusCode, response.body).toBe(200);
      return response.json<{ plans: PlanSummary[]; nextPageToken: string | null }>();
    };
    const ours = await eventually(async () => {
      const page = await list(`application=${application}&stage=needs-attention&status=running`);
      expect(page.plans.map((p) => p.planId)).toEqual([planId]);
      const others = await list(`application=${otherApplication}&stage=needs-attention&status=running`);
      expect(others.plans.map((p) => p.planId)).toEqual([otherPlanId]);
      return page;
    });
    expect(ours.plans[0]).toMatchObject({
      application,
      stage: 'needs-attention',
      workflowStatus: 'RUNNING',
      closedAt: null,
      startedAt: expect.any(String),
    });
    expect((await list(`application=${application}&stage=awaiting-window`)).plans).toEqual([]);
    expect((await list(`application=${application}&status=completed`)).plans).toEqual([]);

    // Pages (both plans are running and in needs-attention; other test files' plans may be listed too).
    const running = 'stage=needs-attention&status=running&pageSize=1';
    const first = await list(running);
    expect(first.plans).toHaveLength(1);
    expect(first.nextPageToken).toEqual(expect.any(String));
    const second = await list(`${running}&pageToken=${first.nextPageToken}`);
    expect(second.plans).toHaveLength(1);
    expect(second.plans[0]!.planId).not.toBe(first.plans[0]!.planId);
  });

  it('POST …/abort is 202; the plan ends aborted; every later step is 409 (finished)', async () => {
    const response = await step('operator', planId, 'abort', { reason: 'change freeze' });
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toMatchObject({ planId, accepted: true });

    const finished = await eventually(async () => {
      const d = await detail(planId);
      expect(d.workflowStatus).toBe('COMPLETED');
      return d;
    });
    expect(finished.closedAt).toEqual(expect.any(String));
    expect(finished.status).toMatchObject({ stage: 'aborted', outcome: { result: 'aborted' } });

    for (const [who, path, payload] of [
      ['operator', 'abort', { reason: 'again' }],
      ['approver', 'approvals', { gate: 'primary-ready', decision: 'approve' }],
      ['operator', 'maintenance-window', { start: hours(1), end: hours(2) }],
      ['operator', 'retry', {}],
    ] as const) {
      const late = await step(who, planId, path, payload);
      expect(late.statusCode, `${path}: ${late.body}`).toBe(409);
      expect(late.json()).toMatchObject({ type: 'urn:failback:problem:plan-finished', planId });
    }
    await eventually(async () => {
      const response = await api.request('viewer', {
        method: 'GET',
        url: `/v1/plans?application=${application}&stage=aborted`,
      });
      expect(response.json<{ plans: PlanSummary[] }>().plans.map((p) => p.planId)).toEqual([planId]);
    });
  });

  it('GET …/report of the finished plan, as JSON and as Markdown', async () => {
    const json = await api.request('viewer', { method: 'GET', url: `/v1/plans/${planId}/report` });
    expect(json.statusCode, json.body).toBe(200);
    const report = json.json<PlanReport>();
    expect(report).toMatchObject({
      planId,
      application,
      workflowStatus: 'COMPLETED',
      stage: 'aborted',
      outcome: { result: 'aborted' },
      rto: { toDnsCutoverSeconds: null, toPrimaryValidatedSeconds: null },
    });
    expect(report.approvals.map((a) => [a.action, a.by])).toEqual([
      ['start', TOKENS.operator.name],
      ['setMaintenanceWindow', TOKENS.operator.name],
      ['abort', TOKENS.operator.name],
    ]);

    const markdown = await api.request('viewer', {
      method: 'GET',
      url: `/v1/plans/${planId}/report?format=markdown`,
    });
    expect(markdown.statusCode).toBe(200);
    expect(markdown.headers['content-type']).toBe('text/markdown; charset=utf-8');
    const text = markdown.body;
    expect(text).toContain(`# Failback report: ${planId}`);
    expect(text).toMatch(/- Outcome: \*\*aborted\*\* at \S+ \(change freeze \(by olga-operator\)\)/);
    expect(text).toContain('| RTO to DNS cutover | — | — | — |');
    expect(text).toMatch(
      new RegExp(`\\| \\S+ \\| ${TOKENS.operator.name} \\| abort \\| — \\| accepted \\| change freeze \\|`),
    );
    expect(text).toMatch(/\| aborted \| \S+ \|/);
  });
});
