import { ApplicationFailure, condition, executeChild, isCancellation } from '@temporalio/workflow';
import type { Gate, Stage } from '../../domain/contract.js';
import { phaseWorkflowId, type Phase } from '../../domain/naming.js';
import type { ResolvedResource } from '../../domain/resources.js';
import { describeFailure, type ResourcePhaseResult } from '../resources/resource-pipeline.js';
import {
  failback,
  testFailback,
  type PipelinePhaseInput,
  type PipelinePhaseResult,
} from '../phases/pipeline-phase.js';
import type { TaskResult } from '../phases/task-phases.js';
import { childWorkflowFailure, isOwnCancellation } from '../failures.js';
import { nowIso, type PlanState } from './state.js';

/** Thrown inside the forward flow when a gate is rejected: the plan compensates like an abort. */
export class GateRejected extends Error {
  override name = 'GateRejected';
}

/**
 * Parks the plan in needs-attention until an operator sends `retry` (resolves) or `abort` (the forward
 * scope is cancelled, so this throws). The error is already recorded in status.errors.
 */
export async function needsAttention(state: PlanState, reason: string): Promise<void> {
  // While compensating (state.safe): the plan parks from `aborting` and goes back to it on retry,
  // whatever stage the abort itself came from.
  const interrupted = state.effectiveStage;
  state.retryRequestedBy = undefined;
  state.status.interruptedStage = interrupted;
  state.enterStage('needs-attention', reason);
  state.status.interruptedStage = interrupted;
  state.waitFor({ kind: 'operator', since: nowIso(), reason });
  await condition(() => state.retryRequestedBy !== undefined);
  state.enterStage(interrupted, `retry requested by ${state.retryRequestedBy}`);
  if (state.safe && interrupted === 'aborting' && state.abortedFrom)
    state.status.interruptedStage = state.abortedFrom;
  state.retryRequestedBy = undefined;
}

/**
 * A phase child that failed, timed out, was terminated or was cancelled from outside (not by our
 * abort): every resource it ran counts as unfinished, the error is recorded, and the plan parks until
 * retry (the phase runs again for them, adopting what the lost run made) or abort (decision 0030).
 */
export async function parkForFailedChild(
  state: PlanState,
  phase: string,
  resources: ResolvedResource[],
  error: unknown,
): Promise<void> {
  const failure = childWorkflowFailure(error);
  delete state.status.activePhase;
  for (const r of resources) {
    const status = state.resource(r.key);
    if (!status) continue;
    status.state = 'failed';
    status.lastError = { type: failure.type, message: failure.message, at: nowIso() };
  }
  state.recordError(failure.type, `${phase}: ${failure.message}`);
  await needsAttention(state, `the ${phase} phase did not finish: ${failure.message}`);
}

/** Runs a phase child; its failure (state.safe) parks the plan and the phase runs again on retry. */
async function phaseChild<R>(
  state: PlanState,
  phase: string,
  resources: ResolvedResource[],
  run: () => Promise<R>,
): Promise<{ ok: true; value: R } | { ok: false }> {
  try {
    return { ok: true, value: await run() };
  } catch (error) {
    if (!state.safe || isOwnCancellation(error) || error instanceof GateRejected) throw error;
    await parkForFailedChild(state, phase, resources, error);
    return { ok: false };
  }
}

/** Runs a plan-level step; a failure parks the plan until retry (then runs it again) or abort. */
export async function attempt<T>(state: PlanState, what: string, run: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await run();
    } catch (error) {
      if (isCancellation(error) || error instanceof GateRejected) throw error;
      const failure = describeFailure(error);
      state.recordError(failure.type, `${what}: ${failure.message}`);
      await needsAttention(state, `${what} failed (${failure.type})`);
    }
  }
}

/** Waits for a person's decision at a gate; a rejection throws GateRejected (compensation follows). */
export async function gate(state: PlanState, gateName: Gate, stage: Stage): Promise<void> {
  state.decisions.delete(gateName);
  state.enterStage(stage);
  state.waitFor({ kind: 'gate', gate: gateName, since: nowIso() });
  await condition(() => state.decisions.has(gateName));
  const decision = state.decisions.get(gateName)!;
  state.waitFor(null);
  if (decision.decision === 'reject') {
    state.abortRequest = { by: decision.by, reason: `gate ${gateName} rejected: ${decision.reason ?? ''}` };
    throw new GateRejected(`gate ${gateName} rejected by ${decision.by}`);
  }
  if (gateName === 'primary-validated') state.measure('primaryValidatedAt');
}

/**
 * Runs a copy phase as a child workflow; resources that failed park the plan in needs-attention, and
 * `retry` runs the phase again for those only (activities adopt what earlier runs made).
 */
export async function runCopyPhase(
  state: PlanState,
  phase: 'test-failback' | 'failback',
  input: Omit<PipelinePhaseInput, 'attempt' | 'resources'>,
  resources: ResolvedResource[],
  onResult: (result: PipelinePhaseResult) => void,
): Promise<void> {
  let pending = resources;
  for (let attempt = 0; ; attempt++) {
    const workflowId = phaseWorkflowId(input.plan.planId, phase, attempt);
    state.status.activePhase = { phase, workflowId };
    markResources(state, pending, phase);
    // The quiesce is the phase's first step: it starts when the phase does.
    const phaseStartedAt = nowIso();
    const run = await phaseChild(state, phase, pending, () =>
      executeChild(phase === 'failback' ? failback : testFailback, {
        workflowId,
        args: [{ ...input, resources: pending, attempt }],
      }),
    );
    if (!run.ok) continue;
    const result = run.value;
    delete state.status.activePhase;
    onResult(result);
    recordQuiesce(state, phaseStartedAt, result);
    recordResults(state, phase, result.results);
    const failed = result.results.filter((r) => !r.ok);
    if (failed.length === 0) return;
    for (const f of failed)
      state.recordError(
        f.error?.type ?? 'Unknown',
        `${f.error?.step ?? phase}: ${f.error?.message ?? ''}`,
        f.key,
      );
    await needsAttention(state, `${failed.length} of ${pending.length} resources failed in ${phase}`);
    const keys = new Set(failed.map((f) => f.key));
    pending = resources.filter((r) => keys.has(r.key));
  }
}

/** Same for the one-activity-per-resource phases (test cleanup, conclude recovery, cleanup). */
export async function runTaskPhase<T>(
  state: PlanState,
  phase: 'test-cleanup' | 'conclude-recovery' | 'cleanup',
  resources: ResolvedResource[],
  run: (resources: ResolvedResource[], workflowId: string) => Promise<TaskResult<T>[]>,
  onSuccess: (key: string, value: T) => void = () => undefined,
): Promise<void> {
  let pending = resources;
  for (let attempt = 0; ; attempt++) {
    const workflowId = phaseWorkflowId(state.spec.planId, phase, attempt);
    state.status.activePhase = { phase, workflowId };
    markResources(state, pending, phase);
    const ran = await phaseChild(state, phase, pending, () => run(pending, workflowId));
    if (!ran.ok) continue;
    const results = ran.value;
    delete state.status.activePhase;
    for (const r of results) {
      const status = state.resource(r.key);
      if (!status) continue;
      if (r.ok) {
        status.state = phase === 'conclude-recovery' || phase === 'test-cleanup' ? 'removed' : 'succeeded';
        delete status.lastError;
        onSuccess(r.key, r.value as T);
      } else {
        status.state = 'failed';
        status.lastError = {
          type: r.error?.type ?? 'Unknown',
          message: r.error?.message ?? '',
          at: nowIso(),
        };
      }
    }
    const failed = results.filter((r) => !r.ok);
    if (failed.length === 0) return;
    for (const f of failed)
      state.recordError(f.error?.type ?? 'Unknown', `${f.error?.step}: ${f.error?.message}`, f.key);
    await needsAttention(state, `${failed.length} of ${pending.length} resources failed in ${phase}`);
    const keys = new Set(failed.map((f) => f.key));
    pending = resources.filter((r) => keys.has(r.key));
  }
}

function markResources(
  state: PlanState,
  resources: ResolvedResource[],
  phase: NonNullable<Phase> | 'test-cleanup' | 'cleanup',
) {
  for (const r of resources) {
    const status = state.resource(r.key);
    if (status) {
      status.phase = phase;
      status.state = 'running';
    }
  }
}

function recordResults(state: PlanState, phase: Phase, results: ResourcePhaseResult[]): void {
  for (const r of results) {
    const status = state.resource(r.key);
    if (!status) continue;
    status.state = r.ok ? 'succeeded' : 'failed';
    status.step = r.error?.step ?? 'restoreAndVerify';
    if (r.recoveryPoint) status.recoveryPoint = r.recoveryPoint;
    if (r.restore?.retirement) status.retirement = r.restore.retirement;
    if (r.restore) status.restored = r.restore.restored;
    if (r.verification) status.verification = r.verification;
    status.timings = { ...status.timings, [phase]: [...(status.timings?.[phase] ?? []), ...r.timings] };
    if (r.error) status.lastError = { type: r.error.type, message: r.error.message, at: nowIso() };
    else delete status.lastError;
  }
}

/**
 * The quiesce of each resource in its failback timings (the report's per-resource durations), before
 * the steps of the same run: the phase reports when each source was quiesced; a failed quiesce is in
 * the results already.
 */
function recordQuiesce(state: PlanState, startedAt: string, result: PipelinePhaseResult): void {
  for (const q of result.quiesced ?? []) {
    const status = state.resource(q.key);
    if (!status) continue;
    const steps = status.timings?.failback ?? [];
    status.timings = {
      ...status.timings,
      failback: [...steps, { step: 'quiesceSource', startedAt, finishedAt: q.at }],
    };
  }
}

export function failureOf(error: unknown): { type: string; message: string } {
  if (error instanceof ApplicationFailure) return { type: error.type ?? 'Unknown', message: error.message };
  return describeFailure(error);
}
