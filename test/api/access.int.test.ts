import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRole } from '../../src/api/plugins/auth.js';
import { bearer, newPlanId, startTestApi, TOKENS, type TestApi, type TokenName } from '../support/api.js';
import { uniqueTaskQueue } from '../support/temporal.js';
import { ENDPOINTS, label, type Endpoint } from './endpoints.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi(uniqueTaskQueue('api-access'));
});
afterAll(async () => api?.close());

const unknownPlan = newPlanId('nobody');
const send = (e: Endpoint, headers: Record<string, string>) =>
  api.app.inject({
    method: e.method,
    url: e.url.replace('{planId}', unknownPlan),
    headers,
    ...(e.body !== undefined ? { payload: e.body as object } : {}),
  });

function expectProblem(response: Awaited<ReturnType<typeof send>>, status: number): Record<string, unknown> {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json<Record<string, unknown>>();
  expect(problem).toMatchObject({ status, title: expect.any(String), type: expect.any(String) });
  return problem;
}

describe('401 without a valid token', () => {
  const badHeaders: Array<[string, Record<string, string>]> = [
    ['no Authorization header', {}],
    ['an unknown token', { authorization: 'Bearer not-a-token-of-ours-0123456789' }],
    ['another scheme', { authorization: `Basic ${Buffer.from('olga:pw').toString('base64')}` }],
    ['Bearer without a token', { authorization: 'Bearer' }],
    ['a token with a suffix', { authorization: `Bearer ${TOKENS.all.token}x` }],
    ['a prefix of a token', { authorization: `Bearer ${TOKENS.all.token.slice(0, -1)}` }],
  ];
  for (const e of ENDPOINTS) {
    it(label(e), async () => {
      for (const [why, headers] of badHeaders) {
        const response = await send(e, headers);
        const problem = expectProblem(response, 401);
        expect(response.headers['www-authenticate'], why).toMatch(/^Bearer realm="failback"/);
        expect(problem.detail, why).toEqual(expect.any(String));
      }
    });
  }
});

describe('403 for every role the endpoint does not allow; any allowed role gets through', () => {
  for (const e of ENDPOINTS) {
    it(`${label(e)} needs ${e.role}`, async () => {
      for (const who of Object.keys(TOKENS) as TokenName[]) {
        const response = await send(e, bearer(who));
        const allowed = hasRole({ name: who, roles: TOKENS[who].roles }, e.role);
        if (!allowed) {
          const problem = expectProblem(response, 403);
          expect(problem.detail).toContain(`needs the ${e.role} role`);
        } else {
          // Past auth: an unknown plan is 404, a spec breaking a rule 400, the list 200.
          expect([200, 400, 404], `${who}: ${response.body}`).toContain(response.statusCode);
        }
      }
    });
  }

  it('lets an approver and an operator view', () => {
    expect(hasRole({ name: 'a', roles: ['approver'] }, 'viewer')).toBe(true);
    expect(hasRole({ name: 'o', roles: ['operator'] }, 'viewer')).toBe(true);
    expect(hasRole({ name: 'o', roles: ['operator'] }, 'approver')).toBe(false);
    expect(hasRole({ name: 'v', roles: ['viewer'] }, 'operator')).toBe(false);
  });
});

describe('404 for an unknown plan', () => {
  for (const e of ENDPOINTS.filter((x) => x.perPlan)) {
    it(label(e), async () => {
      const problem = expectProblem(await send(e, bearer('all')), 404);
      expect(problem).toMatchObject({ type: 'urn:failback:problem:plan-not-found', planId: unknownPlan });
      expect(problem.detail).toContain(`failback-${unknownPlan}`);
    });
  }

  it('and for an unknown route, as problem+json', async () => {
    expectProblem(await api.app.inject({ method: 'GET', url: '/v1/nothing-here' }), 404);
  });
});

describe('public operational endpoints', () => {
  it('/healthz and /readyz answer without a token while Temporal is up', async () => {
    expect((await api.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await api.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', temporal: true });
  });

  it('/metrics counts requests by route template and status, with latencies', async () => {
    await send(ENDPOINTS[3]!, bearer('viewer'));
    const metrics = (await api.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(
      /failback_api_requests_total\{method="GET",route="\/v1\/plans\/:planId",status_code="404"\} \d+/,
    );
    expect(metrics).toMatch(
      /failback_api_request_duration_seconds_bucket\{le="0\.005",method="GET",route="\/v1\/plans\/:planId",status_code="404"\}/,
    );
    expect(metrics).not.toContain(unknownPlan);
    expect(metrics).toContain('failback_api_process_cpu_seconds_total');
  });

  it('/openapi.json documents every endpoint with its role and problem responses; /docs serves Swagger UI', async () => {
    const doc = (await api.app.inject({ url: '/openapi.json' })).json<{
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, unknown> }>>;
      components: { securitySchemes: Record<string, unknown>; schemas: Record<string, unknown> };
    }>();
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.components.schemas.Problem).toBeDefined();
    expect(doc.components.schemas.PlanSpec).toMatchObject({ type: 'object', additionalProperties: false });
    for (const e of ENDPOINTS) {
      const operation = doc.paths[e.url]?.[e.method.toLowerCase()];
      expect(operation, label(e)).toBeDefined();
      expect(operation!.security).toEqual([{ bearerAuth: [] }]);
      expect(Object.keys(operation!.responses)).toEqual(expect.arrayContaining(['400', '401', '403']));
    }
    for (const path of ['/healthz', '/readyz']) expect(doc.paths[path]?.get).toBeDefined();
    const ui = await api.app.inject({ url: '/docs' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger-ui');
  });
});
