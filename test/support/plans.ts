import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Stage } from '../../src/domain/contract.js';
import { planWorkflowId } from '../../src/domain/contract.js';
import { statusQuery, type FailbackPlanInput } from '../../src/domain/messages.js';
import type { PlanSpec } from '../../src/domain/plan-spec.js';
import type { PlanStatus } from '../../src/domain/status.js';
import {
  FailbackApplication,
  FailbackPlanId,
  FailbackStage,
  FailbackWaitingFor,
} from '../../src/domain/search-attributes.js';

/** Starts a plan the way the API does (id, search attributes), on the test's task queue. */
export async function startPlan(
  client: Client,
  taskQueue: string,
  spec: PlanSpec,
  extra: Partial<FailbackPlanInput> = {},
): Promise<WorkflowHandle> {
  return client.workflow.start('failbackPlan', {
    taskQueue,
    workflowId: planWorkflowId(spec.planId),
    args: [{ spec, startedBy: 'test-operator', tuning: { timeScale: 0.001 }, ...extra }],
    typedSearchAttributes: [
      { key: FailbackPlanId, value: spec.planId },
      { key: FailbackApplication, value: spec.application },
      { key: FailbackStage, value: 'preflight' },
      { key: FailbackWaitingFor, value: 'nothing' },
    ],
  });
}

export async function status(handle: WorkflowHandle): Promise<PlanStatus> {
  return handle.query(statusQuery);
}

/** Polls the status query until `done` holds (real time; does not skip workflow time). */
export async function waitForStatus(
  handle: WorkflowHandle,
  done: (s: PlanStatus) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<PlanStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: PlanStatus | undefined;
  for (;;) {
    last = await status(handle).catch(() => last);
    if (last && done(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}; last status: ${JSON.stringify(last && { stage: last.stage, waitingFor: last.waitingFor, errors: last.errors })}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function waitForStage(handle: WorkflowHandle, stage: Stage, timeoutMs?: number): Promise<PlanStatus> {
  return waitForStatus(handle, (s) => s.stage === stage, `stage ${stage}`, timeoutMs);
}

/** Waits until the plan waits for `gate`. */
export function waitForGate(handle: WorkflowHandle, gate: string, timeoutMs?: number): Promise<PlanStatus> {
  return waitForStatus(
    handle,
    (s) => s.waitingFor?.kind === 'gate' && s.waitingFor.gate === gate,
    `gate ${gate}`,
    timeoutMs,
  );
}
