import { randomBytes } from 'node:crypto';
import type { Client, Connection } from '@temporalio/client';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { inject } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { PlanGateway } from '../../src/api/temporal/plans.js';
import { isTemporalReachable } from '../../src/clients/temporal.js';
import type { ApiRole, ApiToken } from '../../src/config/index.js';
import { testClient } from './temporal.js';

/** One token per role, plus one with every role; names are what the audit log must show. */
export const TOKENS = {
  viewer: { token: `viewer-${randomBytes(12).toString('hex')}`, name: 'vera-viewer', roles: ['viewer'] },
  operator: {
    token: `operator-${randomBytes(12).toString('hex')}`,
    name: 'olga-operator',
    roles: ['operator'],
  },
  approver: {
    token: `approver-${randomBytes(12).toString('hex')}`,
    name: 'anna-approver',
    roles: ['approver'],
  },
  all: {
    token: `all-${randomBytes(12).toString('hex')}`,
    name: 'root-all',
    roles: ['viewer', 'operator', 'approver'],
  },
} satisfies Record<string, ApiToken & { roles: ApiRole[] }>;

export type TokenName = keyof typeof TOKENS;

export const bearer = (who: TokenName) => ({ authorization: `Bearer ${TOKENS[who].token}` });

/** A unique, valid plan id for this test run. */
export const newPlanId = (prefix = 'api') => `${prefix}-${randomBytes(4).toString('hex')}`;

export interface TestApi {
  app: FastifyInstance;
  client: Client;
  connection: Connection;
  request(who: TokenName | null, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

/** The real API over the integration run's Temporal server, with plans on the given task queue. */
export async function startTestApi(taskQueue: string, logLevel = 'silent'): Promise<TestApi> {
  const { client, connection } = await testClient();
  const app = await buildApp({
    logger: pino({ level: logLevel }),
    tokens: Object.values(TOKENS),
    gateway: new PlanGateway({
      client,
      taskQueue,
      tuning: { timeScale: 0.001 },
      preflightTimeoutMs: 60_000,
      awsEndpoint: inject('awsEndpoint'),
    }),
    temporalReachable: () => isTemporalReachable(connection),
  });
  await app.ready();
  return {
    app,
    client,
    connection,
    request: (who, options) =>
      app.inject({ ...options, headers: { ...(who ? bearer(who) : {}), ...options.headers } }),
    async close() {
      await app.close();
      await connection.close();
    },
  };
}

/** Retries `check` until it stops throwing (visibility and stage changes are eventually visible). */
export async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
