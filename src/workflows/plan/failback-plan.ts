import { CancellationScope, condition, isCancellation, patched } from '@temporalio/workflow';
import type { FailbackPlanInput } from '../../domain/messages.js';
import { footprintOf } from '../../domain/plan-conflicts.js';
import { checkPlanRules } from '../../domain/plan-rules.js';
import type { PlanStatus } from '../../domain/status.js';
import { ABORT_SAFETY_PATCH, ACCESS_LIMITS_PATCH } from '../versions.js';
import { compensate, type PlanProgress } from './compensate.js';
import { publishFootprint } from './conflicts.js';
import { checkAbort } from './decisions.js';
import { runForward } from './forward.js';
import { registerHandlers, view } from './handlers.js';
import { nowIso, PlanState } from './state.js';
import { GateRejected } from './steps.js';

/**
 * The failback plan (DESIGN.md §1): one durable workflow that owns the stages, the gates, the window
 * timer, the audit log and the `status` query, and runs each phase as a child workflow so its own
 * history stays small. Abort (or a rejected gate, or a workflow cancellation) cancels the forward flow
 * and, once everything it started has stopped, runs compensation in a non-cancellable scope. Returns
 * the final status.
 */
export async function failbackPlan(input: FailbackPlanInput): Promise<PlanStatus> {
  const state = new PlanState(input.spec, input.startedBy, patched(ABORT_SAFETY_PATCH));
  registerHandlers(state);
  const progress: PlanProgress = { testStarted: false, testCleaned: false, failbackStarted: false, done: {} };

  // A spec that breaks the rules (a plan started from the CLI skips the API's checks) changes nothing.
  const ruleErrors = checkPlanRules(input.spec, Date.now(), { accessLimits: patched(ACCESS_LIMITS_PATCH) });
  if (ruleErrors.length > 0) {
    for (const e of ruleErrors) state.recordError('InvalidParameter', `${e.path}: ${e.message}`);
    state.enterStage('failed', 'the plan spec breaks rules: start a corrected plan');
    state.status.outcome = { result: 'failed', at: nowIso(), reason: 'invalid plan spec' };
    return state.status;
  }
  // Other plans' conflict checks read what this one holds (a CLI start set no memo).
  if (state.safe) publishFootprint(footprintOf(input.spec));

  // `temporal workflow cancel` / the Web UI's Request Cancellation cancels the root scope: it is an
  // abort request, and nothing of the plan runs in that scope, so nothing is cut off mid-step and no
  // promise is left to reject unhandled (decision 0034).
  CancellationScope.current().cancelRequested.catch(() => onWorkflowCancel(state));
  return CancellationScope.nonCancellable(() => run(input, state, progress));
}

async function run(input: FailbackPlanInput, state: PlanState, progress: PlanProgress): Promise<PlanStatus> {
  const forward = new CancellationScope();
  const abortWatch = condition(() => state.abortRequest !== undefined).then(() => forward.cancel());
  try {
    const outcome = await forward.run(() => runForward(input, state, progress));
    if (outcome === 'refused') return state.status;
    state.enterStage('completed');
    state.measure('completedAt');
    state.waitFor(null);
    state.status.outcome = { result: 'completed', at: nowIso() };
    return state.status;
  } catch (error) {
    if (!(isCancellation(error) || error instanceof GateRejected) || !state.abortRequest) throw error;
  }
  void abortWatch;
  // Abort or rejected gate: compensation must finish even if someone tries to cancel the workflow.
  await CancellationScope.nonCancellable(() => compensate(input, state, progress));
  return state.status;
}

/**
 * A workflow cancellation request: an abort like any other (audited), unless an abort cannot be
 * accepted now — already aborting, or primary validated (recovery is being concluded): then the
 * request is recorded as ignored and the plan goes on.
 */
function onWorkflowCancel(state: PlanState): void {
  const by = 'temporal (workflow cancellation)';
  const reason =
    'the workflow was cancelled (temporal workflow cancel, or Request Cancellation in the Web UI)';
  const entry = { by, action: 'abort' as const, comment: reason };
  const verdict = checkAbort(view(state), { by, reason });
  if (!verdict.ok) {
    state.ignored(entry, `${verdict.reason}: the cancellation request changes nothing`);
    return;
  }
  state.abortRequest = { by, reason };
  state.audit({ ...entry, outcome: 'accepted' });
}
