import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, TOKENS, type TestApi } from '../support/api.js';
import { validSpec } from '../support/specs.js';
import { uniqueTaskQueue } from '../support/temporal.js';
import { ENDPOINTS } from './endpoints.js';

/**
 * Property: whatever a client sends — any JSON, broken JSON, odd headers, odd paths and queries — the
 * API answers below 500, and every error is a problem+json document. No worker serves this task queue,
 * and every generated plan spec is invalid, so nothing can start.
 */
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi(uniqueTaskQueue('api-fuzz'));
});
afterAll(async () => api?.close());

const answered: number[] = [];
async function expectNoServerError(options: InjectOptions): Promise<LightMyRequestResponse> {
  const response = await api.app.inject(options);
  answered.push(response.statusCode);
  const what = `${options.method} ${options.url} → ${response.statusCode} ${response.body.slice(0, 300)}`;
  expect(response.statusCode, what).toBeLessThan(500);
  if (response.statusCode >= 400) {
    expect(response.headers['content-type'], what).toMatch(/^application\/problem\+json/);
    expect(response.json<{ status: number }>().status, what).toBe(response.statusCode);
  }
  return response;
}

const printable = (maxLength = 80) => fc.string({ unit: 'grapheme-ascii', maxLength });
const authorization = fc.oneof(
  fc.constantFrom(...Object.values(TOKENS).map((t) => `Bearer ${t.token}`)),
  printable().map((s) => `Bearer ${s}`),
  printable(),
  fc.constant(undefined),
);
const planId = fc.oneof(
  fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}[a-z0-9]$/),
  printable(40).map(encodeURIComponent),
);
const endpoint = fc.constantFrom(...ENDPOINTS);

type Json = unknown;
/** A valid plan spec made invalid in one place: a wrong type, an unknown field, or `by`. */
function breakSpec(path: number[], kind: number, junk: Json): Json {
  const spec = structuredClone(validSpec()) as unknown as Record<string, Json>;
  let node: Record<string, Json> = spec;
  for (const choice of path) {
    const keys = Object.keys(node).filter((k) => typeof node[k] === 'object' && node[k] !== null);
    if (keys.length === 0) break;
    node = node[keys[choice % keys.length]!] as Record<string, Json>;
  }
  const keys = Object.keys(node);
  const key = keys[kind % Math.max(keys.length, 1)];
  if (Array.isArray(node))
    (node as Json[]).push({ [`unknown_${kind}`]: junk }); // no element shape has it
  else if (kind % 3 === 0 || key === undefined) node[`unknown_${kind}`] = junk;
  else if (kind % 3 === 1) node.by = 'mallory';
  else {
    const value = node[key];
    // Same type would maybe stay valid: always another JSON type.
    node[key] =
      typeof value === 'string' ? (typeof junk === 'string' ? 42 : (junk ?? 7)) : `${JSON.stringify(junk)}!`;
  }
  return spec;
}
const brokenSpec = fc
  .tuple(fc.array(fc.nat(), { maxLength: 4 }), fc.nat(), fc.jsonValue())
  .map(([p, k, j]) => breakSpec(p, k, j));

describe('no 5xx for generated bad input (property-based)', () => {
  it('any JSON body on every endpoint, with valid or odd tokens', async () => {
    await fc.assert(
      fc.asyncProperty(
        endpoint,
        planId,
        authorization,
        fc.jsonValue({ maxDepth: 4 }),
        async (e, id, auth, body) => {
          // A JSON body that is a valid plan spec cannot come out of jsonValue in practice, but be sure.
          const isSpecEndpoint = !e.perPlan && e.method === 'POST';
          const payload =
            isSpecEndpoint && typeof body === 'object' && body !== null ? { ...body, by: 'x' } : body;
          await expectNoServerError({
            method: e.method,
            url: e.url.replace('{planId}', id),
            headers: { ...(auth ? { authorization: auth } : {}), 'content-type': 'application/json' },
            payload: JSON.stringify(payload) ?? 'null',
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('valid specs broken in one place, on POST /v1/plans and /v1/preflight', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('/v1/plans', '/v1/preflight'), brokenSpec, async (url, spec) => {
        const response = await expectNoServerError({
          method: 'POST',
          url,
          headers: { authorization: `Bearer ${TOKENS.operator.token}` },
          payload: spec as object,
        });
        expect(response.statusCode).toBe(400);
      }),
      { numRuns: 200 },
    );
  });

  it('raw bodies with any content type and odd headers', async () => {
    await fc.assert(
      fc.asyncProperty(
        endpoint,
        authorization,
        fc.oneof(
          fc.constantFrom(
            'application/json',
            'application/json; charset=utf-8',
            'text/plain',
            'application/x-www-form-urlencoded',
            'application/problem+json',
            'multipart/form-data; boundary=x',
            'application/json; charset=latin1',
          ),
          printable(40),
        ),
        fc.oneof(printable(200), fc.json(), fc.constant('')),
        fc.dictionary(fc.stringMatching(/^x-[a-z]{1,10}$/), printable(40), { maxKeys: 3 }),
        async (e, auth, contentType, raw, extra) => {
          await expectNoServerError({
            method: e.method === 'GET' ? 'POST' : e.method,
            url: e.url.replace('{planId}', 'fuzz-plan'),
            headers: { ...extra, ...(auth ? { authorization: auth } : {}), 'content-type': contentType },
            payload: raw,
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any query string on the list and the report', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v1/plans', '/v1/plans/fuzz-plan/report', '/v1/plans/fuzz-plan'),
        fc.dictionary(
          fc.oneof(
            fc.constantFrom(
              'stage',
              'application',
              'status',
              'waitingFor',
              'pageSize',
              'pageToken',
              'format',
            ),
            printable(10),
          ),
          fc.oneof(printable(30), fc.integer().map(String)),
          { maxKeys: 4 },
        ),
        async (path, query) => {
          await expectNoServerError({
            method: 'GET',
            url: `${path}?${new URLSearchParams(query).toString()}`,
            headers: { authorization: `Bearer ${TOKENS.viewer.token}` },
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('covered what it meant to: 400s, 401s, 403s, 404s and 415s all occurred', () => {
    const seen = new Set(answered);
    for (const status of [400, 401, 403, 404, 415]) expect(seen, `status ${status}`).toContain(status);
    expect(answered.length).toBeGreaterThanOrEqual(1000);
  });
});
