import { ActivityCancellationType, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { NEEDS_PERSON } from '../domain/failures.js';
import type { PlanTuning } from '../domain/messages.js';

/**
 * How the workflows call activities. AWS steps wait inside the activity (pollUntil heartbeats), so:
 * a long start-to-close, a heartbeat timeout that notices a dead worker quickly, retries with backoff
 * for throttling and 5xx, and no retry at all for failures that need a person (NEEDS_PERSON): those
 * park the plan in needs-attention. Unknown errors get a bounded number of attempts, never forever.
 *
 * `waitForCancellation` (runs with the abort-safety patch): a cancelled activity is waited for until it
 * has stopped (it notices at its next heartbeat or AWS call), so compensation never runs beside it;
 * without it the SDK's default, TRY_CANCEL, reports the cancellation at once (decision 0030).
 */
export function planActivities(tuning: PlanTuning | undefined, waitForCancellation = false) {
  const scale = tuning?.timeScale ?? 1;
  // A heartbeat at least every poll interval (≤ 60 s × scale): five minutes × scale, floor 10 s.
  const heartbeatMs = Math.max(10_000, Math.round(300_000 * scale));
  // WaitFailed is one of NEEDS_PERSON now; the set keeps the list the histories recorded.
  const nonRetryableErrorTypes = [...new Set<string>([...NEEDS_PERSON, 'WaitFailed'])];
  const cancellation = waitForCancellation
    ? { cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED }
    : {};
  const awsSteps = proxyActivities<Activities>({
    ...cancellation,
    startToCloseTimeout: '24 hours',
    heartbeatTimeout: heartbeatMs,
    retry: {
      initialInterval: Math.max(200, Math.round(2000 * scale)),
      backoffCoefficient: 2,
      maximumInterval: Math.max(2000, Math.round(120_000 * scale)),
      maximumAttempts: 25,
      nonRetryableErrorTypes,
    },
  });
  const quick = proxyActivities<Activities>({
    ...cancellation,
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: heartbeatMs,
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: 10,
      nonRetryableErrorTypes,
    },
  });
  return { awsSteps, quick };
}
