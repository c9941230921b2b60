import {
  CancellationScope,
  CancelledFailure,
  ChildWorkflowFailure,
  isCancellation,
  TerminatedFailure,
  TimeoutFailure,
} from '@temporalio/workflow';
import { describeFailure } from './resources/resource-pipeline.js';

/**
 * Whether `error` is this workflow's own cancellation (an abort cancelled the scope it runs in), as
 * opposed to a child or activity someone cancelled from outside: that is a failure like any other.
 */
export function isOwnCancellation(error: unknown): boolean {
  return isCancellation(error) && CancellationScope.current().consideredCancelled;
}

/** A child workflow that failed, timed out, was terminated or cancelled from outside, in words. */
export function childWorkflowFailure(error: unknown): { type: string; message: string } {
  if (!(error instanceof ChildWorkflowFailure)) return describeFailure(error);
  const cause = error.cause;
  const how =
    cause instanceof TerminatedFailure
      ? 'was terminated'
      : cause instanceof TimeoutFailure
        ? 'timed out'
        : cause instanceof CancelledFailure
          ? 'was cancelled from outside the plan'
          : `failed: ${cause?.message ?? error.message}`;
  return { type: 'ChildWorkflowFailed', message: `workflow ${error.execution.workflowId} ${how}` };
}
