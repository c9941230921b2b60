import { type ApiToken, parseApiTokens } from './api-tokens.js';
import { temporalConnectionSettings, type TemporalConnectionSettings } from './temporal-connection.js';

/**
 * Runtime configuration, from the environment only (12-factor): the same variables drive npm start,
 * the tests, docker-compose and a production deployment. Documented in README.md.
 */
export interface TemporalConfig extends TemporalConnectionSettings {
  taskQueue: string;
}

export interface ApiConfig {
  host: string;
  port: number;
  /** FAILBACK_API_TOKENS; undefined when unset (the API refuses to start, the worker does not care). */
  tokens: ApiToken[] | undefined;
}

export interface WorkerConfig {
  /** The SDK's Prometheus endpoint on 127.0.0.1 (FAILBACK_WORKER_METRICS_PORT; 0 turns it off). */
  metricsPort: number | undefined;
  /** FAILBACK_WORKER_METRICS_HOST: where that endpoint listens (127.0.0.1; 0.0.0.0 in a pod). */
  metricsHost: string;
  /**
   * FAILBACK_WORKFLOW_BUNDLE: a workflow bundle built beforehand (bundleWorkflowCode's code, as a
   * file), so a worker starts without bundling; undefined: the workflows are bundled at start.
   */
  workflowBundlePath: string | undefined;
  /**
   * FAILBACK_WORKER_MAX_ACTIVITIES (default 1,000): activities this worker runs at once. The SDK's
   * default of 100 is for busy activities; ours wait on AWS (heartbeating) most of their time, and a
   * copy holding one of AWS's few copy slots must not queue behind a hundred waiting restores.
   */
  maxConcurrentActivities: number;
}

export interface AwsConfig {
  /** A real or emulated endpoint for every AWS service (AWS_ENDPOINT_URL); undefined: AWS itself. */
  endpointUrl: string | undefined;
}

export interface PlanDefaults {
  /**
   * FAILBACK_TIME_SCALE, passed to plans the API starts (FailbackPlanInput.tuning) so their retry
   * intervals and heartbeats follow the emulator's scaled clock; undefined (1) against AWS.
   */
  timeScale: number | undefined;
}

export interface LogConfig {
  level: string;
  /** Human-readable lines in a terminal, JSON otherwise (or FAILBACK_LOG_PRETTY=0/1). */
  pretty: boolean;
}

export interface Config {
  temporal: TemporalConfig;
  api: ApiConfig;
  worker: WorkerConfig;
  plans: PlanDefaults;
  aws: AwsConfig;
  log: LogConfig;
}

type Env = Record<string, string | undefined>;

function port(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be a port number (0-65535), got '${raw}'`);
  }
  return value;
}

function positiveInteger(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} must be a whole number of at least 1, got '${raw}'`);
  }
  return value;
}

function timeScale(env: Env): number | undefined {
  const raw = env.FAILBACK_TIME_SCALE;
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 1) {
    throw new Error(`FAILBACK_TIME_SCALE must be a number in (0, 1], got '${raw}'`);
  }
  return value === 1 ? undefined : value;
}

function flag(raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(raw.toLowerCase());
}

export function loadConfig(env: Env = process.env): Config {
  return {
    temporal: {
      // Address, namespace, TLS, client certificates, API key: envconfig (temporal-connection.ts).
      ...temporalConnectionSettings(env),
      // The contract's queue is `failback`; tests isolate themselves with their own queue.
      taskQueue: env.FAILBACK_TASK_QUEUE || 'failback',
    },
    api: {
      host: env.FAILBACK_API_HOST || '127.0.0.1',
      port: port(env, 'FAILBACK_API_PORT', 8080),
      tokens: env.FAILBACK_API_TOKENS ? parseApiTokens(env.FAILBACK_API_TOKENS) : undefined,
    },
    worker: {
      metricsPort: port(env, 'FAILBACK_WORKER_METRICS_PORT', 9464) || undefined,
      metricsHost: env.FAILBACK_WORKER_METRICS_HOST || '127.0.0.1',
      workflowBundlePath: env.FAILBACK_WORKFLOW_BUNDLE || undefined,
      maxConcurrentActivities: positiveInteger(env, 'FAILBACK_WORKER_MAX_ACTIVITIES', 1000),
    },
    plans: { timeScale: timeScale(env) },
    aws: { endpointUrl: env.AWS_ENDPOINT_URL || undefined },
    log: {
      level: env.FAILBACK_LOG_LEVEL || env.LOG_LEVEL || 'info',
      pretty: flag(env.FAILBACK_LOG_PRETTY, Boolean(process.stdout.isTTY)),
    },
  };
}

/** The API's tokens, or a start-up error that says how to give them. */
export function requireApiTokens(config: Config): ApiToken[] {
  if (!config.api.tokens) {
    throw new Error(
      'FAILBACK_API_TOKENS is not set: the API needs at least one token, e.g. ' +
        `FAILBACK_API_TOKENS='[{"token":"<32 random characters>","name":"alice","roles":["operator","approver"]}]'` +
        ' (roles: viewer, operator, approver; `npm start` generates demo tokens when it is unset)',
    );
  }
  return config.api.tokens;
}

export type { ApiRole, ApiToken } from './api-tokens.js';
