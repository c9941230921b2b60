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
 * The problem for a Temporal failure that is not about the plan's state: the server, or the worker
 * behind it, did not answer in time. The client retries an unreachable server until the deadline, so a
 * timeout is told apart by asking whether the server answers now. Anything unexpected is rethrown: a
 * 500 with the cause in the log.
 */
export async function temporalProblem(
  error: unknown,
  what: string,
  serverReachable: () => Promise<boolean>,
): Promise<ProblemError> {
  if (error instanceof ProblemError) return error;
  const code = grpcCode(error);
  const timedOut = error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || code === DEADLINE_EXCEEDED;
  if (timedOut || code === UNAVAILABLE || (error instanceof ServiceError && code === undefined)) {
    if (!(await serverReachable())) {
      return problems.temporalUnavailable(`${what}: the Temporal server cannot be reached`);
    }
    if (timedOut) {
      return problems.workerUnavailable(`${what}: no answer in time; is the failback worker running?`);
    }
    return problems.temporalUnavailable(`${what}: ${(error as Error).message}`);
  }
  throw error;
}
