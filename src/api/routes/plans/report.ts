import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { computeReport } from '../../report/compute.js';
import { renderMarkdown } from '../../report/markdown.js';
import { PlanParamsSchema } from '../../schemas/plans.js';
import { PlanReportSchema, ReportQuerySchema } from '../../schemas/report.js';
import type { PlanGateway } from '../../temporal/plans.js';
import { problemResponses, SECURED } from '../responses.js';

export interface ReportRoutesOptions {
  gateway: PlanGateway;
}

/** GET /v1/plans/{planId}/report: RTO, RPO, per-resource timings, data checks, approvals. */
export const reportRoutes: FastifyPluginAsyncTypebox<ReportRoutesOptions> = async (app, { gateway }) => {
  app.get(
    '/v1/plans/:planId/report',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['plans'],
        summary: 'The RTO/RPO report of a plan (JSON, or Markdown with ?format=markdown)',
        security: SECURED,
        params: PlanParamsSchema,
        querystring: ReportQuerySchema,
        response: {
          200: {
            description: 'The report',
            content: {
              'application/json': { schema: PlanReportSchema },
              'text/markdown': { schema: Type.String() },
            },
          },
          ...problemResponses(400, 401, 403, 404, 503),
        },
      },
    },
    async (request, reply) => {
      const { planId } = request.params;
      const { status, workflowId, workflowStatus, environment } = await gateway.statusForReport(planId);
      const report = computeReport({
        status,
        environment,
        workflowId,
        workflowStatus,
        now: new Date().toISOString(),
      });
      if (request.query.format === 'markdown') {
        return reply.type('text/markdown; charset=utf-8').send(renderMarkdown(report));
      }
      return reply.type('application/json').send(report);
    },
  );
};
