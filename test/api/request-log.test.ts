import { Writable } from 'node:stream';
import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { planBindings } from '../../src/api/plugins/request-log.js';
import { PlanGateway } from '../../src/api/temporal/plans.js';
import { bearer, TOKENS } from '../support/api.js';

const lines: Array<Record<string, unknown>> = [];
let app: Awaited<ReturnType<typeof buildApp>>;
let connection: Connection;

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  connection = Connection.lazy({ address: '127.0.0.1:1' });
  app = await buildApp({
    logger: pino({ level: 'info' }, sink),
    tokens: Object.values(TOKENS),
    gateway: new PlanGateway({ client: new Client({ connection }), taskQueue: 'failback' }),
    temporalReachable: async () => false,
  });
});
afterAll(async () => {
  await app?.close();
  await connection?.close();
});

describe('the request log', () => {
  it('binds planId and workflowId to every line of a request about a plan, and the caller once known', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/plans/shop-2026-11/approvals',
      headers: bearer('viewer'),
      payload: { gate: 'failback', decision: 'approve' },
    });
    expect(response.statusCode).toBe(403);
    const ours = lines.filter((l) => l.reqId === lines.find((x) => x.msg === 'incoming request')?.reqId);
    expect(ours.map((l) => l.msg)).toEqual(['incoming request', 'request refused', 'request completed']);
    for (const line of ours)
      expect(line).toMatchObject({ planId: 'shop-2026-11', workflowId: 'failback-shop-2026-11' });
    expect(ours[1]).toMatchObject({ by: TOKENS.viewer.name, status: 403 });
  });

  it('reads the plan from the path only when it can be a plan id', () => {
    expect(planBindings('/v1/plans/shop-1/report?format=markdown')).toEqual({
      planId: 'shop-1',
      workflowId: 'failback-shop-1',
    });
    expect(planBindings('/v1/plans/shop-1')).toEqual({ planId: 'shop-1', workflowId: 'failback-shop-1' });
    expect(planBindings('/v1/plans?stage=failback')).toEqual({});
    expect(planBindings('/v1/plans/NOT_A_PLAN')).toEqual({});
    expect(planBindings(undefined)).toEqual({});
  });
});
