import { existsSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { fileURLToPath } from 'node:url';
import {
  DefaultLogger,
  type NativeConnection,
  Runtime,
  Worker,
  type LogEntry,
  type WorkerOptions,
} from '@temporalio/worker';
import { createActivities } from './activities/index.js';
import type { TemporalConfig } from './config/index.js';
import type { Logger } from './logging.js';

/** The workflow code: the TypeScript source under tsx/vitest, the compiled file in dist/. */
export function workflowsPath(): string {
  const ts = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('./workflows/index.js', import.meta.url));
}

let runtimeInstalled = false;

/** Routes the SDK's own logs (Core, workflow and activity loggers) to pino. Once per process. */
export function installRuntimeLogger(logger: Logger): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const levels = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;
  Runtime.install({
    logger: new DefaultLogger('INFO', (entry: LogEntry) => {
      logger[levels[entry.level]]({ ...entry.meta, sdk: true }, entry.message);
    }),
  });
}

export interface CreateWorkerOptions {
  temporal: TemporalConfig;
  connection: NativeConnection;
  /** A prebuilt bundle (tests build it once); otherwise the workflows are bundled at start. */
  workflowBundle?: { codePath: string };
  overrides?: Partial<WorkerOptions>;
}

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  let client: Client | undefined;
  const temporalClient = () =>
    (client ??= new Client({
      connection: Connection.lazy({ address: options.temporal.address }),
      namespace: options.temporal.namespace,
    }));
  return Worker.create({
    connection: options.connection,
    namespace: options.temporal.namespace,
    taskQueue: options.temporal.taskQueue,
    activities: createActivities({ temporalClient }),
    ...(options.workflowBundle
      ? { workflowBundle: options.workflowBundle }
      : { workflowsPath: workflowsPath() }),
    // The SDK's default of 0 would cancel in-flight activities at once on Ctrl-C.
    shutdownGraceTime: '10 seconds',
    ...options.overrides,
  });
}
