import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from '../logging.js';
import { healthRoutes, type HealthDependencies } from './routes/health/index.js';

export interface AppDependencies extends HealthDependencies {
  logger: Logger;
}

/** Builds the HTTP API (not listening yet): plugins for cross-cutting concerns, then one module per route. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({ loggerInstance: deps.logger as FastifyBaseLogger });
  await app.register(healthRoutes, deps);
  return app;
}
