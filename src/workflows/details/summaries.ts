import { awsOperation } from '../../domain/aws-operations.js';
import type { ResolvedResource } from '../../domain/resources.js';

/**
 * One-line summaries the Web UI shows for child workflows and activities (user metadata on their
 * commands), from the workflow or activity type and its input. Pure; unknown shapes get none.
 */

const PHASE_LABEL: Record<string, string> = {
  testFailback: 'Test failback',
  failback: 'Failback (maintenance window)',
  testCleanup: 'Test cleanup: the test copies removed',
  concludeRecovery: 'Conclude recovery: final backups kept, recovery copies removed',
  finalCleanup: 'Cleanup: intermediates removed',
  compensation: 'Compensation: what the plan changed undone',
};

interface PhaseLike {
  plan?: { planId?: string; application?: string };
  resources?: ResolvedResource[];
  attempt?: number;
  phase?: string;
  resource?: ResolvedResource;
  phases?: string[];
}

const isObject = (value: unknown): value is PhaseLike => typeof value === 'object' && value !== null;

function resourceLine(r: ResolvedResource): string {
  return `${r.key}: ${r.source} → ${r.target}`;
}

/** Static summary and details (Markdown) of a child workflow, or undefined. */
export function childWorkflowMetadata(
  workflowType: string,
  args: unknown[],
): { summary: string; details?: string } | undefined {
  const input = args[0];
  if (!isObject(input)) return undefined;
  if (workflowType === 'resourceFailback' && input.resource) {
    const r = input.resource;
    return {
      summary: `${input.phase === 'failback' ? 'Failback' : 'Test failback'} of ${resourceLine(r)}`,
      details: [
        `**Resource** \`${r.key}\` (${r.kind}) of plan \`${input.plan?.planId ?? '?'}\``,
        '',
        `- source in recovery: \`${r.source}\``,
        `- target in primary: \`${r.target}\``,
        '',
        'Steps: takeRecoveryPoint → (copy slot) copyRecoveryPoint → restoreAndVerify.',
      ].join('\n'),
    };
  }
  const label = PHASE_LABEL[workflowType];
  if (!label || !Array.isArray(input.resources)) return undefined;
  const attempt = input.attempt ? ` (retry ${input.attempt})` : '';
  const phases = input.phases?.length ? ` of ${input.phases.join(' and ')}` : '';
  const resources = input.resources;
  return {
    summary: `${label}${phases}: ${resources.length} resource${resources.length === 1 ? '' : 's'}${attempt}`,
    details: [
      `**${label}**${phases} for plan \`${input.plan?.planId ?? '?'}\`${attempt}`,
      '',
      ...resources.slice(0, 40).map((r) => `- \`${r.key}\`: ${r.source} → ${r.target}`),
      ...(resources.length > 40 ? [`- … and ${resources.length - 40} more`] : []),
    ].join('\n'),
  };
}

const PLAN_ACTIVITY: Record<string, string> = {
  preflightPlan: 'Preflight: resolve resources, check access and conflicts (read-only)',
  ensureAccessStack: 'Access stack: CloudFormation CreateStack of the IAM role in primary → CREATE_COMPLETE',
  deleteAccessStack: 'Access stack: CloudFormation DeleteStack → DELETE_COMPLETE',
  cutoverDns: 'DNS cutover: Route 53 ChangeResourceRecordSets (UPSERT) → INSYNC',
  restoreDns: 'DNS rollback: Route 53 records back to their previous values → INSYNC',
  resumeRecoveryPointSchedule: 'Recovery points resume: the schedule is unpaused',
  probeEnvironment: 'Probe: AssumeRole, GetCallerIdentity, DescribeTable (read-only)',
};

/** The summary of an activity: the step, the resource and the AWS operation it waits on. */
export function activitySummary(activityType: string, args: unknown[]): string | undefined {
  const input = args[0];
  if (isObject(input) && input.resource) {
    const r = input.resource;
    const operation = awsOperation(r.kind, activityType);
    return `${activityType} ${r.key} (${input.phase ?? '?'})${operation ? `: ${operation}` : ''}`;
  }
  return PLAN_ACTIVITY[activityType];
}
