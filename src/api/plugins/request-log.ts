import type { FastifyRequest } from 'fastify';
import type { FastifyChildLoggerFactory } from 'fastify/types/logger.js';
import { planWorkflowId } from '../../domain/contract.js';

const PLAN_PATH = /^\/v1\/plans\/([a-z0-9-]{2,32})(?:[/?#]|$)/;

/** planId / workflowId of a request under /v1/plans/{planId}, known before routing. */
export function planBindings(url: string | undefined): { planId?: string; workflowId?: string } {
  const planId = url ? PLAN_PATH.exec(url)?.[1] : undefined;
  return planId ? { planId, workflowId: planWorkflowId(planId) } : {};
}

/** Query parameters whose value is a credential, or could be: never written to a log. */
const SECRET_PARAMETER = /token|key|secret|passw|auth|signature|credential|session/i;
const MAX_LOGGED_PATH = 200;

/**
 * The URL as the log may keep it: the value of any query parameter that looks like a credential
 * (`?access_token=…`, `?pageToken=…`) replaced by `[redacted]`, and a path longer than any route
 * cut short with its length, so neither a token nor a 5,000-character path lands in the log.
 */
export function loggedUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const shortPath =
    path.length > MAX_LOGGED_PATH ? `${path.slice(0, MAX_LOGGED_PATH)}…(${path.length} characters)` : path;
  if (q < 0) return shortPath;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      const shortName = name.length > 64 ? `${name.slice(0, 64)}…` : name;
      if (eq < 0) return shortName;
      const value = pair.slice(eq + 1);
      return `${shortName}=${SECRET_PARAMETER.test(name) ? '[redacted]' : value.length > 200 ? `${value.slice(0, 200)}…` : value}`;
    })
    .join('&');
  return `${shortPath}?${query}`;
}

/** fastify's own request serializer, with the URL made safe to log. */
function requestForLog(request: FastifyRequest) {
  return {
    method: request.method,
    url: loggedUrl(request.url),
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/**
 * Every line a request logs (fastify's own "incoming request" and "request completed" included)
 * carries the plan it is about, so one grep for a plan id finds the API's part of its story, and
 * logs its URL without credentials.
 */
export const childLoggerFactory: FastifyChildLoggerFactory = function (
  logger,
  bindings,
  options,
  rawRequest,
) {
  return logger.child(
    { ...bindings, ...planBindings(rawRequest.url) },
    { ...options, serializers: { ...options.serializers, req: requestForLog } },
  );
};
