import type { FastifyInstance } from 'fastify';
import type {} from '@fastify/swagger';
import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * Prometheus metrics at /metrics: request counts and latencies by route template (never the raw URL:
 * plan ids would explode the label set) and status code, plus Node's process metrics.
 */
async function metricsPlugin(app: FastifyInstance): Promise<void> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'failback_api_' });
  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({
    name: 'failback_api_requests_total',
    help: 'HTTP requests answered, by route template and status code',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'failback_api_request_duration_seconds',
    help: 'HTTP request latency, by route template and status code',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });

  app.addHook('onResponse', async (request, reply) => {
    const labels = {
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status_code: String(reply.statusCode),
    };
    requests.inc(labels);
    duration.observe(labels, reply.elapsedTime / 1000);
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}

export default fp(metricsPlugin, { name: 'metrics' });
