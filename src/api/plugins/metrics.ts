import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/swagger';
import fp from 'fastify-plugin';
import type { ApiMetrics } from './api-metrics.js';

export interface MetricsOptions {
  metrics: ApiMetrics;
}

/**
 * Prometheus metrics at /metrics: request counts and latencies by route template and status code
 * (every answer fastify sends, its own errors included), Node's process metrics, and whatever else is
 * registered in the same registry (plan gauges).
 */
async function metricsPlugin(app: FastifyInstance, { metrics }: MetricsOptions): Promise<void> {
  app.addHook('onResponse', async (request, reply) => {
    metrics.count(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}

export default fp(metricsPlugin, { name: 'metrics' });
