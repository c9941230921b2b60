import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import {
  abortUpdate,
  approveUpdate,
  dnsCutoverCompleteUpdate,
  dnsRollbackCompleteUpdate,
  rejectUpdate,
  retryUpdate,
  setMaintenanceWindowUpdate,
} from '../../../domain/messages.js';
import { callerName } from '../../plugins/auth.js';
import { problems } from '../../plugins/problems.js';
import {
  AbortBodySchema,
  AcceptedSchema,
  ApprovalBodySchema,
  DnsCutoverBodySchema,
  DnsRollbackBodySchema,
  MaintenanceWindowBodySchema,
  RetryBodySchema,
} from '../../schemas/actions.js';
import { PlanParamsSchema } from '../../schemas/plans.js';
import { MIN_REASON_LENGTH, trimmedText } from '../../schemas/text.js';
import type { PlanGateway } from '../../temporal/plans.js';
import { BODY_ERRORS, problemResponses, SECURED } from '../responses.js';

export interface StepRoutesOptions {
  gateway: PlanGateway;
}

const stepSchema = <B>(summary: string, body: B) => ({
  tags: ['steps'],
  summary,
  security: SECURED,
  params: PlanParamsSchema,
  body,
  response: { 202: AcceptedSchema, ...problemResponses(400, 401, 403, 404, 409, 503, ...BODY_ERRORS) },
});

// `curl -X POST …/retry` with no body at all is a complete request: treat it as `{}`.
async function emptyBodyIsEmptyObject(request: FastifyRequest): Promise<void> {
  if (request.body === undefined || request.body === null) request.body = {};
}

/** A window the plan could still use: end after start, end after `now` (the API's clock). */
export function assertUsableWindow(start: string, end: string, now: number = Date.now()): void {
  const errors = [];
  if (!(Date.parse(end) > Date.parse(start)))
    errors.push({ in: 'body' as const, path: '/end', message: 'must be after start' });
  else if (Date.parse(end) <= now) {
    errors.push({
      in: 'body' as const,
      path: '/end',
      message: 'the window is already over: give one that ends in the future',
    });
  }
  if (errors.length) throw problems.validation(errors);
}

/**
 * The human steps of a plan. Each is a Workflow Update whose validator checks it against the plan's
 * state: 202 when accepted, 409 with the workflow's reason when not (nothing sent, nothing recorded).
 * `by` is always the caller's token name.
 */
export const stepRoutes: FastifyPluginAsyncTypebox<StepRoutesOptions> = async (app, { gateway }) => {
  app.post(
    '/v1/plans/:planId/approvals',
    {
      config: { role: 'approver' },
      schema: stepSchema('Approve or reject the gate the plan waits for', ApprovalBodySchema),
    },
    async (request, reply) => {
      const { planId } = request.params;
      const body = request.body;
      const by = callerName(request);
      const ack =
        body.decision === 'approve'
          ? await gateway.act(planId, approveUpdate, {
              gate: body.gate,
              by,
              ...(body.comment !== undefined ? { comment: trimmedText(body.comment, '/comment', 1) } : {}),
            })
          : await gateway.act(planId, rejectUpdate, {
              gate: body.gate,
              by,
              reason: trimmedText(body.comment, '/comment', MIN_REASON_LENGTH),
            });
      request.log.info(
        { gate: body.gate, decision: body.decision, stage: ack.stage },
        'gate decision accepted',
      );
      return reply.code(202).send({ planId, ...ack });
    },
  );

  app.post(
    '/v1/plans/:planId/maintenance-window',
    {
      config: { role: 'operator' },
      schema: stepSchema('Set or move the maintenance window of the failback', MaintenanceWindowBodySchema),
    },
    async (request, reply) => {
      const { planId } = request.params;
      const { start, end } = request.body;
      assertUsableWindow(start, end);
      const ack = await gateway.act(planId, setMaintenanceWindowUpdate, {
        start,
        end,
        by: callerName(request),
      });
      request.log.info({ start, end, stage: ack.stage }, 'maintenance window accepted');
      return reply.code(202).send({ planId, ...ack });
    },
  );

  app.post(
    '/v1/plans/:planId/dns-cutover',
    {
      config: { role: 'approver' },
      preValidation: emptyBodyIsEmptyObject,
      schema: stepSchema('Confirm that DNS now points at primary (manual cutover)', DnsCutoverBodySchema),
    },
    async (request, reply) => {
      const { planId } = request.params;
      const { details } = request.body;
      const ack = await gateway.act(planId, dnsCutoverCompleteUpdate, {
        by: callerName(request),
        ...(details !== undefined ? { details: trimmedText(details, '/details', 1) } : {}),
      });
      request.log.info({ stage: ack.stage }, 'DNS cutover accepted');
      return reply.code(202).send({ planId, ...ack });
    },
  );

  app.post(
    '/v1/plans/:planId/dns-rollback',
    {
      config: { role: 'approver' },
      preValidation: emptyBodyIsEmptyObject,
      schema: stepSchema(
        'Confirm that DNS points back at recovery (an abort after a manual cutover waits for it)',
        DnsRollbackBodySchema,
      ),
    },
    async (request, reply) => {
      const { planId } = request.params;
      const { details } = request.body;
      const ack = await gateway.act(planId, dnsRollbackCompleteUpdate, {
        by: callerName(request),
        ...(details !== undefined ? { details: trimmedText(details, '/details', 1) } : {}),
      });
      request.log.info({ stage: ack.stage }, 'DNS rollback accepted');
      return reply.code(202).send({ planId, ...ack });
    },
  );

  app.post(
    '/v1/plans/:planId/retry',
    {
      config: { role: 'operator' },
      preValidation: emptyBodyIsEmptyObject,
      schema: stepSchema('Leave needs-attention and retry the failed step', RetryBodySchema),
    },
    async (request, reply) => {
      const { planId } = request.params;
      const ack = await gateway.act(planId, retryUpdate, { by: callerName(request) });
      request.log.info({ stage: ack.stage }, 'retry accepted');
      return reply.code(202).send({ planId, ...ack });
    },
  );

  app.post(
    '/v1/plans/:planId/abort',
    {
      config: { role: 'operator' },
      schema: stepSchema('Abort the plan: compensation undoes what it changed', AbortBodySchema),
    },
    async (request, reply) => {
      const { planId } = request.params;
      const reason = trimmedText(request.body.reason, '/reason', MIN_REASON_LENGTH);
      const ack = await gateway.act(planId, abortUpdate, { by: callerName(request), reason });
      request.log.info({ reason, stage: ack.stage }, 'abort accepted');
      return reply.code(202).send({ planId, ...ack });
    },
  );
};
