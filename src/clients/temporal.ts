import { Client, Connection, type ConnectionLike } from '@temporalio/client';
import { WorkflowIdReusePolicy } from '@temporalio/common';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';
import type { TemporalConfig } from '../config/index.js';
import { connectionOptions, type TemporalConnectionSettings } from '../config/temporal-connection.js';
import { planWorkflowId } from '../domain/contract.js';
import { FOOTPRINT_MEMO_KEY, footprintMemo, footprintOf } from '../domain/plan-conflicts.js';
import type { FailbackPlanInput } from '../domain/messages.js';
import {
  FailbackApplication,
  FailbackPlanId,
  FailbackStage,
  FailbackWaitingFor,
} from '../domain/search-attributes.js';

/**
 * A Temporal client for the API and scripts. `connectTimeout` is short: the API must start (and report
 * not-ready) even while Temporal is down; the connection is lazy and re-dials on its own.
 */
export async function connectTemporal(
  config: Pick<TemporalConfig, keyof TemporalConnectionSettings>,
  options: { traced?: boolean } = {},
): Promise<{ client: Client; connection: Connection }> {
  const connection = Connection.lazy({ ...connectionOptions(config), connectTimeout: '5 seconds' });
  const client = new Client({
    connection,
    namespace: config.namespace,
    // With traces on, every start, signal, Update and query carries the caller's trace context.
    ...(options.traced ? { interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor()] } } : {}),
  });
  return { client, connection };
}

/** True when the frontend answers within `timeoutMs` (the API's /readyz). */
export async function isTemporalReachable(connection: ConnectionLike, timeoutMs = 2000): Promise<boolean> {
  try {
    await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  }
}

/**
 * How a plan's workflow is started, by the API and by the bench alike: its id from the plan id (never
 * reused: a plan id names one plan forever, its resources, snapshots and audit trail carry it) and the
 * search attributes operators filter on, set from the first moment.
 */
export function planStartOptions(taskQueue: string, input: FailbackPlanInput) {
  const { spec } = input;
  return {
    taskQueue,
    workflowId: planWorkflowId(spec.planId),
    args: [input] as [FailbackPlanInput],
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    // What the Web UI shows as the plan's Summary and Details (its Current Details come from the workflow).
    staticSummary:
      `Failback of ${spec.application}: ${spec.resources?.length ?? 0} resource(s)${spec.select ? ' + selection' : ''}, ` +
      `recovery ${spec.recovery.accountId}/${spec.recovery.region} → primary ${spec.primary.accountId}/${spec.primary.region}`,
    staticDetails: [
      `**Plan** \`${spec.planId}\` of application **${spec.application}**, started by ${input.startedBy}`,
      '',
      `- recovery: account ${spec.recovery.accountId}, region ${spec.recovery.region}`,
      `- primary: account ${spec.primary.accountId}, region ${spec.primary.region}`,
      `- DNS cutover: ${spec.dnsCutover.mode}`,
      `- test failback: ${spec.options?.testFailback === false ? 'no' : 'yes'}`,
      '',
      'Stage, what it waits for and how to continue it: **Current Details** (User Metadata tab).',
    ].join('\n'),
    // What other plans' conflict checks compare from the first moment (the plan refines it after preflight).
    memo: { [FOOTPRINT_MEMO_KEY]: footprintMemo(footprintOf(spec)) },
    typedSearchAttributes: [
      { key: FailbackPlanId, value: spec.planId },
      { key: FailbackApplication, value: spec.application },
      { key: FailbackStage, value: 'preflight' },
      { key: FailbackWaitingFor, value: 'nothing' },
    ],
  };
}
