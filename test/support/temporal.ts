import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { afterAll, beforeAll, inject } from 'vitest';
import { createWorker } from '../../src/worker.js';

/** A task queue of this test's own, so parallel test files never take each other's tasks. */
export function uniqueTaskQueue(prefix = 'test'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export async function testClient(): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: inject('temporalAddress') });
  return { client: new Client({ connection, namespace: inject('temporalNamespace') }), connection };
}

export interface RunningWorker {
  worker: Worker;
  taskQueue: string;
  /** Shuts the worker down and waits until it has stopped. */
  stop(): Promise<void>;
}

/** The product's worker (same activities, the workflow bundle built once by global setup). */
export async function startTestWorker(
  taskQueue: string,
  overrides: Partial<WorkerOptions> = {},
): Promise<RunningWorker> {
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const worker = await createWorker({
    temporal: { address: inject('temporalAddress'), namespace: inject('temporalNamespace'), taskQueue },
    connection,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    overrides,
  });
  const running = worker.run();
  return {
    worker,
    taskQueue,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/**
 * For a describe block: a client and the product's worker on a task queue of its own, started before
 * the block's tests and stopped after them. Read `client` inside the tests (it is set by beforeAll).
 */
export function useProductWorker(prefix: string): { readonly client: Client; readonly taskQueue: string } {
  const taskQueue = uniqueTaskQueue(prefix);
  let client: Client | undefined;
  let connection: Connection | undefined;
  let worker: RunningWorker | undefined;
  beforeAll(async () => {
    ({ client, connection } = await testClient());
    worker = await startTestWorker(taskQueue);
  });
  afterAll(async () => {
    await worker?.stop();
    await connection?.close();
  });
  return {
    taskQueue,
    get client() {
      if (!client) throw new Error('useProductWorker: the client is set in beforeAll');
      return client;
    },
  };
}

/** A worker serving the product's workflows with the given activities (fakes for branching tests). */
export async function startWorkerWith(
  taskQueue: string,
  activities: object,
  overrides: Partial<WorkerOptions> = {},
): Promise<RunningWorker> {
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const worker = await Worker.create({
    connection,
    namespace: inject('temporalNamespace'),
    taskQueue,
    workflowBundle: { codePath: inject('workflowBundlePath') },
    activities,
    ...overrides,
  });
  const running = worker.run();
  return {
    worker,
    taskQueue,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
    },
  };
}
