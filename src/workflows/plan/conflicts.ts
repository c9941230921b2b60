import { upsertMemo, workflowInfo } from '@temporalio/workflow';
import {
  describeConflicts,
  FOOTPRINT_MEMO_KEY,
  footprintMemo,
  type PlanFootprint,
} from '../../domain/plan-conflicts.js';
import type { planActivities } from '../activities.js';
import { nowIso, type PlanState } from './state.js';
import { attempt } from './steps.js';

/** The plan's footprint in its memo, where the other plans' and the API's conflict checks read it. */
export function publishFootprint(footprint: PlanFootprint): void {
  upsertMemo({ [FOOTPRINT_MEMO_KEY]: footprintMemo(footprint) });
}

/**
 * Refuses this plan (it ends `failed`, having changed nothing) when an earlier plan that is still
 * running holds the same application or resources (decision 0033). Asked after preflight resolved the
 * resources and again before the first change (the access stack), past any visibility lag.
 */
export async function refusedByConflict(
  state: PlanState,
  quick: ReturnType<typeof planActivities>['quick'],
  footprint: PlanFootprint,
): Promise<boolean> {
  const info = workflowInfo();
  const conflicts = await attempt(state, 'conflict check', () =>
    quick.findPlanConflicts({
      footprint,
      self: { workflowId: info.workflowId, startedAt: info.startTime.toISOString() },
    }),
  );
  if (conflicts.length === 0) return false;
  const message = describeConflicts(footprint.planId, conflicts);
  state.recordError('PlanConflict', message);
  state.enterStage('failed', 'another plan is active on the same application or resources');
  state.waitFor(null);
  state.status.outcome = { result: 'failed', at: nowIso(), reason: message };
  return true;
}
