import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Tracer } from '@opentelemetry/api';
import type { ApiToken } from '../config/index.js';
import type { Logger } from '../logging.js';
import { ApiMetrics } from './plugins/api-metrics.js';
import auth from './plugins/auth.js';
import errors from './plugins/errors.js';
import { frameworkErrorHandlers } from './plugins/framework-errors.js';
import metrics from './plugins/metrics.js';
import { childLoggerFactory } from './plugins/request-log.js';
import tracing from './plugins/tracing.js';
import swagger from './plugins/swagger.js';
import { addSharedSchema, validatorCompiler } from './plugins/validation.js';
import { healthRoutes, type HealthDependencies } from './routes/health/index.js';
import { planRoutes } from './routes/plans/index.js';
import { reportRoutes } from './routes/plans/report.js';
import { stepRoutes } from './routes/plans/steps.js';
import { preflightRoutes } from './routes/preflight/index.js';
import { SHARED_SCHEMAS } from './schemas/shared.js';
import type { PlanGateway } from './temporal/plans.js';

export interface AppDependencies extends HealthDependencies {
  logger: Logger;
  tokens: readonly ApiToken[];
  gateway: PlanGateway;
  /** The Prometheus registry of /metrics (a fresh one by default). */
  metrics?: ApiMetrics;
  /** OpenTelemetry: a span per request when given (OTEL_* variables, observability/tracing.ts). */
  tracer?: Tracer;
}

/** Builds the HTTP API (not listening yet): plugins for cross-cutting concerns, then one module per route. */
export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const apiMetrics = deps.metrics ?? new ApiMetrics();
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    childLoggerFactory,
    // Plan ids and tokens never need more; a 64 KiB query string is an attack, not a request.
    routerOptions: { maxParamLength: 200 },
    ...frameworkErrorHandlers(apiMetrics),
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  for (const schema of SHARED_SCHEMAS) {
    app.addSchema(schema);
    addSharedSchema(schema);
  }

  if (deps.tracer) await app.register(tracing, { tracer: deps.tracer });
  await app.register(errors);
  await app.register(metrics, { metrics: apiMetrics });
  // The plans' gauges (stage, waiting since, window) for the alert rules: read at scrape time.
  deps.gateway.registerPlanMetrics(apiMetrics.registry);
  await app.register(swagger);
  await app.register(auth, { tokens: deps.tokens });

  await app.register(healthRoutes, deps);
  await app.register(planRoutes, { gateway: deps.gateway });
  await app.register(stepRoutes, { gateway: deps.gateway });
  await app.register(reportRoutes, { gateway: deps.gateway });
  await app.register(preflightRoutes, { gateway: deps.gateway });
  return app;
}
