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
import { compensation } from '../phases/task-phases.js';
import { nowIso, type PlanState } from './state.js';
import { attempt, needsAttention } from './steps.js';

/** What the forward flow got done, i.e. what compensation must undo. */
export interface PlanProgress {
  resources?: ResolvedResource[];
  plan?: PlanContext;
  accessStackCreated?: boolean;
  testStarted: boolean;
  testCleaned: boolean;
  failbackStarted: boolean;
  trafficServed?: boolean;
  dnsPrevious?: DnsCutoverResult['previous'];
  done: Record<string, { retirement?: Retirement; restored?: Restored; quiescedSource?: boolean }>;
}

/**
 * The saga's compensation (abort, or a rejected gate): DNS back first (traffic returns to recovery),
 * then per resource the failback and the test failback undone — what the plan created in primary
 * removed (backed up first once it served traffic), retired resources put back, quiesced sources
 * started again — and the access stack the plan created deleted. The recovery environment's live
 * resources are never touched. A failure here parks the plan (retry / nothing else) until it succeeds.
 */
export async function compensate(
  input: FailbackPlanInput,
  state: PlanState,
  progress: PlanProgress,
): Promise<void> {
  const { spec } = input;
  const { quick } = planActivities(input.tuning);
  const request = state.abortRequest!;
  delete state.status.activePhase;
  state.enterStage('aborting', `${request.reason} (by ${request.by})`);
  state.waitFor(null);

  const plan = progress.plan;
  if (plan && progress.dnsPrevious && spec.dnsCutover.mode === 'route53') {
    const hostedZoneId = spec.dnsCutover.hostedZoneId;
    const previous = progress.dnsPrevious;
    await attempt(state, 'restore Route 53 records', () =>
      quick.restoreDns({ planId: spec.planId, primary: plan.primary, hostedZoneId, previous }),
    );
    state.status.timeline.push({
      stage: 'aborting',
      at: nowIso(),
      note: 'Route 53 records restored to their previous values',
    });
  } else if (progress.trafficServed) {
    state.recordError(
      'ManualDnsRollback',
      'DNS was flipped by hand: point it back at the recovery environment',
    );
  }

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
      const results = await executeChild(compensation, {
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

  if (progress.accessStackCreated) {
    await attempt(state, 'delete access stack', () =>
      quick.deleteAccessStack({ planId: spec.planId, primary: spec.primary }),
    );
    if (state.status.accessStack) state.status.accessStack.state = 'deleted';
  }
  state.enterStage('aborted', request.reason);
  state.waitFor(null);
  state.status.outcome = { result: 'aborted', at: nowIso(), reason: `${request.reason} (by ${request.by})` };
}
