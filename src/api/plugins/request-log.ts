import type { FastifyChildLoggerFactory } from 'fastify/types/logger.js';
import { planWorkflowId } from '../../domain/contract.js';

const PLAN_PATH = /^\/v1\/plans\/([a-z0-9-]{2,32})(?:[/?#]|$)/;

/** planId / workflowId of a request under /v1/plans/{planId}, known before routing. */
export function planBindings(url: string | undefined): { planId?: string; workflowId?: string } {
  const planId = url ? PLAN_PATH.exec(url)?.[1] : undefined;
  return planId ? { planId, workflowId: planWorkflowId(planId) } : {};
}

/**
 * Every line a request logs (fastify's own "incoming request" and "request completed" included)
 * carries the plan it is about, so one grep for a plan id finds the API's part of its story.
 */
export const childLoggerFactory: FastifyChildLoggerFactory = function (
  logger,
  bindings,
  options,
  rawRequest,
) {
  return logger.child({ ...bindings, ...planBindings(rawRequest.url) }, options);
};
