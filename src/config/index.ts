/**
 * Runtime configuration, from the environment only (12-factor): the same variables drive npm start,
 * the tests, docker-compose and a production deployment. Documented in README.md.
 */
export interface TemporalConfig {
  address: string;
  namespace: string;
  taskQueue: string;
}

export interface ApiConfig {
  host: string;
  port: number;
}

export interface AwsConfig {
  /** A real or emulated endpoint for every AWS service (AWS_ENDPOINT_URL); undefined: AWS itself. */
  endpointUrl: string | undefined;
}

export interface LogConfig {
  level: string;
  /** Human-readable lines in a terminal, JSON otherwise (or FAILBACK_LOG_PRETTY=0/1). */
  pretty: boolean;
}

export interface Config {
  temporal: TemporalConfig;
  api: ApiConfig;
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

function flag(raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(raw.toLowerCase());
}

export function loadConfig(env: Env = process.env): Config {
  return {
    temporal: {
      address: env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
      namespace: env.TEMPORAL_NAMESPACE || 'default',
      // The contract's queue is `failback`; tests isolate themselves with their own queue.
      taskQueue: env.FAILBACK_TASK_QUEUE || 'failback',
    },
    api: {
      host: env.FAILBACK_API_HOST || '127.0.0.1',
      port: port(env, 'FAILBACK_API_PORT', 8080),
    },
    aws: { endpointUrl: env.AWS_ENDPOINT_URL || undefined },
    log: {
      level: env.FAILBACK_LOG_LEVEL || env.LOG_LEVEL || 'info',
      pretty: flag(env.FAILBACK_LOG_PRETTY, Boolean(process.stdout.isTTY)),
    },
  };
}
