import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { problemResponses } from '../responses.js';

export interface HealthDependencies {
  /** Whether Temporal answers right now. */
  temporalReachable(): Promise<boolean>;
}

const Readiness = Type.Object({
  status: Type.Enum(['ready', 'not-ready']),
  temporal: Type.Boolean({ description: 'The Temporal frontend answered' }),
});

/** Liveness (the process serves HTTP) and readiness (it can reach Temporal). No auth: probes use them. */
export async function healthRoutes(app: FastifyInstance, deps: HealthDependencies): Promise<void> {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness: the process serves HTTP',
        response: { 200: Type.Object({ status: Type.Literal('ok') }), ...problemResponses() },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: Temporal answers (503 while it does not)',
        response: { ...problemResponses(), 200: Readiness, 503: Readiness },
      },
    },
    async (_request, reply) => {
      const temporal = await deps.temporalReachable();
      return reply.code(temporal ? 200 : 503).send({ status: temporal ? 'ready' : 'not-ready', temporal });
    },
  );
}
