import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FieldError } from '../../src/api/schemas/problem.js';
import { newPlanId, startTestApi, type TestApi } from '../support/api.js';
import { validSpec } from '../support/specs.js';
import { uniqueTaskQueue } from '../support/temporal.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi(uniqueTaskQueue('api-validation'));
});
afterAll(async () => api?.close());

type Json = Record<string, unknown>;
const hours = (n: number) => new Date(Date.now() + n * 3_600_000).toISOString();

/** Sends the request and returns the field errors of its 400 problem document. */
async function fieldErrors(method: 'GET' | 'POST', url: string, payload?: unknown): Promise<FieldError[]> {
  const response = await api.request('all', {
    method,
    url,
    ...(payload !== undefined ? { payload: payload as Json } : {}),
  });
  expect(response.statusCode, response.body).toBe(400);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json<{ type: string; errors?: FieldError[] }>();
  expect(problem.type).toBe('urn:failback:problem:validation');
  return problem.errors ?? [];
}

const withSpec = (change: (spec: Json) => void): Json => {
  const spec = structuredClone(validSpec()) as unknown as Json;
  change(spec);
  return spec;
};
const at = (obj: Json, path: string): Json => path.split('.').reduce<Json>((o, k) => o[k] as Json, obj);

/** [why, how to break a valid spec, the field error expected (path and a message fragment)] */
const SPEC_RULES: Array<[string, (spec: Json) => void, string, RegExp]> = [
  ['planId is required', (s) => delete s.planId, '/planId', /is required/],
  ['planId pattern', (s) => (s.planId = 'Shop_2026'), '/planId', /must match pattern/],
  ['planId with a double hyphen', (s) => (s.planId = 'shop--1'), '/planId', /must match pattern/],
  ['application pattern', (s) => (s.application = '-shop'), '/application', /must match pattern/],
  ['account id of 12 digits', (s) => (at(s, 'primary').accountId = '1234'), '/primary/accountId', /pattern/],
  ['region name', (s) => (at(s, 'recovery').region = 'mars-1'), '/recovery/region', /pattern/],
  ['role ARN', (s) => (at(s, 'primary').roleArn = 'arn:aws:iam::1:user/x'), '/primary/roleArn', /pattern/],
  [
    'externalId required in primary',
    (s) => delete at(s, 'primary').externalId,
    '/primary/externalId',
    /is required/,
  ],
  ['unknown field', (s) => (s.colour = 'blue'), '/colour', /unknown field/],
  ['`by` is not a body field', (s) => (s.by = 'mallory'), '/by', /never a body field/],
  [
    'unknown field in an environment',
    (s) => (at(s, 'recovery').password = 'x'),
    '/recovery/password',
    /unknown field/,
  ],
  [
    'resource kind',
    (s) => ((s.resources as Json[])[0] = { kind: 'lambda', source: 'a', target: 'b' }),
    '/resources/0/kind',
    /must be one of "ec2-instance", "rds-instance", "aurora-cluster", "dynamodb-table"/,
  ],
  [
    'EC2 source is an instance id',
    (s) => ((s.resources as Json[])[0] = { kind: 'ec2-instance', source: 'web-1', target: 'web-1' }),
    '/resources/0/source',
    /pattern/,
  ],
  [
    'RDS identifier',
    (s) => ((s.resources as Json[])[0] = { kind: 'rds-instance', source: 'shop-db', target: '1db' }),
    '/resources/0/target',
    /pattern/,
  ],
  [
    'options of the resource kind only',
    (s) =>
      ((s.resources as Json[])[1] = {
        kind: 'dynamodb-table',
        source: 'orders',
        target: 'orders',
        options: { subnetId: 'subnet-12345678' },
      }),
    '/resources/1/options/subnetId',
    /unknown field/,
  ],
  [
    'dnsCutover mode',
    (s) => (s.dnsCutover = { mode: 'carrier-pigeon' }),
    '/dnsCutover/mode',
    /must be one of "manual", "route53"/,
  ],
  [
    'route53 needs records',
    (s) => (s.dnsCutover = { mode: 'route53', hostedZoneId: 'Z123' }),
    '/dnsCutover/records',
    /is required/,
  ],
  [
    'window start is a date-time',
    (s) => (at(s, 'maintenanceWindow').start = 'tomorrow 2am'),
    '/maintenanceWindow/start',
    /date-time/,
  ],
  ['concurrency is an integer ≥ 1', (s) => (s.options = { concurrency: 0 }), '/options/concurrency', />= 1/],
  [
    'no coercion: "16" is not 16',
    (s) => (s.options = { concurrency: '16' }),
    '/options/concurrency',
    /must be integer/,
  ],
  ['select needs tags', (s) => (s.select = { tags: {} }), '/select/tags', /fewer than 1|must NOT have fewer/],
  ['resources is an array', (s) => (s.resources = 'all'), '/resources', /must be array/],
];

describe('POST /v1/plans and /v1/preflight: 400 for each schema rule, naming the field', () => {
  for (const url of ['/v1/plans', '/v1/preflight']) {
    for (const [why, change, path, message] of SPEC_RULES) {
      it(`${url}: ${why}`, async () => {
        const errors = await fieldErrors('POST', url, withSpec(change));
        expect(errors).toContainEqual({ in: 'body', path, message: expect.stringMatching(message) });
      });
    }
  }

  it('lists every field error of a body at once, each once', async () => {
    const errors = await fieldErrors(
      'POST',
      '/v1/plans',
      withSpec((s) => {
        s.planId = 'BAD';
        s.by = 'x';
        delete s.application;
        (s.resources as Json[]).push({ kind: 'rds-instance', source: 'a', target: '-x' });
      }),
    );
    expect(errors.map((e) => e.path).sort()).toEqual([
      '/application',
      '/by',
      '/planId',
      '/resources/2/target',
    ]);
  });

  it('then the plan rules, with every broken rule', async () => {
    const errors = await fieldErrors(
      'POST',
      '/v1/plans',
      withSpec((s) => {
        s.planId = newPlanId();
        at(s, 'primary').roleArn = 'arn:aws:iam::999999999999:role/failback-access';
        (s.resources as Json[]).push({ kind: 'dynamodb-table', source: 'orders-2', target: 'orders' });
        s.maintenanceWindow = { start: hours(-5), end: hours(-4) };
      }),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        { in: 'body', path: '/primary/roleArn', message: expect.stringContaining('primary account') },
        { in: 'body', path: '/resources/2/target', message: expect.stringContaining('duplicate target') },
        { in: 'body', path: '/maintenanceWindow/end', message: 'window is already over' },
      ]),
    );
  });

  it('refuses what is not JSON, or not JSON at all, as problem+json', async () => {
    for (const [payload, contentType, status] of [
      ['{"planId":', 'application/json', 400],
      ['planId=x', 'application/x-www-form-urlencoded', 415],
      ['', 'application/json', 400],
    ] as const) {
      const response = await api.request('operator', {
        method: 'POST',
        url: '/v1/plans',
        payload,
        headers: { 'content-type': contentType },
      });
      expect(response.statusCode, response.body).toBe(status);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});

const plan = `/v1/plans/${newPlanId('unknown')}`;

/** [endpoint, body, path, message] for the steps' bodies. */
const STEP_RULES: Array<[string, unknown, string, RegExp]> = [
  [`${plan}/approvals`, { decision: 'approve' }, '/gate', /is required/],
  [
    `${plan}/approvals`,
    { gate: 'go-live', decision: 'approve' },
    '/gate',
    /must be one of "primary-ready", "test-failback", "failback", "primary-validated"/,
  ],
  [
    `${plan}/approvals`,
    { gate: 'failback', decision: 'maybe' },
    '/decision',
    /must be one of "approve", "reject"/,
  ],
  [`${plan}/approvals`, { gate: 'failback', decision: 'reject' }, '/comment', /is required/],
  [
    `${plan}/approvals`,
    { gate: 'failback', decision: 'approve', by: 'mallory' },
    '/by',
    /never a body field/,
  ],
  [
    `${plan}/approvals`,
    { gate: 'failback', decision: 'approve', comment: '' },
    '/comment',
    /fewer than 1 characters/,
  ],
  [`${plan}/approvals`, [], '/', /must be object/],
  [`${plan}/maintenance-window`, { start: hours(1) }, '/end', /is required/],
  [`${plan}/maintenance-window`, { start: '2026-13-01T00:00:00Z', end: hours(2) }, '/start', /date-time/],
  [`${plan}/maintenance-window`, { start: hours(1), end: '2030-01-01 02:00' }, '/end', /date-time/],
  [`${plan}/maintenance-window`, { start: hours(3), end: hours(2) }, '/end', /must be after start/],
  [`${plan}/maintenance-window`, { start: hours(-3), end: hours(-2) }, '/end', /already over/],
  [`${plan}/maintenance-window`, { start: hours(1), end: hours(2), by: 'x' }, '/by', /never a body field/],
  [`${plan}/dns-cutover`, { details: 42 }, '/details', /must be string/],
  [`${plan}/dns-cutover`, { by: 'anna' }, '/by', /never a body field/],
  [`${plan}/retry`, { force: true }, '/force', /unknown field/],
  [`${plan}/abort`, {}, '/reason', /is required/],
  [`${plan}/abort`, { reason: '' }, '/reason', /fewer than 3 characters/],
  [`${plan}/abort`, { reason: '   ' }, '/reason', /visible character/],
  [`${plan}/abort`, { reason: 'stop \u202Enow' }, '/reason', /bidi/],
  [`${plan}/abort`, { reason: ' ab ' }, '/reason', /at least 3 characters besides white space/],
];

describe('the steps: 400 for each body rule, before anything is sent to the plan', () => {
  for (const [url, body, path, message] of STEP_RULES) {
    it(`${url.replace(plan, '…')} ${JSON.stringify(body)}`, async () => {
      const errors = await fieldErrors('POST', url, body);
      expect(errors).toContainEqual({ in: 'body', path, message: expect.stringMatching(message) });
    });
  }
});

describe('path and query parameters', () => {
  it('a plan id that cannot be one is 400 in params', async () => {
    for (const bad of ['Shop', 'a', 'x'.repeat(33), 'a--b', 'shop_1']) {
      const errors = await fieldErrors('GET', `/v1/plans/${bad}`);
      expect(errors).toContainEqual({
        in: 'params',
        path: '/planId',
        message: expect.stringMatching(/pattern|fewer/),
      });
    }
  });

  it('list filters are checked: a typo never lists nothing silently', async () => {
    const cases: Array<[string, string]> = [
      ['stage=awaiting-widnow', '/stage'],
      ['status=done', '/status'],
      ['pageSize=0', '/pageSize'],
      ['pageSize=1000', '/pageSize'],
      ['pageSize=ten', '/pageSize'],
      ['application=%27%20OR%201%3D1', '/application'],
      ['waitingFor=gate%3A%27x', '/waitingFor'],
      ['pageToken=%2B%2F%3D', '/pageToken'],
      ['sort=stage', '/sort'],
    ];
    for (const [query, path] of cases) {
      const errors = await fieldErrors('GET', `/v1/plans?${query}`);
      expect(
        errors.map((e) => `${e.in}${e.path}`),
        query,
      ).toContain(`querystring${path}`);
    }
  });

  it('a report format other than json or markdown is 400', async () => {
    const errors = await fieldErrors('GET', `${plan}/report?format=pdf`);
    expect(errors).toContainEqual({
      in: 'querystring',
      path: '/format',
      message: expect.stringMatching(/json|markdown|allowed/),
    });
  });

  it('a page token that is not one of ours is 400', async () => {
    // Well-formed, but its digest is not that of its content: not a token this API handed out.
    const errors = await fieldErrors('GET', '/v1/plans?pageToken=bm90LWEtdG9rZW4.AAAAAAAAAAAA');
    expect(errors).toEqual([
      { in: 'querystring', path: '/pageToken', message: 'is not a page token of this list' },
    ]);
  });
});
