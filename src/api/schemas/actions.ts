import Type from 'typebox';
import { GateSchema, StageSchema, Timestamp } from './common.js';
import { MIN_REASON_LENGTH, OperatorText } from './text.js';

/**
 * Bodies of the human steps. None has a `by`: the audited identity is the caller's token name, so a
 * `by` in a body is an unknown field (400).
 */
const Comment = OperatorText(1, 'A comment for the audit log');

export const ApprovalBodySchema = Type.Union(
  [
    Type.Object(
      { gate: GateSchema, decision: Type.Literal('approve'), comment: Type.Optional(Comment) },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        gate: GateSchema,
        decision: Type.Literal('reject'),
        comment: OperatorText(MIN_REASON_LENGTH, 'Why (required to reject)'),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'Approve or reject the gate the plan waits for' },
);

export const MaintenanceWindowBodySchema = Type.Object(
  { start: Timestamp, end: Timestamp },
  {
    additionalProperties: false,
    description: 'ISO 8601 with a time zone; end after start and in the future',
  },
);

export const DnsCutoverBodySchema = Type.Object(
  {
    details: Type.Optional(OperatorText(1, 'What was changed (records, provider ticket)')),
  },
  { additionalProperties: false },
);

export const DnsRollbackBodySchema = Type.Object(
  {
    details: Type.Optional(OperatorText(1, 'What was changed back (records, provider ticket)')),
  },
  { additionalProperties: false },
);

export const RetryBodySchema = Type.Object({}, { additionalProperties: false });

export const AbortBodySchema = Type.Object(
  { reason: OperatorText(MIN_REASON_LENGTH, 'Why the plan is aborted') },
  { additionalProperties: false },
);

/** 202: the workflow accepted the step (its Update validator found it fits the state). */
export const AcceptedSchema = Type.Object({
  planId: Type.String(),
  accepted: Type.Literal(true),
  stage: StageSchema,
  message: Type.String(),
});
