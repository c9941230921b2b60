/**
 * The stable Temporal contract of DESIGN.md §2. Operators, the Temporal CLI cookbook, the API and the
 * tests all depend on these names: change them only with a versioning plan (docs/decisions/).
 * Pure constants: safe to import from workflow code.
 */
export const TASK_QUEUE = 'failback';

export const PLAN_WORKFLOW_TYPE = 'failbackPlan';

export function planWorkflowId(planId: string): string {
  return `failback-${planId}`;
}

export const GATES = ['primary-ready', 'test-failback', 'failback', 'primary-validated'] as const;
export type Gate = (typeof GATES)[number];

export const STAGES = [
  'preflight',
  'awaiting-primary-ready',
  'access-stack',
  'test-failback',
  'awaiting-test-validation',
  'awaiting-window',
  'failback',
  'awaiting-dns-cutover',
  'awaiting-primary-validation',
  'conclude-recovery',
  'cleanup',
  'completed',
  'needs-attention',
  'aborting',
  'aborted',
  'failed',
] as const;
export type Stage = (typeof STAGES)[number];

/** Stages after which no signal changes anything. */
export const FINAL_STAGES: readonly Stage[] = ['completed', 'aborted', 'failed'];

export const RESOURCE_KINDS = ['ec2-instance', 'rds-instance', 'aurora-cluster', 'dynamodb-table'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** Tags on every resource a plan creates; cleanup and compensation find their work by them. */
export const TAG_PLAN_ID = 'failback:plan-id';
export const TAG_PHASE = 'failback:phase';
export const TAG_SOURCE = 'failback:source';
