import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { temporal } from '@temporalio/proto';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runSchemathesis } from '../../scripts/fuzz/schemathesis.js';
import { REPO_ROOT } from '../../scripts/stack/paths.js';
import { buildApp } from '../../src/api/app.js';
import { PlanGateway } from '../../src/api/temporal/plans.js';
import { isTemporalReachable } from '../../src/clients/temporal.js';
import { SEARCH_ATTRIBUTE_NAMES } from '../../src/domain/search-attributes.js';
import { createWorker } from '../../src/worker.js';
import { eventually, TOKENS } from '../support/api.js';
import { uniqueTaskQueue } from '../support/temporal.js';

/**
 * The bounded form of `npm run test:fuzz`: schemathesis against /openapi.json of the real API (real
 * Temporal, a product worker, the emulator) with an operator's and an approver's token. It must find
 * no server error and nothing the OpenAPI document does not declare (status, content type, schema).
 * In a namespace of its own: the plans other test files leave in the shared one have no worker any
 * more, and their 503s ("no worker answered") are right, but not this test's subject.
 */
const namespace = `fuzz-${randomBytes(4).toString('hex')}`;
let connection: Connection;
let nativeConnection: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let app: FastifyInstance;
let url: string;

beforeAll(async () => {
  connection = await Connection.connect({ address: inject('temporalAddress') });
  await connection.workflowService.registerNamespace({
    namespace,
    workflowExecutionRetentionPeriod: msToTs(86_400_000),
  });
  await eventually(() => connection.workflowService.describeNamespace({ namespace }), 30_000);
  await connection.operatorService.addSearchAttributes({
    namespace,
    searchAttributes: Object.fromEntries(
      SEARCH_ATTRIBUTE_NAMES.map((n) => [
        n,
        temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
  const taskQueue = uniqueTaskQueue('fuzz');
  nativeConnection = await NativeConnection.connect({ address: inject('temporalAddress') });
  worker = await createWorker({
    temporal: { address: inject('temporalAddress'), namespace, taskQueue },
    connection: nativeConnection,
    workflowBundle: { codePath: inject('workflowBundlePath') },
  });
  running = worker.run();
  const client = new Client({ connection, namespace });
  app = await buildApp({
    logger: pino({ level: 'silent' }),
    tokens: Object.values(TOKENS),
    gateway: new PlanGateway({
      client,
      taskQueue,
      tuning: { timeScale: 0.001 },
      awsEndpoint: inject('awsEndpoint'),
    }),
    temporalReachable: () => isTemporalReachable(connection),
  });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  if (worker?.getState() === 'RUNNING') worker.shutdown();
  await running;
  await nativeConnection?.close();
  await connection?.close();
});

describe('schemathesis against the OpenAPI document (bounded)', () => {
  for (const role of ['operator', 'approver'] as const) {
    it(`finds no failure with an ${role} token`, async () => {
      const result = await runSchemathesis({
        openapiUrl: `${url}/openapi.json`,
        label: `bounded-${role}`,
        token: TOKENS[role].token,
        maxTimeSeconds: 45,
        maxExamples: 8,
        reportDir: path.join(REPO_ROOT, 'test-results', 'fuzz'),
        log: (line) => process.env.FAILBACK_FUZZ_VERBOSE && process.stderr.write(`${line}\n`),
      });
      expect(result.exitCode, result.summary).toBe(0);
      const cases = /Test cases:\s+(\d+) generated, (\d+) passed/.exec(result.summary);
      expect(cases, result.summary).not.toBeNull();
      expect(Number(cases![1])).toBeGreaterThan(100);
      expect(cases![2]).toBe(cases![1]);
    }, 300_000);
  }
});
