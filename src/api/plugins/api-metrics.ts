import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

const LABELS = ['method', 'route', 'status_code'] as const;

/**
 * The API's Prometheus registry and request metrics, made before fastify itself: errors that Node's
 * HTTP parser answers (431, a malformed request line) never reach a fastify hook, and are counted from
 * the client-error handler instead (framework-errors.ts).
 */
export class ApiMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<(typeof LABELS)[number]>;
  private readonly duration: Histogram<(typeof LABELS)[number]>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'failback_api_' });
    this.requests = new Counter({
      name: 'failback_api_requests_total',
      help: 'HTTP requests answered, by route template and status code',
      labelNames: LABELS,
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: 'failback_api_request_duration_seconds',
      help: 'HTTP request latency, by route template and status code',
      labelNames: LABELS,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
  }

  /** One answered request; `route` is the route template, never the raw URL (plan ids would explode it). */
  count(method: string, route: string, statusCode: number, seconds?: number): void {
    const labels = { method, route, status_code: String(statusCode) };
    this.requests.inc(labels);
    if (seconds !== undefined) this.duration.observe(labels, seconds);
  }
}
