import { createHash } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import { PLAN_WORKFLOW_TYPE } from '../../domain/contract.js';
import {
  FailbackApplication,
  FailbackPlanId,
  FailbackStage,
  FailbackWaitingFor,
} from '../../domain/search-attributes.js';
import type { Stage } from '../../domain/contract.js';
import { WORKFLOW_STATUSES, type PlanListQuery, type PlanSummary } from '../schemas/plans.js';

type RawExecution = Awaited<
  ReturnType<Client['workflowService']['listWorkflowExecutions']>
>['executions'][number];
type RawTimestamp =
  { seconds?: number | { toNumber(): number } | null; nanos?: number | null } | null | undefined;

/**
 * `status` is the plan's outcome, not only Temporal's: an aborted plan's workflow completes too (it
 * returns its status after compensating), so `completed` means completed *with stage completed*,
 * `aborted` the ones that ended aborted, and `failed` a failed workflow or a plan that ended failed
 * (invalid spec, refused for a conflict). The stage attribute is set before the workflow returns.
 */
const STATUS_CLAUSE: Record<NonNullable<PlanListQuery['status']>, string> = {
  running: `ExecutionStatus = 'Running'`,
  completed: `ExecutionStatus = 'Completed' AND ${FailbackStage.name} = 'completed'`,
  aborted: `ExecutionStatus = 'Completed' AND ${FailbackStage.name} = 'aborted'`,
  failed: `(ExecutionStatus = 'Failed' OR (ExecutionStatus = 'Completed' AND ${FailbackStage.name} = 'failed'))`,
  canceled: `ExecutionStatus = 'Canceled'`,
  terminated: `ExecutionStatus = 'Terminated'`,
  'timed-out': `ExecutionStatus = 'TimedOut'`,
};

/** How a plan ended, from its workflow status and final stage (null while it runs). */
export function planOutcome(workflowStatus: string, stage: string | null): PlanSummary['outcome'] {
  if (workflowStatus === 'RUNNING') return null;
  if (workflowStatus === 'COMPLETED')
    return stage === 'completed' || stage === 'aborted' || stage === 'failed' ? stage : null;
  if (workflowStatus === 'FAILED') return 'failed';
  if (workflowStatus === 'CANCELLED') return 'canceled';
  if (workflowStatus === 'TERMINATED') return 'terminated';
  if (workflowStatus === 'TIMED_OUT') return 'timed-out';
  return null;
}

/**
 * The visibility query of GET /v1/plans. Every value has passed a schema whose pattern admits no quote
 * or backslash, so it cannot break out of its string literal.
 */
export function listQuery(filter: PlanListQuery): string {
  const clauses = [`WorkflowType = '${PLAN_WORKFLOW_TYPE}'`];
  if (filter.stage) clauses.push(`${FailbackStage.name} = '${filter.stage}'`);
  if (filter.application) clauses.push(`${FailbackApplication.name} = '${filter.application}'`);
  if (filter.waitingFor) clauses.push(`${FailbackWaitingFor.name} = '${filter.waitingFor}'`);
  if (filter.status) clauses.push(STATUS_CLAUSE[filter.status]!);
  return clauses.join(' AND ');
}

function isoTime(ts: RawTimestamp): string | null {
  if (!ts?.seconds) return null;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : ts.seconds.toNumber();
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}

function keyword(raw: RawExecution, name: string): string | null {
  const payload = raw.searchAttributes?.indexedFields?.[name];
  if (!payload) return null;
  const value: unknown = defaultPayloadConverter.fromPayload(payload);
  // A Keyword attribute may be stored as a one-element list by older clients.
  const single = Array.isArray(value) ? value[0] : value;
  return typeof single === 'string' ? single : null;
}

export function planSummary(raw: RawExecution): PlanSummary {
  const workflowId = raw.execution?.workflowId ?? '';
  const stage = keyword(raw, FailbackStage.name) as Stage | null;
  const workflowStatus = WORKFLOW_STATUSES[raw.status ?? 0] ?? 'UNKNOWN';
  return {
    planId: keyword(raw, FailbackPlanId.name) ?? workflowId.replace(/^failback-/, ''),
    application: keyword(raw, FailbackApplication.name),
    stage,
    waitingFor: keyword(raw, FailbackWaitingFor.name),
    workflowId,
    runId: raw.execution?.runId ?? '',
    workflowStatus,
    outcome: planOutcome(workflowStatus, stage),
    startedAt: isoTime(raw.startTime) ?? new Date(0).toISOString(),
    closedAt: isoTime(raw.closeTime),
  };
}

const digestOf = (raw: Uint8Array) =>
  createHash('sha256').update(raw).digest().subarray(0, 9).toString('base64url');

/**
 * Our page token: Temporal's own (opaque: its format is the visibility store's business, and Temporal
 * Cloud's differs from the SQL stores') with a digest of it, so a token this API did not hand out is
 * refused at once as a 400. Temporal answers a garbled token with an error its client retries until
 * the deadline (`Nk`, i.e. `6`, took 5 s and a 503), or with an empty page (`e30`, i.e. `{}`). The
 * digest is an integrity check, not a secret: the token only says where the next page starts.
 */
export const encodePageToken = (token: Uint8Array | null | undefined): string | null =>
  token && token.length ? `${Buffer.from(token).toString('base64url')}.${digestOf(token)}` : null;

/** Temporal's page token back from ours; null when it is not one this API made. */
export function decodePageToken(token: string | undefined): Uint8Array | null {
  if (!token) return Buffer.alloc(0);
  const dot = token.lastIndexOf('.');
  if (dot <= 0) return null;
  const raw = Buffer.from(token.slice(0, dot), 'base64url');
  if (raw.length === 0 || raw.toString('base64url') !== token.slice(0, dot)) return null;
  return digestOf(raw) === token.slice(dot + 1) ? raw : null;
}
