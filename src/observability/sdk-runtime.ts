import { DefaultLogger, type LogEntry, Runtime } from '@temporalio/worker';
import type { Logger } from '../logging.js';
import { planBindingsFromMeta } from './plan-bindings.js';

export interface SdkRuntimeOptions {
  /** Serve the SDK's Prometheus metrics on <metricsHost>:<port>/metrics (workers, tasks, activities). */
  metricsPort?: number;
  /** 127.0.0.1 by default; 0.0.0.0 where a Prometheus on another host scrapes it (a Kubernetes pod). */
  metricsHost?: string;
}

let installed = false;

const LEVELS = { TRACE: 'trace', DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error' } as const;
const SDK_LEVELS: Record<string, keyof typeof LEVELS> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO',
  warn: 'WARN',
};

/** The SDK's own threshold follows pino's (FAILBACK_LOG_LEVEL), so debug shows workflow lifecycles. */
export function sdkLevel(pinoLevel: string): keyof typeof LEVELS {
  return SDK_LEVELS[pinoLevel] ?? 'ERROR';
}

/** The SDK's log entries as pino lines, with planId / workflowId where the metadata tells them. */
export function sdkLogFunction(logger: Logger): (entry: LogEntry) => void {
  return (entry) => {
    const meta = entry.meta as Record<string, unknown> | undefined;
    logger[LEVELS[entry.level]]({ ...meta, ...planBindingsFromMeta(meta), sdk: true }, entry.message);
  };
}

/**
 * Installs the Temporal Runtime: its logs (Core, worker, workflow and activity loggers) go to pino, its
 * metrics to a Prometheus endpoint. The Runtime exists once per process and is created by the first
 * SDK call that needs it, so this must run before any worker or native connection is made.
 */
export function installSdkRuntime(logger: Logger, options: SdkRuntimeOptions = {}): void {
  if (installed) return;
  installed = true;
  Runtime.install({
    logger: new DefaultLogger(sdkLevel(logger.level), sdkLogFunction(logger)),
    ...(options.metricsPort
      ? {
          telemetryOptions: {
            metrics: {
              prometheus: { bindAddress: `${options.metricsHost ?? '127.0.0.1'}:${options.metricsPort}` },
            },
          },
        }
      : {}),
  });
}
