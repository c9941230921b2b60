import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { PreflightReportSchema } from '../../schemas/preflight.js';
import { PlanSpecBody } from '../../schemas/shared.js';
import type { PlanGateway } from '../../temporal/plans.js';
import { assertPlanRules } from '../plans/index.js';
import { BODY_ERRORS, problemResponses, SECURED } from '../responses.js';

export interface PreflightRoutesOptions {
  gateway: PlanGateway;
}

/** POST /v1/preflight: the dry run of a plan spec, as the `planPreflight` workflow; starts no plan. */
export const preflightRoutes: FastifyPluginAsyncTypebox<PreflightRoutesOptions> = async (
  app,
  { gateway },
) => {
  app.post(
    '/v1/preflight',
    {
      config: { role: 'operator' },
      schema: {
        tags: ['plans'],
        summary:
          'Dry run: resolve resources, check access and conflicts, show what would be created, retired, copied',
        security: SECURED,
        body: PlanSpecBody,
        response: {
          200: PreflightReportSchema,
          ...problemResponses(400, 401, 403, 502, 503, 504, ...BODY_ERRORS),
        },
      },
    },
    async (request) => {
      assertPlanRules(request.body);
      return gateway.preflight(request.body);
    },
  );
};
