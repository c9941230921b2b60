/**
 * ApplicationFailure types the activities raise (src/activities/aws/errors.ts) and the workflows act on.
 * Non-retryable ones need a person: the plan parks in `needs-attention` with the message, which says
 * what to do. Retryable ones are retried by Temporal with backoff.
 */
export const NEEDS_PERSON = [
  'AccessDenied',
  'QuotaExceeded',
  'NameConflict',
  'InvalidParameter',
  'NotFound',
  'KmsKeyProblem',
  'VerificationFailed',
  'PreflightFailed',
  // A long AWS operation ended in a state it never leaves, or outlasted its wait (polling.ts).
  'WaitFailed',
] as const;
export type NeedsPersonFailure = (typeof NEEDS_PERSON)[number];

export const RETRYABLE = ['Throttled', 'AwsServerError', 'NotReady', 'CopySlotBusy'] as const;
export type RetryableFailure = (typeof RETRYABLE)[number];

/** What the operator should do, by failure type (shown in status and the report). */
export const OPERATOR_ACTIONS: Record<
  | NeedsPersonFailure
  | 'WindowMissed'
  | 'ManualDnsRollback'
  | 'ChildWorkflowFailed'
  | 'PlanConflict'
  | 'WorkflowCancelled'
  | 'Unknown',
  string
> = {
  AccessDenied:
    'Grant the missing permission to the named role (or fix the access stack / trust policy), then send retry.',
  QuotaExceeded: 'Raise the AWS service quota named in the message or free capacity, then send retry.',
  NameConflict: 'Something not created by this plan holds the name: rename or remove it, then send retry.',
  InvalidParameter:
    'Fix the plan spec or the resource option named in the message; abort and start a corrected plan if the spec is wrong.',
  NotFound:
    'The named resource does not exist where the plan expects it: check the spec and the environment, then retry or abort.',
  KmsKeyProblem: 'Make the KMS key usable by the role (key policy, grants, region), then send retry.',
  VerificationFailed:
    'The copy does not match its source: inspect both (see checks), then retry (verifies again: the retry reuses the recovery point, copy and restore already made, and the first quiesce time) or abort.',
  PreflightFailed: 'Fix the preflight findings listed, then send retry.',
  WaitFailed:
    'A long AWS operation ended failed or did not finish in time: fix the cause named in the message (its events), then send retry (what the plan made and AWS gave up on is removed and made again), or abort.',
  WindowMissed: 'Set a new maintenance window (setMaintenanceWindow) and approve the failback gate again.',
  ManualDnsRollback:
    'Point DNS back at the recovery environment now, wait for its TTL, then send dnsRollbackComplete: compensation waits for it before it renames anything back in primary.',
  ChildWorkflowFailed:
    'A phase or resource workflow failed or was terminated (see its history in the Web UI): send retry to run it again for the unfinished resources, or abort.',
  PlanConflict:
    'Another plan is active on the same application or resources: let it finish (or abort it), then start this plan again.',
  WorkflowCancelled:
    'The workflow was cancelled (temporal workflow cancel / Web UI): it is treated as an abort and compensates.',
  Unknown: 'Inspect the error; send retry once the cause is fixed, or abort.',
};

export function operatorAction(type: string | undefined): string {
  return (OPERATOR_ACTIONS as Record<string, string>)[type ?? 'Unknown'] ?? OPERATOR_ACTIONS.Unknown;
}
