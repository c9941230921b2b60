import type { WorkflowExecutionStatusName } from '@temporalio/client';
import Type, { type Static } from 'typebox';
import { PlanIdSchema } from '../../domain/plan-spec.js';
import { literals, OpenObject, StageSchema, Timestamp } from './common.js';
import { PhaseStatusSchema, PlanStatusSchema } from './status.js';

export const PlanParamsSchema = Type.Object({ planId: PlanIdSchema }, { additionalProperties: false });

/** Temporal's execution status as the SDK names it, in the order of the protocol's enum values. */
export const WORKFLOW_STATUSES = [
  'UNSPECIFIED',
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'CANCELLED',
  'TERMINATED',
  'CONTINUED_AS_NEW',
  'TIMED_OUT',
  'PAUSED',
  'UNKNOWN',
] as const satisfies readonly WorkflowExecutionStatusName[];
export type WorkflowStatusName = (typeof WORKFLOW_STATUSES)[number];
export const WorkflowStatusSchema = literals(WORKFLOW_STATUSES, {
  description: "The plan workflow's execution status in Temporal",
});

export const PlanStartedSchema = Type.Object({
  planId: Type.String(),
  workflowId: Type.String(),
  runId: Type.String(),
});

export const PLAN_OUTCOMES = [
  'completed',
  'aborted',
  'failed',
  'canceled',
  'terminated',
  'timed-out',
] as const;
const PlanOutcomeSchema = literals(PLAN_OUTCOMES);

/** One row of GET /v1/plans: what Temporal visibility knows without asking the workflow. */
export const PlanSummarySchema = OpenObject({
  planId: Type.String(),
  application: Type.Union([Type.String(), Type.Null()]),
  stage: Type.Union([StageSchema, Type.Null()]),
  waitingFor: Type.Union([Type.String(), Type.Null()], {
    description:
      'FailbackWaitingFor: nothing, gate:<gate>, maintenance-window, dns-cutover, dns-rollback, operator',
  }),
  workflowId: Type.String(),
  runId: Type.String(),
  workflowStatus: WorkflowStatusSchema,
  outcome: Type.Union([PlanOutcomeSchema, Type.Null()], {
    description:
      'How the plan ended (null while it runs): an aborted plan’s workflow completes too, so this, not workflowStatus, tells completed from aborted',
  }),
  startedAt: Timestamp,
  closedAt: Type.Union([Timestamp, Type.Null()]),
});
export type PlanSummary = Static<typeof PlanSummarySchema>;

// Filters are checked strictly: a typo in a stage name must not silently list nothing.
export const PlanListQuerySchema = Type.Object(
  {
    stage: Type.Optional(StageSchema),
    application: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' })),
    status: Type.Optional(
      literals(['running', ...PLAN_OUTCOMES], {
        description:
          'running, or how the plan ended: completed (stage completed), aborted (compensated), failed (the workflow failed, or the plan ended failed), canceled, terminated, timed-out',
      }),
    ),
    waitingFor: Type.Optional(
      Type.String({
        pattern: '^(nothing|gate:[a-z-]{1,40}|maintenance-window|dns-cutover|dns-rollback|operator)$',
      }),
    ),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    pageToken: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]{1,4000}\\.[A-Za-z0-9_-]{12}$',
        maxLength: 4013,
        description: 'nextPageToken of the previous page, as this API gave it',
      }),
    ),
  },
  { additionalProperties: false },
);
export type PlanListQuery = Static<typeof PlanListQuerySchema>;

export const PlanListSchema = Type.Object({
  plans: Type.Array(PlanSummarySchema),
  nextPageToken: Type.Union([Type.String(), Type.Null()]),
});

export const PlanDetailSchema = OpenObject({
  planId: Type.String(),
  workflowId: Type.String(),
  runId: Type.String(),
  workflowStatus: WorkflowStatusSchema,
  startedAt: Timestamp,
  closedAt: Type.Union([Timestamp, Type.Null()]),
  status: Type.Union([PlanStatusSchema, Type.Null()], {
    description: "The workflow's `status` query; null when no worker answered it (see statusError)",
  }),
  statusError: Type.Optional(Type.String()),
  activePhase: Type.Optional(
    OpenObject({
      phase: Type.String(),
      workflowId: Type.String(),
      detail: Type.Union([PhaseStatusSchema, Type.Null()]),
    }),
  ),
});
export type PlanDetail = Static<typeof PlanDetailSchema>;
