import { existsSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { fileURLToPath } from 'node:url';
import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from './activities/index.js';
import type { TemporalConfig } from './config/index.js';
import { connectionOptions } from './config/temporal-connection.js';
import { activityKeepAliveInterceptor } from './activities/keep-alive.js';
import type { Logger } from './logging.js';
import { activityPlanIdInterceptor } from './observability/activity-plan-id.js';
import { installSdkRuntime } from './observability/sdk-runtime.js';
import type { Tracing } from './observability/tracing.js';
import { tracingWorkerOptions } from './observability/worker-tracing.js';

/** The workflow code: the TypeScript source under tsx/vitest, the compiled file in dist/. */
export function workflowsPath(): string {
  const ts = fileURLToPath(new URL('./workflows/index.ts', import.meta.url));
  return existsSync(ts) ? ts : fileURLToPath(new URL('./workflows/index.js', import.meta.url));
}

/**
 * Workflow interceptor modules, in the worker and in every workflow bundle (bundleWorkflowCode's
 * `workflowInterceptorModules`): the Web UI's summaries and Current Details (workflows/details/).
 */
export function workflowInterceptorModules(): string[] {
  const ts = fileURLToPath(new URL('./workflows/details/interceptors.ts', import.meta.url));
  return [
    existsSync(ts) ? ts : fileURLToPath(new URL('./workflows/details/interceptors.js', import.meta.url)),
  ];
}

/** Routes the SDK's own logs to pino (kept for callers of the first version: see installSdkRuntime). */
export function installRuntimeLogger(logger: Logger): void {
  installSdkRuntime(logger);
}

export interface CreateWorkerOptions {
  /** Where the worker's own client (for activities that signal workflows) connects: as the worker. */
  temporal: Pick<TemporalConfig, 'address' | 'namespace' | 'taskQueue' | 'tls' | 'apiKey' | 'metadata'>;
  connection: NativeConnection;
  /** A prebuilt bundle (tests build it once); otherwise the workflows are bundled at start. */
  workflowBundle?: { codePath: string };
  overrides?: Partial<WorkerOptions>;
  /** OpenTelemetry, when the environment asks for traces (observability/tracing.ts). */
  tracing?: Tracing;
}

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  let client: Client | undefined;
  const temporalClient = () =>
    (client ??= new Client({
      connection: Connection.lazy(connectionOptions(options.temporal)),
      namespace: options.temporal.namespace,
    }));
  const traced = options.tracing ? tracingWorkerOptions(options.tracing) : undefined;
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
    interceptors: {
      activity: [activityPlanIdInterceptor, activityKeepAliveInterceptor, ...(traced?.activity ?? [])],
      // A prebuilt bundle has them already (test/global-setup.ts, docs: FAILBACK_WORKFLOW_BUNDLE).
      ...(options.workflowBundle
        ? {}
        : { workflowModules: [...workflowInterceptorModules(), ...(traced?.workflowModules ?? [])] }),
    },
    ...(traced ? { sinks: traced.sinks } : {}),
    ...options.overrides,
  });
}
