import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { PlanTuning } from '../../domain/messages.js';
import type {
  PlanContext,
  PrimaryCopy,
  QuotaClass,
  RecoveryPoint,
  ResolvedResource,
  RestoreResult,
  Verification,
} from '../../domain/resources.js';
import type { StepTiming } from '../../domain/status.js';
import { planActivities } from '../activities.js';
import { acquireCopySlotSignal, copySlotGrantedSignal, releaseCopySlotSignal } from '../phases/messages.js';
import { ABORT_SAFETY_PATCH } from '../versions.js';

export interface ResourcePipelineInput {
  plan: PlanContext;
  phase: 'test-failback' | 'failback';
  resource: ResolvedResource;
  /** The copy step waits for a slot of this class from the phase workflow (its parent). */
  quotaClass: QuotaClass | null;
  quiescedAt?: string;
  tuning?: PlanTuning;
}

export interface ResourcePhaseResult {
  key: string;
  ok: boolean;
  error?: { type: string; message: string; step: string };
  recoveryPoint?: RecoveryPoint;
  copy?: PrimaryCopy;
  restore?: RestoreResult;
  verification?: Verification;
  timings: StepTiming[];
}

/** The failure's type and message as operators read them (an activity failure wraps its cause). */
export function describeFailure(error: unknown): { type: string; message: string } {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure) return { type: cause.type ?? 'Unknown', message: cause.message };
  if (cause instanceof Error) return { type: cause.name || 'Unknown', message: cause.message };
  return { type: 'Unknown', message: String(cause) };
}

/**
 * One resource through one copy phase: recovery point → (copy slot) copy → restore (the failback
 * retires the old primary resource first) → verify. Every step is an idempotent activity, so a retry of
 * this workflow (a new run after needs-attention) picks up what the last one made. A failure needing a
 * person ends the run with ok=false and the error; cancellation (abort) propagates.
 */
export async function resourceFailback(input: ResourcePipelineInput): Promise<ResourcePhaseResult> {
  // An abort waits for the step in flight to stop before the phase (and compensation) goes on.
  const { awsSteps } = planActivities(input.tuning, patched(ABORT_SAFETY_PATCH));
  const step = { plan: input.plan, phase: input.phase, resource: input.resource };
  const result: ResourcePhaseResult = { key: input.resource.key, ok: false, timings: [] };
  let current = 'takeRecoveryPoint';
  const timed = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    current = name;
    const timing: StepTiming = { step: name, startedAt: new Date().toISOString() };
    result.timings.push(timing);
    const value = await run();
    timing.finishedAt = new Date().toISOString();
    return value;
  };

  try {
    const recoveryPoint = await timed('takeRecoveryPoint', () =>
      awsSteps.takeRecoveryPoint({ ...step, ...(input.quiescedAt ? { quiescedAt: input.quiescedAt } : {}) }),
    );
    result.recoveryPoint = recoveryPoint;
    const copy = await withCopySlot(input.quotaClass, result, () =>
      timed('copyRecoveryPoint', () => awsSteps.copyRecoveryPoint({ ...step, recoveryPoint })),
    );
    result.copy = copy;
    const { restore, verification } = await timed('restoreAndVerify', () =>
      awsSteps.restoreAndVerify({
        ...step,
        copy,
        recoveryPoint,
        ...(input.quiescedAt ? { quiescedAt: input.quiescedAt } : {}),
      }),
    );
    result.restore = restore;
    result.verification = verification;
    if (!verification.ok) {
      const failed = verification.checks
        .filter((c) => !c.ok)
        .map((c) => `${c.name}: expected ${c.expected}, got ${c.actual}`);
      result.error = {
        type: 'VerificationFailed',
        message: `the copy does not match its source (${failed.join('; ')})`,
        step: 'verifyRestore',
      };
      return result;
    }
    result.ok = true;
    return result;
  } catch (error) {
    if (isCancellation(error)) throw error;
    result.error = { ...describeFailure(error), step: current };
    return result;
  }
}

/** Holds a copy slot of the phase workflow around `copy` (quota classes: copy-slots.ts). */
async function withCopySlot<T>(
  quotaClass: QuotaClass | null,
  result: ResourcePhaseResult,
  copy: () => Promise<T>,
): Promise<T> {
  const parent = workflowInfo().parent;
  if (!quotaClass || !parent) return copy();
  const phase = getExternalWorkflowHandle(parent.workflowId, parent.runId);
  const workflowId = workflowInfo().workflowId;
  let granted = false;
  setHandler(copySlotGrantedSignal, () => {
    granted = true;
  });
  const waitStarted = Date.now();
  let acquired = false;
  try {
    await phase.signal(acquireCopySlotSignal, { key: result.key, quotaClass, workflowId });
    acquired = true;
    await condition(() => granted);
    if (Date.now() > waitStarted) {
      result.timings.push({
        step: 'waitForCopySlot',
        startedAt: new Date(waitStarted).toISOString(),
        finishedAt: new Date().toISOString(),
      });
    }
    const copied = await copy();
    // Not awaited: the release leaves in the same workflow task as the next step's command.
    void phase.signal(releaseCopySlotSignal, { workflowId }).catch(() => undefined);
    acquired = false;
    return copied;
  } finally {
    // Cancelled or failed while holding or waiting: the slot (or the queue place) goes back.
    if (acquired)
      await CancellationScope.nonCancellable(() => phase.signal(releaseCopySlotSignal, { workflowId }));
  }
}
