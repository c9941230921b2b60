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

const EXECUTION_STATUS: Record<NonNullable<PlanListQuery['status']>, string> = {
  running: 'Running',
  completed: 'Completed',
  failed: 'Failed',
  canceled: 'Canceled',
  terminated: 'Terminated',
  'timed-out': 'TimedOut',
};

/**
 * The visibility query of GET /v1/plans. Every value has passed a schema whose pattern admits no quote
 * or backslash, so it cannot break out of its string literal.
 */
export function listQuery(filter: PlanListQuery): string {
  const clauses = [`WorkflowType = '${PLAN_WORKFLOW_TYPE}'`];
  if (filter.stage) clauses.push(`${FailbackStage.name} = '${filter.stage}'`);
  if (filter.application) clauses.push(`${FailbackApplication.name} = '${filter.application}'`);
  if (filter.waitingFor) clauses.push(`${FailbackWaitingFor.name} = '${filter.waitingFor}'`);
  if (filter.status) clauses.push(`ExecutionStatus = '${EXECUTION_STATUS[filter.status]}'`);
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
  return {
    planId: keyword(raw, FailbackPlanId.name) ?? workflowId.replace(/^failback-/, ''),
    application: keyword(raw, FailbackApplication.name),
    stage: keyword(raw, FailbackStage.name) as Stage | null,
    waitingFor: keyword(raw, FailbackWaitingFor.name),
    workflowId,
    runId: raw.execution?.runId ?? '',
    workflowStatus: WORKFLOW_STATUSES[raw.status ?? 0] ?? 'UNKNOWN',
    startedAt: isoTime(raw.startTime) ?? new Date(0).toISOString(),
    closedAt: isoTime(raw.closeTime),
  };
}

export const encodePageToken = (token: Uint8Array | null | undefined): string | null =>
  token && token.length ? Buffer.from(token).toString('base64url') : null;

/**
 * Temporal's own page token back from ours. Every visibility store writes JSON tokens; anything else
 * is refused here, because the server answers a garbled token with an error the client keeps retrying.
 */
export function decodePageToken(token: string | undefined): Uint8Array | null {
  if (!token) return Buffer.alloc(0);
  const bytes = Buffer.from(token, 'base64url');
  try {
    JSON.parse(bytes.toString('utf8'));
    return bytes;
  } catch {
    return null;
  }
}
