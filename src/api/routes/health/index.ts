import type { FastifyInstance } from 'fastify';

export interface HealthDependencies {
  /** Whether Temporal answers right now. */
  temporalReachable(): Promise<boolean>;
}

/** Liveness (the process serves HTTP) and readiness (it can reach Temporal). No auth: probes use them. */
export async function healthRoutes(app: FastifyInstance, deps: HealthDependencies): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const temporal = await deps.temporalReachable();
    return reply.code(temporal ? 200 : 503).send({ status: temporal ? 'ready' : 'not-ready', temporal });
  });
}
