import type { Client } from '@temporalio/client';
import { PLAN_WORKFLOW_TYPE } from '../domain/contract.js';
import {
  asFootprintMemo,
  FOOTPRINT_MEMO_KEY,
  overlap,
  startedFirst,
  type PlanConflict,
  type PlanFootprint,
} from '../domain/plan-conflicts.js';
import { FailbackApplication, FailbackPlanId } from '../domain/search-attributes.js';

export interface ConflictQuery {
  /** The orchestrator's task queue: its running plans are the ones compared (decision 0033). */
  taskQueue: string;
  footprint: PlanFootprint;
  /** The asking plan itself (absent for the API before a start, and for a dry run). */
  self?: { workflowId: string; startedAt: string };
}

/**
 * The running plans that hold what `footprint` wants: one visibility list of the running plan
 * workflows on the task queue, each compared by the footprint in its memo (a plan started before
 * footprints existed, or from the CLI before its first task, by its FailbackApplication). A plan asks
 * only about plans started before it, so of two started at once exactly one gives way.
 */
export async function findConflictingPlans(client: Client, query: ConflictQuery): Promise<PlanConflict[]> {
  if (!/^[A-Za-z0-9_.:/-]+$/.test(query.taskQueue))
    throw new Error(`task queue ${JSON.stringify(query.taskQueue)} cannot be named in a visibility query`);
  const conflicts: PlanConflict[] = [];
  const list = client.workflow.list({
    query: `WorkflowType = '${PLAN_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running' AND TaskQueue = '${query.taskQueue}'`,
    pageSize: 100,
  });
  for await (const execution of list) {
    if (query.self && execution.workflowId === query.self.workflowId) continue;
    const startedAt = execution.startTime.toISOString();
    const other = { workflowId: execution.workflowId, startedAt };
    if (query.self && !startedFirst(other, query.self)) continue;
    const theirs = asFootprintMemo(execution.memo?.[FOOTPRINT_MEMO_KEY]) ?? {
      planId: execution.typedSearchAttributes.get(FailbackPlanId) ?? execution.workflowId,
      application: execution.typedSearchAttributes.get(FailbackApplication) ?? '',
      resolved: false,
      hashes: '',
    };
    const shared = overlap(query.footprint, theirs);
    if (shared.length > 0) conflicts.push({ planId: theirs.planId, ...other, shared });
  }
  return conflicts;
}
