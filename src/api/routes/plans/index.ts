import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { checkPlanRules } from '../../../domain/plan-rules.js';
import { callerName } from '../../plugins/auth.js';
import { problems } from '../../plugins/problems.js';
import {
  PlanDetailSchema,
  PlanListQuerySchema,
  PlanListSchema,
  PlanParamsSchema,
  PlanStartedSchema,
} from '../../schemas/plans.js';
import { PlanSpecBody } from '../../schemas/shared.js';
import type { PlanGateway } from '../../temporal/plans.js';
import { BODY_ERRORS, problemResponses, SECURED } from '../responses.js';

export interface PlanRoutesOptions {
  gateway: PlanGateway;
}

/** The plan spec's cross-field rules, after the schema: 400 with every broken rule. */
export function assertPlanRules(spec: Parameters<typeof checkPlanRules>[0]): void {
  const errors = checkPlanRules(spec, Date.now());
  if (errors.length) throw problems.validation(errors.map((e) => ({ in: 'body' as const, ...e })));
}

/** Start, list and inspect plans. */
export const planRoutes: FastifyPluginAsyncTypebox<PlanRoutesOptions> = async (app, { gateway }) => {
  app.post(
    '/v1/plans',
    {
      config: { role: 'operator' },
      schema: {
        tags: ['plans'],
        summary: 'Start a plan from a plan spec',
        security: SECURED,
        body: PlanSpecBody,
        response: {
          201: PlanStartedSchema,
          ...problemResponses(400, 401, 403, 409, 503, ...BODY_ERRORS),
        },
      },
    },
    async (request, reply) => {
      assertPlanRules(request.body);
      const { workflowId, runId } = await gateway.start(request.body, callerName(request));
      request.log.info({ planId: request.body.planId, workflowId, runId }, 'plan started');
      return reply
        .code(201)
        .header('location', `/v1/plans/${request.body.planId}`)
        .send({ planId: request.body.planId, workflowId, runId });
    },
  );

  app.get(
    '/v1/plans',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['plans'],
        summary: 'List plans (Temporal visibility: search attributes), newest first',
        security: SECURED,
        querystring: PlanListQuerySchema,
        response: { 200: PlanListSchema, ...problemResponses(400, 401, 403, 503) },
      },
    },
    async (request) => gateway.list(request.query),
  );

  app.get(
    '/v1/plans/:planId',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['plans'],
        summary: "A plan: the workflow's status query merged with its Temporal status and live phase detail",
        security: SECURED,
        params: PlanParamsSchema,
        response: { 200: PlanDetailSchema, ...problemResponses(400, 401, 403, 404, 503) },
      },
    },
    async (request) => gateway.detail(request.params.planId),
  );
};
