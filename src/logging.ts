import pino, { type Logger } from 'pino';
import type { LogConfig } from './config/index.js';

/**
 * The one logger factory: JSON lines for machines, pino-pretty in a terminal. Every component gets a
 * child with its name; plan-scoped lines add planId / workflowId as bindings.
 */
export function createLogger(config: LogConfig, name: string): Logger {
  return pino({
    name,
    level: config.level,
    ...(config.pretty
      ? {
          transport: {
            target: 'pino-pretty',
            options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
          },
        }
      : {}),
  });
}

export type { Logger };
