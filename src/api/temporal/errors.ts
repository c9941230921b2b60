import {
  isGrpcServiceError,
  ServiceError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ProblemError, problems } from '../plugins/problems.js';

// gRPC status codes (stable across every gRPC implementation).
const DEADLINE_EXCEEDED = 4;
const UNAVAILABLE = 14;

function grpcCode(error: unknown): number | undefined {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (isGrpcServiceError(e)) return e.code;
  }
  return undefined;
}

/**
 * The problem for a Temporal failure that is not about the plan's state: the server (or the worker
 * behind it) did not answer. Anything unexpected is rethrown: a 500 with the cause in the log.
 */
export function temporalProblem(error: unknown, what: string): ProblemError {
  if (error instanceof ProblemError) return error;
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return problems.workerUnavailable(
      `${what}: no worker took the request in time; is the failback worker running?`,
    );
  }
  const code = grpcCode(error);
  if (code === DEADLINE_EXCEEDED) {
    return problems.workerUnavailable(`${what}: no answer in time; is the failback worker running?`);
  }
  if (code === UNAVAILABLE || (error instanceof ServiceError && code === undefined)) {
    return problems.temporalUnavailable(
      `${what}: the Temporal server cannot be reached (${(error as Error).message})`,
    );
  }
  throw error;
}
