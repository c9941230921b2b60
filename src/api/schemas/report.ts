import Type, { type Static } from 'typebox';
import { RESOURCE_KINDS } from '../../domain/contract.js';
import { literals, OpenObject, StageSchema, Timestamp } from './common.js';
import { WorkflowStatusSchema } from './plans.js';
import {
  AuditEntrySchema,
  ConfigurationItemSchema,
  MeasurementsSchema,
  PlanErrorSchema,
  VerificationSchema,
} from './status.js';

const Seconds = Type.Union([Type.Number({ description: 'seconds' }), Type.Null()]);
const OptionalTime = Type.Union([Timestamp, Type.Null()]);

const StepReportSchema = Type.Object({
  step: Type.String(),
  startedAt: Timestamp,
  finishedAt: OptionalTime,
  seconds: Seconds,
});

const ResourceReportSchema = Type.Object({
  key: Type.String(),
  kind: literals(RESOURCE_KINDS),
  source: Type.String(),
  target: Type.String(),
  state: Type.String(),
  restored: Type.Union([Type.String(), Type.Null()], { description: 'id of the copy restored into primary' }),
  retired: Type.Union([Type.String(), Type.Null()], {
    description: 'what happened to the old primary resource (stopped, renamed to …, backed up as …)',
  }),
  recoveryPointAt: OptionalTime,
  phases: Type.Array(
    Type.Object({
      phase: Type.String(),
      startedAt: Timestamp,
      finishedAt: OptionalTime,
      seconds: Seconds,
      steps: Type.Array(StepReportSchema),
    }),
  ),
  verification: Type.Union([VerificationSchema, Type.Null()]),
  configuration: Type.Array(ConfigurationItemSchema, {
    description: 'From the last verification: each item of the kind’s configuration table and its outcome',
  }),
  leftOff: Type.Array(Type.String(), {
    description: 'What the final cleanup left for a person to do (a setting AWS refused), each with its fix',
  }),
  lastError: Type.Union([
    OpenObject({ type: Type.String(), message: Type.String(), at: Timestamp }),
    Type.Null(),
  ]),
});

/** GET /v1/plans/{planId}/report: computed from the `status` query by src/api/report/. */
export const PlanReportSchema = Type.Object({
  planId: Type.String(),
  application: Type.String(),
  workflowId: Type.String(),
  workflowStatus: WorkflowStatusSchema,
  stage: StageSchema,
  outcome: Type.Union([
    OpenObject({ result: Type.String(), at: Timestamp, reason: Type.Optional(Type.String()) }),
    Type.Null(),
  ]),
  generatedAt: Timestamp,
  environment: Type.Object(
    {
      kind: literals(['aws', 'emulator']),
      timeScale: Type.Number({ description: 'The plan’s clock factor against AWS’s durations (1: AWS)' }),
      awsEndpoint: Type.Union([Type.String(), Type.Null()]),
      note: Type.String(),
    },
    { description: 'Where the plan ran and at what time scale' },
  ),
  maintenanceWindow: Type.Union([
    Type.Object({ start: Timestamp, end: Timestamp, setBy: Type.String(), setAt: Timestamp }),
    Type.Null(),
  ]),
  rto: Type.Object(
    {
      failbackStartedAt: OptionalTime,
      dnsCutoverAt: OptionalTime,
      primaryValidatedAt: OptionalTime,
      toDnsCutoverSeconds: Seconds,
      toPrimaryValidatedSeconds: Seconds,
    },
    { description: 'Recovery time: from the start of the failback to DNS cutover and to primary-validated' },
  ),
  rpo: Type.Object(
    {
      quiescedAt: OptionalTime,
      finalRecoveryPointsAt: OptionalTime,
      seconds: Type.Union([Type.Number(), Type.Null()], {
        description:
          'Worst resource: writes between its final recovery point and the quiesce (0 when taken after it)',
      }),
      worstResource: Type.Union([Type.Object({ key: Type.String(), capturedAt: Timestamp }), Type.Null()], {
        description: 'The resource whose final recovery point sets the RPO',
      }),
      resources: Type.Array(
        Type.Object({
          key: Type.String(),
          capturedAt: Timestamp,
          seconds: Type.Number({ description: 'quiescedAt − capturedAt, at least 0' }),
          afterQuiesce: Type.Boolean(),
          note: Type.Optional(
            Type.String({
              description: 'Why a time to the second in the quiesce’s second counts as after it',
            }),
          ),
        }),
      ),
    },
    { description: 'Recovery point: the final recovery points against the quiesce time' },
  ),
  measurements: MeasurementsSchema,
  timeline: Type.Array(
    Type.Object({
      stage: StageSchema,
      at: Timestamp,
      seconds: Seconds,
      note: Type.Optional(Type.String()),
    }),
  ),
  resources: Type.Array(ResourceReportSchema),
  dataChecks: Type.Object({
    verified: Type.Integer(),
    failed: Type.Integer(),
    unverified: Type.Integer(),
  }),
  approvals: Type.Array(AuditEntrySchema, {
    description: 'Every approval and operator action: who and when',
  }),
  errors: Type.Array(PlanErrorSchema),
});
export type PlanReport = Static<typeof PlanReportSchema>;
export type ResourceReport = Static<typeof ResourceReportSchema>;

export const ReportQuerySchema = Type.Object(
  { format: Type.Optional(literals(['json', 'markdown'], { description: 'json (default) or markdown' })) },
  { additionalProperties: false },
);
