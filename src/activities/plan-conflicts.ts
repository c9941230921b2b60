import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { findConflictingPlans } from '../clients/plan-conflicts.js';
import type { PlanConflict, PlanFootprint } from '../domain/plan-conflicts.js';

/**
 * The plan's (and the dry run's) conflict check: which running plans of this orchestrator (its task
 * queue) hold the same application or resources (decision 0033). Read-only.
 */
export function planConflictActivities(client: () => Client) {
  return {
    async findPlanConflicts(input: {
      footprint: PlanFootprint;
      self?: { workflowId: string; startedAt: string };
    }): Promise<PlanConflict[]> {
      return findConflictingPlans(client(), {
        taskQueue: Context.current().info.taskQueue,
        footprint: input.footprint,
        ...(input.self ? { self: input.self } : {}),
      });
    },
  };
}
