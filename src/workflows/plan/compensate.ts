import { executeChild } from '@temporalio/workflow';
import type { FailbackPlanInput } from '../../domain/messages.js';
import { phaseWorkflowId } from '../../domain/naming.js';
import type {
  DnsCutoverResult,
  PlanContext,
  ResolvedResource,
  Restored,
  Retirement,
} from '../../domain/resources.js';
import { planActivities } from '../activities.js';
import { isOwnCancellation } from '../failures.js';
import { compensation } from '../phases/task-phases.js';
import { rollBackDns } from './dns.js';
import { nowIso, type PlanState } from './state.js';
import { attempt, failureOf, needsAttention, parkForFailedChild } from './steps.js';

/** What the forward flow got done, i.e. what compensation must undo. */
export interface PlanProgress {
  resources?: ResolvedResource[];
  plan?: PlanContext;
  accessStackCreated?: boolean;
  /** ensureAccessStack was called (patched runs): the stack may exist although it never returned. */
  accessStackRequested?: boolean;
  /** The plan asked to pause the recovery-point schedule (patched runs): an abort resumes it if so. */
  schedulePauseRequested?: boolean;
  testStarted: boolean;
  testCleaned: boolean;
  failbackStarted: boolean;
  /** Traffic may have reached primary (patched runs: from the moment DNS may move). */
  trafficServed?: boolean;
  dnsPrevious?: DnsCutoverResult['previous'];
  done: Record<string, { retirement?: Retirement; restored?: Restored; quiescedSource?: boolean }>;
}

/**
 * The saga's compensation (abort, or a rejected gate): DNS back first (traffic returns to recovery;
 * patched runs wait until it has), then per resource the failback and the test failback undone — what
 * the plan created in primary removed (backed up first once it served traffic), retired resources put
 * back, quiesced sources started again — the access stack the plan created (or was creating) deleted,
 * and a recovery-point schedule the plan paused resumed. The recovery environment's live resources are
 * never touched. A failure here parks the plan (retry / nothing else) until it succeeds.
 */
export async function compensate(
  input: FailbackPlanInput,
  state: PlanState,
  progress: PlanProgress,
): Promise<void> {
  const { spec } = input;
  const { quick } = planActivities(input.tuning, state.safe);
  const request = state.abortRequest!;
  delete state.status.activePhase;
  const abortedFrom = state.effectiveStage;
  state.enterStage('aborting', `${request.reason} (by ${request.by})`);
  if (state.safe) {
    state.abortedFrom = abortedFrom;
    state.status.interruptedStage = abortedFrom;
  }
  state.waitFor(null);

  await rollBackDns(input, state, progress);

  const plan = progress.plan;
  const phases: Array<'failback' | 'test-failback'> = [];
  if (progress.failbackStarted) phases.push('failback');
  if (progress.testStarted && !progress.testCleaned) phases.push('test-failback');
  if (plan && progress.resources && phases.length > 0) {
    const resources = progress.resources;
    for (let attemptNo = 0; ; attemptNo++) {
      for (const r of resources) {
        const status = state.resource(r.key);
        if (status) {
          status.phase = 'compensation';
          status.state = 'compensating';
        }
      }
      const workflowId = phaseWorkflowId(spec.planId, 'compensation', attemptNo);
      state.status.activePhase = { phase: 'compensation', workflowId };
      const run = () =>
        executeChild(compensation, {
          workflowId,
          args: [
            {
              plan,
              resources,
              concurrency: spec.options?.concurrency ?? 16,
              phases,
              done: progress.done,
              trafficServed: progress.trafficServed ?? false,
              ...(input.tuning ? { tuning: input.tuning } : {}),
            },
          ],
        });
      let results: Awaited<ReturnType<typeof run>>;
      try {
        results = await run();
      } catch (error) {
        // A failed or terminated compensation child parks the plan; retry runs it again (idempotent).
        if (!state.safe || isOwnCancellation(error)) throw error;
        await parkForFailedChild(state, 'compensation', resources, error);
        continue;
      }
      delete state.status.activePhase;
      for (const r of results) {
        const status = state.resource(r.key);
        if (status) status.state = r.ok ? 'compensated' : 'failed';
      }
      const failed = results.filter((r) => !r.ok);
      if (failed.length === 0) break;
      for (const f of failed)
        state.recordError(f.error?.type ?? 'Unknown', `compensation: ${f.error?.message ?? ''}`, f.key);
      await needsAttention(state, `${failed.length} resources could not be compensated`);
    }
  }

  if (progress.accessStackCreated || (state.safe && progress.accessStackRequested)) {
    const confirmed = progress.accessStackCreated ?? false;
    const deleted = await attempt(state, 'delete access stack', async () => {
      try {
        await quick.deleteAccessStack({ planId: spec.planId, primary: spec.primary });
        return true;
      } catch (error) {
        // Never confirmed as ours, and it is not: a stack someone else made keeps its name (and stays).
        if (!confirmed && failureOf(error).type === 'NameConflict') return false;
        throw error;
      }
    });
    if (state.status.accessStack && deleted) state.status.accessStack.state = 'deleted';
    if (state.safe && !confirmed)
      state.status.timeline.push({
        stage: 'aborting',
        at: nowIso(),
        note: deleted
          ? 'the access stack the plan was creating is gone (deleted if it existed)'
          : 'the access stack of that name is not the plan’s: left as it is',
      });
  }

  const scheduleId = spec.options?.recoveryPointSchedule;
  if (state.safe && scheduleId && progress.schedulePauseRequested) {
    const { resumed } = await attempt(state, 'resume recovery points', () =>
      quick.resumeRecoveryPointSchedule({ planId: spec.planId, scheduleId, onlyIfPausedByPlan: true }),
    );
    state.status.recoveryPointSchedule = {
      scheduleId,
      pausedByPlan: state.status.recoveryPointSchedule?.pausedByPlan ?? resumed,
      resumed,
    };
  }

  state.enterStage('aborted', request.reason);
  state.waitFor(null);
  state.status.outcome = { result: 'aborted', at: nowIso(), reason: `${request.reason} (by ${request.by})` };
}
