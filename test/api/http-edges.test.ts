import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { PlanGateway } from '../../src/api/temporal/plans.js';
import { decodePageToken, encodePageToken } from '../../src/api/temporal/visibility.js';
import { bearer, TOKENS } from '../support/api.js';

/**
 * What fastify and Node refuse before a route runs, and what the API refuses before it asks Temporal:
 * all problem+json, counted in /metrics, declared in the OpenAPI document, nothing echoed or logged
 * that should not be. Temporal is unreachable here (port 1): a 400 proves nothing was sent.
 */
const lines: string[] = [];
let app: Awaited<ReturnType<typeof buildApp>>;
let connection: Connection;
let url: string;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  connection = Connection.lazy({ address: '127.0.0.1:1' });
  app = await buildApp({
    logger: pino({ level: 'info' }, sink),
    tokens: Object.values(TOKENS),
    gateway: new PlanGateway({
      client: new Client({ connection }),
      taskQueue: 'failback',
      rpcTimeoutMs: 1000,
    }),
    temporalReachable: async () => false,
  });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  await connection?.close();
});

async function problem(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = await response.text();
  const parsed = JSON.parse(body) as { status: number; type: string; detail: string };
  expect(parsed.status).toBe(response.status);
  return { ...parsed, body };
}

async function counted(status: number): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const line = metrics
    .split('\n')
    .find((l) => l.startsWith('failback_api_requests_total{') && l.includes(`status_code="${status}"`));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('errors fastify and Node raise themselves', () => {
  it('414 for a 5,000-character plan id: problem+json, the path neither echoed nor logged, counted', async () => {
    const longId = 'a'.repeat(5000);
    const before = await counted(414);
    const response = await fetch(`${url}/v1/plans/${longId}`, { headers: bearer('viewer') });
    expect(response.status).toBe(414);
    const { body } = await problem(response);
    expect(body).not.toContain('a'.repeat(250));
    expect(body.length).toBeLessThan(400);
    expect(await counted(414)).toBe(before + 1);
    expect(lines.some((l) => l.includes('a'.repeat(250)))).toBe(false);
  });

  it('431 for oversized headers, from Node’s parser: problem+json, counted', async () => {
    const before = await counted(431);
    const response = await fetch(`${url}/v1/plans`, {
      headers: { ...bearer('viewer'), 'x-filler': 'x'.repeat(20_000) },
    });
    expect(response.status).toBe(431);
    await problem(response);
    expect(await counted(431)).toBe(before + 1);
  });

  it('400 for a URL that does not decode, 413 for a body too large, 415 for a body not JSON', async () => {
    const bad = await fetch(`${url}/v1/plans/%zz`, { headers: bearer('viewer') });
    expect(bad.status).toBe(400);
    await problem(bad);
    const before = await counted(413);
    const large = await fetch(`${url}/v1/plans`, {
      method: 'POST',
      headers: { ...bearer('operator'), 'content-type': 'application/json' },
      body: `{"x":"${'x'.repeat(1_100_000)}"}`,
    });
    expect(large.status).toBe(413);
    await problem(large);
    expect(await counted(413)).toBe(before + 1);
    const text = await fetch(`${url}/v1/plans`, {
      method: 'POST',
      headers: { ...bearer('operator'), 'content-type': 'application/xml' },
      body: '<plan/>',
    });
    expect(text.status).toBe(415);
    await problem(text);
  });

  it('declares them in the OpenAPI document: every route 414, 431 and 500; a route with a body 413 and 415', async () => {
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
    };
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const codes = Object.keys(operation.responses);
        expect(codes, `${method} ${path}`).toEqual(expect.arrayContaining(['414', '431', '500']));
        if (operation.requestBody)
          expect(codes, `${method} ${path}`).toEqual(expect.arrayContaining(['413', '415']));
      }
    }
  });
});

describe('the request log', () => {
  it('redacts credentials in a query string', async () => {
    await fetch(`${url}/v1/plans?access_token=s3cr3t-in-the-url&stage=failback`, {
      headers: bearer('viewer'),
    });
    await fetch(`${url}/healthz?api_key=another-s3cr3t`);
    const logged = lines.join('\n');
    expect(logged).not.toContain('s3cr3t');
    expect(logged).toContain('access_token=[redacted]&stage=failback');
  });
});

describe('page tokens', () => {
  it('refuses one this API did not hand out at once, with a 400, without asking Temporal', async () => {
    for (const token of ['Nk', 'e30', `${Buffer.from('{"RunID":"x"}').toString('base64url')}.AAAAAAAAAAAA`]) {
      const response = await fetch(`${url}/v1/plans?pageToken=${token}`, { headers: bearer('viewer') });
      expect(response.status, token).toBe(400);
      await problem(response);
    }
  });

  it('round-trips Temporal’s own token, whatever its bytes', () => {
    const raw = Buffer.from([0, 1, 2, 250, 255, 123]);
    const token = encodePageToken(raw)!;
    expect(Buffer.from(decodePageToken(token)!)).toEqual(raw);
    expect(decodePageToken(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeNull();
    expect(decodePageToken(undefined)).toEqual(Buffer.alloc(0));
    expect(encodePageToken(Buffer.alloc(0))).toBeNull();
  });
});

describe('a person’s text (abort reason, reject comment)', () => {
  const abort = (reason: unknown) =>
    app.inject({
      method: 'POST',
      url: '/v1/plans/shop-1/abort',
      headers: bearer('operator'),
      payload: { reason },
    });

  it('is refused with a 400 when blank, too short, or with control, zero-width or bidi characters', async () => {
    for (const reason of [
      '   ',
      ' \t\n ',
      'ab',
      '  ab  ',
      'stop\u0000now',
      'ok \u202Eevil',
      'zero\u200Bwidth',
      '\uFEFFbom',
    ]) {
      const response = await abort(reason);
      expect(response.statusCode, JSON.stringify(reason)).toBe(400);
      expect(response.json<{ errors: Array<{ path: string }> }>().errors[0]!.path).toBe('/reason');
    }
    const reject = await app.inject({
      method: 'POST',
      url: '/v1/plans/shop-1/approvals',
      headers: bearer('approver'),
      payload: { gate: 'test-failback', decision: 'reject', comment: '  ' },
    });
    expect(reject.statusCode).toBe(400);
  });

  it('passes a real reason, with line breaks and non-Latin letters, on to Temporal (here: 503)', async () => {
    const response = await abort('  Änderungssperre verlängert:\nneuer Termin folgt  ');
    expect(response.statusCode).toBe(503);
  });
});
