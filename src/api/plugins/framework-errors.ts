import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { ApiMetrics } from './api-metrics.js';
import { PROBLEM_CONTENT_TYPE } from './problems.js';

/**
 * What fastify and Node answer before any route or hook runs, as problem+json like every other error:
 * a path parameter over the router's limit (414), a URL that does not decode (400), and what Node's
 * HTTP parser refuses (431 for oversized headers, 408, 400). None of them echoes the request: a
 * 5,000-character path is an attack or a bug, not something to send back or to log in full.
 */
export function frameworkErrorHandlers(
  metrics: ApiMetrics,
): Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> {
  return {
    frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
      const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
      const status = tooLong ? 414 : 400;
      const detail = tooLong
        ? 'a path segment is longer than any this API accepts (plan ids have at most 32 characters)'
        : 'the URL is not valid: a percent-encoded sequence does not decode';
      request.log.info({ status, code: error.code }, 'request refused');
      // Sent raw: these requests never got a route, so fastify's hooks (metrics) do not see them.
      const started = process.hrtime.bigint();
      void reply
        .code(status)
        .type(PROBLEM_CONTENT_TYPE)
        .send({ type: 'about:blank', title: STATUS_CODES[status], status, detail });
      metrics.count(request.method, 'unmatched', status, Number(process.hrtime.bigint() - started) / 1e9);
    },
    clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket) {
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      const status =
        error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
      const detail =
        status === 431
          ? 'the request line and headers are larger than this API accepts'
          : status === 408
            ? 'the request did not arrive in time'
            : 'the request is not valid HTTP';
      const body = JSON.stringify({ type: 'about:blank', title: STATUS_CODES[status], status, detail });
      metrics.count('unknown', 'unmatched', status);
      if (socket.writable) {
        socket.write(
          `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      }
      socket.destroy(error);
    },
  };
}
