import { context, SpanKind, SpanStatusCode, trace, type Span, type Tracer } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { loggedUrl } from './request-log.js';

declare module 'fastify' {
  interface FastifyRequest {
    span: Span | null;
  }
}

export interface TracingOptions {
  tracer: Tracer;
}

const ROUTE_UNKNOWN = 'unmatched';

/**
 * A server span per request (`POST /v1/plans/:planId/approvals`), the rest of the request handled in
 * its context, so the Temporal client's interceptor continues the same trace into the workflow
 * (started, signalled, updated, queried) and from there into its activities. The URL is the one the
 * log keeps: no query credential, no 5,000-character path.
 */
async function tracingPlugin(app: FastifyInstance, { tracer }: TracingOptions): Promise<void> {
  app.decorateRequest('span', null);
  app.addHook('onRequest', (request: FastifyRequest, _reply, done) => {
    const route = request.routeOptions.url ?? ROUTE_UNKNOWN;
    const span = tracer.startSpan(`${request.method} ${route}`, {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': request.method,
        'http.route': route,
        'url.path': loggedUrl(request.url.split('?')[0]) ?? '/',
        'client.address': request.ip,
      },
    });
    request.span = span;
    // done() runs the rest of fastify's lifecycle: inside the span's context.
    context.with(trace.setSpan(context.active(), span), done);
  });
  app.addHook('onError', async (request, _reply, error) => {
    request.span?.recordException(error);
  });
  app.addHook('onResponse', async (request, reply) => {
    const span = request.span;
    if (!span) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (request.identity) span.setAttribute('enduser.id', request.identity.name);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
}

export default fp(tracingPlugin, { name: 'tracing' });
