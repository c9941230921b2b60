import Type, { type Static } from 'typebox';
import { RESOURCE_KINDS } from '../../domain/contract.js';
import type { PhaseStatus, PlanStatus } from '../../domain/status.js';
import { GateSchema, literals, OpenObject, StageSchema, Timestamp } from './common.js';

/**
 * The `status` query's answer (src/domain/status.ts) as a response schema: the OpenAPI document shows
 * it, the serializer keeps fields added later. The assignments at the end keep the two in step.
 */
const Details = Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]));

const WaitingForSchema = Type.Union([
  OpenObject({ kind: Type.Literal('gate'), gate: GateSchema, since: Timestamp }),
  OpenObject({
    kind: Type.Literal('maintenance-window'),
    start: Type.Optional(Timestamp),
    end: Type.Optional(Timestamp),
    since: Timestamp,
  }),
  OpenObject({ kind: Type.Literal('dns-cutover'), since: Timestamp }),
  OpenObject(
    { kind: Type.Literal('dns-rollback'), since: Timestamp },
    { description: 'Aborting after a manual cutover: a person points DNS back at recovery' },
  ),
  OpenObject({ kind: Type.Literal('operator'), since: Timestamp, reason: Type.String() }),
]);

const StepTimingSchema = OpenObject({
  step: Type.String(),
  startedAt: Timestamp,
  finishedAt: Type.Optional(Timestamp),
});

const RecoveryPointSchema = OpenObject({
  id: Type.String(),
  arn: Type.Optional(Type.String()),
  capturedAt: Timestamp,
  sharedWith: Type.Optional(Type.String()),
  details: Type.Optional(Details),
});

const RetirementSchema = OpenObject({
  originalId: Type.String(),
  action: literals(['stopped', 'renamed', 'backed-up-and-replaced', 'none']),
  retiredId: Type.Optional(Type.String()),
  backupArn: Type.Optional(Type.String()),
  wasRunning: Type.Optional(Type.Boolean()),
  at: Timestamp,
});

const RestoredSchema = OpenObject({
  id: Type.String(),
  arn: Type.Optional(Type.String()),
  name: Type.String(),
  details: Type.Optional(Details),
});

export const ConfigurationItemSchema = OpenObject({
  item: Type.String(),
  source: Type.Union([Type.String(), Type.Null()]),
  restored: Type.Union([Type.String(), Type.Null()]),
  from: Type.Optional(literals(['recovery', 'primary'])),
  outcome: literals(['carried', 'mapped', 'differs', 'unset', 'unknown']),
  note: Type.Optional(Type.String()),
});

export const VerificationSchema = OpenObject({
  ok: Type.Boolean(),
  checks: Type.Array(
    OpenObject({
      name: Type.String(),
      expected: Type.Union([Type.String(), Type.Number()]),
      actual: Type.Union([Type.String(), Type.Number()]),
      ok: Type.Boolean(),
    }),
  ),
  at: Timestamp,
  configuration: Type.Optional(
    Type.Array(ConfigurationItemSchema, {
      description: 'The kind’s configuration table: what was carried, mapped, or differs (and why)',
    }),
  ),
});

const LastErrorSchema = OpenObject({ type: Type.String(), message: Type.String(), at: Timestamp });

const ResourceStateSchema = literals([
  'pending',
  'running',
  'waiting-for-copy-slot',
  'succeeded',
  'failed',
  'compensating',
  'compensated',
  'removed',
]);

const ResourceStatusSchema = OpenObject({
  key: Type.String(),
  kind: literals(RESOURCE_KINDS),
  source: Type.String(),
  target: Type.String(),
  phase: Type.Union([Type.String(), Type.Null()]),
  state: ResourceStateSchema,
  step: Type.Optional(Type.String()),
  lastError: Type.Optional(LastErrorSchema),
  recoveryPoint: Type.Optional(RecoveryPointSchema),
  retirement: Type.Optional(RetirementSchema),
  restored: Type.Optional(RestoredSchema),
  verification: Type.Optional(VerificationSchema),
  leftOff: Type.Optional(
    Type.Array(Type.String(), {
      description: 'What the final cleanup left for a person to do, with the fix',
    }),
  ),
  timings: Type.Optional(Type.Record(Type.String(), Type.Array(StepTimingSchema))),
});

export const AuditEntrySchema = OpenObject({
  at: Timestamp,
  by: Type.String(),
  action: literals([
    'start',
    'approve',
    'reject',
    'setMaintenanceWindow',
    'dnsCutoverComplete',
    'dnsRollbackComplete',
    'retry',
    'abort',
  ]),
  outcome: literals(['accepted', 'ignored']),
  gate: Type.Optional(Type.String()),
  reason: Type.Optional(Type.String()),
  comment: Type.Optional(Type.String()),
  details: Type.Optional(Type.String()),
});

export const PlanErrorSchema = OpenObject({
  at: Timestamp,
  stage: StageSchema,
  resource: Type.Optional(Type.String()),
  type: Type.String(),
  message: Type.String(),
  action: Type.String(),
});

const DnsRecordSchema = OpenObject({
  name: Type.String(),
  type: Type.String(),
  value: Type.String(),
  ttl: Type.Integer(),
});

export const MeasurementsSchema = OpenObject({
  startedAt: Timestamp,
  failbackStartedAt: Type.Optional(Timestamp),
  quiescedAt: Type.Optional(Timestamp),
  finalRecoveryPointsAt: Type.Optional(Timestamp),
  restoreCompletedAt: Type.Optional(Timestamp),
  dnsCutoverAt: Type.Optional(Timestamp),
  primaryValidatedAt: Type.Optional(Timestamp),
  completedAt: Type.Optional(Timestamp),
});

export const PlanStatusSchema = OpenObject(
  {
    planId: Type.String(),
    application: Type.String(),
    stage: StageSchema,
    interruptedStage: Type.Optional(StageSchema),
    waitingFor: Type.Union([WaitingForSchema, Type.Null()]),
    maintenanceWindow: Type.Optional(
      OpenObject({ start: Timestamp, end: Timestamp, setBy: Type.String(), setAt: Timestamp }),
    ),
    failbackApproval: Type.Optional(
      OpenObject(
        { by: Type.String(), at: Timestamp, comment: Type.Optional(Type.String()) },
        {
          description:
            'The failback gate approved (also before the window is set); cleared when a window is missed',
        },
      ),
    ),
    activePhase: Type.Optional(OpenObject({ phase: Type.String(), workflowId: Type.String() })),
    resources: Type.Array(ResourceStatusSchema),
    timeline: Type.Array(
      OpenObject({ stage: StageSchema, at: Timestamp, note: Type.Optional(Type.String()) }),
    ),
    audit: Type.Array(AuditEntrySchema),
    errors: Type.Array(PlanErrorSchema),
    dns: OpenObject({
      mode: literals(['manual', 'route53']),
      cutoverAt: Type.Optional(Timestamp),
      by: Type.Optional(Type.String()),
      details: Type.Optional(Type.String()),
      previousRecords: Type.Optional(Type.Array(DnsRecordSchema)),
      rolledBackAt: Type.Optional(Timestamp),
      rolledBackBy: Type.Optional(Type.String()),
    }),
    accessStack: Type.Optional(
      OpenObject({
        stackName: Type.String(),
        roleArn: Type.String(),
        state: literals(['created', 'existing', 'deleted']),
      }),
    ),
    recoveryPointSchedule: Type.Optional(
      OpenObject({
        scheduleId: Type.String(),
        pausedByPlan: Type.Boolean(),
        resumed: Type.Optional(Type.Boolean()),
      }),
    ),
    measurements: MeasurementsSchema,
    outcome: Type.Optional(
      OpenObject({
        result: literals(['completed', 'aborted', 'failed']),
        at: Timestamp,
        reason: Type.Optional(Type.String()),
      }),
    ),
  },
  { description: "The plan workflow's `status` query" },
);

export const PhaseStatusSchema = OpenObject(
  {
    phase: Type.String(),
    resources: Type.Array(
      OpenObject({
        key: Type.String(),
        state: ResourceStateSchema,
        step: Type.Optional(Type.String()),
        lastError: Type.Optional(LastErrorSchema),
      }),
    ),
    copySlots: Type.Record(
      Type.String(),
      OpenObject({ limit: Type.Integer(), inUse: Type.Integer(), waiting: Type.Integer() }),
      {
        description:
          "Per quota class: AWS's limit, the units in use (an AMI copy takes one per volume) and the requests waiting",
      },
    ),
  },
  { description: "The running phase child's `phaseStatus` query: live per-resource detail" },
);

// Compile-time: every PlanStatus / PhaseStatus the workflow returns fits the documented schema.
export const _planStatusFits = (status: PlanStatus): Static<typeof PlanStatusSchema> => status;
export const _phaseStatusFits = (status: PhaseStatus): Static<typeof PhaseStatusSchema> => status;
