import { createServer } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { PlanGateway } from '../../src/api/temporal/plans.js';
import { isTemporalReachable } from '../../src/clients/temporal.js';
import { bearer, TOKENS } from '../support/api.js';

/** A loopback port nobody listens on: Temporal "down". */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let app: Awaited<ReturnType<typeof buildApp>>;
let connection: Connection;
beforeAll(async () => {
  connection = Connection.lazy({ address: `127.0.0.1:${await closedPort()}`, connectTimeout: '1 second' });
  const client = new Client({ connection });
  app = await buildApp({
    logger: pino({ level: 'silent' }),
    tokens: Object.values(TOKENS),
    gateway: new PlanGateway({ client, taskQueue: 'failback', rpcTimeoutMs: 2_000, serverTimeoutMs: 2_000 }),
    temporalReachable: () => isTemporalReachable(connection),
  });
});
afterAll(async () => {
  await app?.close();
  await connection?.close();
});

describe('while Temporal is unreachable', () => {
  it('/healthz is fine, /readyz fails', { timeout: 10_000 }, async () => {
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toEqual({ status: 'not-ready', temporal: false });
  });

  it('requests that need it are 503 problems that say so, not 500s', { timeout: 30_000 }, async () => {
    const requests = [
      { method: 'GET' as const, url: '/v1/plans', headers: bearer('viewer') },
      { method: 'GET' as const, url: '/v1/plans/some-plan', headers: bearer('viewer') },
      {
        method: 'POST' as const,
        url: '/v1/plans/some-plan/abort',
        headers: bearer('operator'),
        payload: { reason: 'change freeze' },
      },
    ];
    const responses = await Promise.all(requests.map((request) => app.inject(request)));
    for (const response of responses) {
      expect(response.statusCode, response.body).toBe(503);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json()).toMatchObject({
        type: 'urn:failback:problem:temporal-unavailable',
        detail: expect.stringContaining('the Temporal server cannot be reached'),
      });
    }
  });

  it('still refuses bad requests first (401, 400) without waiting for Temporal', async () => {
    expect((await app.inject({ url: '/v1/plans' })).statusCode).toBe(401);
    const started = Date.now();
    const bad = await app.inject({ method: 'GET', url: '/v1/plans?stage=nope', headers: bearer('viewer') });
    expect(bad.statusCode).toBe(400);
    expect(Date.now() - started).toBeLessThan(500);
    expect(TOKENS.viewer.roles).toEqual(['viewer']);
  });
});
