import { PLAN_WORKFLOW_TYPE, RESOURCE_KINDS } from '../domain/contract.js';

const PHASES = ['test-failback', 'failback', 'conclude-recovery', 'test-cleanup', 'cleanup', 'compensation'];
// Children are `failback-<planId>-<phase>[-<kind>-<target>][-r<n>]` (src/domain/naming.ts). A plan id may
// itself contain a phase word, so the resource form (phase then kind) is tried first, then the shortest id.
const RESOURCE_CHILD = new RegExp(`^failback-(.+?)-(?:${PHASES.join('|')})-(?:${RESOURCE_KINDS.join('|')})-`);
const PHASE_CHILD = new RegExp(`^failback-(.+?)-(?:${PHASES.join('|')})(?:-r\\d+)?$`);

/** The plan a workflow id belongs to, where it can be told from the id (plan and child workflows). */
export function planIdOfWorkflow(workflowId: string, workflowType?: string): string | undefined {
  if (workflowType === PLAN_WORKFLOW_TYPE) return workflowId.replace(/^failback-/, '');
  return RESOURCE_CHILD.exec(workflowId)?.[1] ?? PHASE_CHILD.exec(workflowId)?.[1];
}

/**
 * planId / workflowId for a log line from the SDK's metadata: an explicit planId (activities get one
 * from their input, see activity-plan-id.ts) wins over one read from the workflow id.
 */
export function planBindingsFromMeta(meta: Record<string, unknown> | undefined): {
  planId?: string;
  workflowId?: string;
} {
  if (!meta) return {};
  const workflowId = typeof meta.workflowId === 'string' ? meta.workflowId : undefined;
  const workflowType = typeof meta.workflowType === 'string' ? meta.workflowType : undefined;
  const planId =
    typeof meta.planId === 'string'
      ? meta.planId
      : workflowId
        ? planIdOfWorkflow(workflowId, workflowType)
        : undefined;
  return { ...(planId ? { planId } : {}), ...(workflowId ? { workflowId } : {}) };
}
