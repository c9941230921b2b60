import { STATUS_CODES } from 'node:http';
import type { FieldError, Problem } from '../schemas/problem.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Problem types of our own (RFC 9457 `type`); plain HTTP errors use about:blank. */
export const PROBLEM_TYPES = {
  validation: 'urn:failback:problem:validation',
  planNotFound: 'urn:failback:problem:plan-not-found',
  planExists: 'urn:failback:problem:plan-exists',
  wrongState: 'urn:failback:problem:wrong-state',
  planFinished: 'urn:failback:problem:plan-finished',
  planConflict: 'urn:failback:problem:plan-conflict',
  temporalUnavailable: 'urn:failback:problem:temporal-unavailable',
  workerUnavailable: 'urn:failback:problem:worker-unavailable',
  preflightFailed: 'urn:failback:problem:preflight-failed',
} as const;

/** An error the API answers with as problem+json; anything else becomes a 500 without details. */
export class ProblemError extends Error {
  override name = 'ProblemError';
  readonly problem: Omit<Problem, 'instance'>;
  readonly headers: Record<string, string>;

  constructor(
    problem: Partial<Omit<Problem, 'instance'>> & { status: number },
    headers: Record<string, string> = {},
  ) {
    super(problem.detail ?? problem.title ?? STATUS_CODES[problem.status] ?? 'error');
    this.problem = { type: 'about:blank', title: STATUS_CODES[problem.status] ?? 'Error', ...problem };
    this.headers = headers;
  }
}

export const problems = {
  validation(errors: FieldError[], detail = 'the request has invalid fields: see errors'): ProblemError {
    return new ProblemError({
      status: 400,
      type: PROBLEM_TYPES.validation,
      title: 'Invalid request',
      detail,
      errors,
    });
  },
  badRequest(detail: string): ProblemError {
    return new ProblemError({ status: 400, detail });
  },
  unauthorized(detail: string, invalidToken: boolean): ProblemError {
    return new ProblemError(
      { status: 401, detail },
      { 'www-authenticate': `Bearer realm="failback"${invalidToken ? ', error="invalid_token"' : ''}` },
    );
  },
  forbidden(detail: string): ProblemError {
    return new ProblemError({ status: 403, detail });
  },
  planNotFound(planId: string): ProblemError {
    return new ProblemError({
      status: 404,
      type: PROBLEM_TYPES.planNotFound,
      title: 'Plan not found',
      detail: `there is no plan ${planId} (workflow failback-${planId})`,
      planId,
    });
  },
  planExists(planId: string): ProblemError {
    return new ProblemError({
      status: 409,
      type: PROBLEM_TYPES.planExists,
      title: 'Plan already exists',
      detail: `a plan ${planId} exists already (running or finished): choose another planId`,
      planId,
    });
  },
  wrongState(planId: string, detail: string, stage?: string): ProblemError {
    return new ProblemError({
      status: 409,
      type: PROBLEM_TYPES.wrongState,
      title: 'Not possible in the current state',
      detail,
      planId,
      ...(stage ? { stage } : {}),
    });
  },
  /** Another running plan holds the application or resources (decision 0033): named in `conflicts`. */
  planConflict(
    planId: string,
    detail: string,
    conflicts: Array<{ planId: string; workflowId: string; shared: string[] }>,
  ): ProblemError {
    return new ProblemError({
      status: 409,
      type: PROBLEM_TYPES.planConflict,
      title: 'Another plan is active on the same application or resources',
      detail,
      planId,
      conflicts,
    });
  },
  planFinished(planId: string, workflowStatus: string): ProblemError {
    return new ProblemError({
      status: 409,
      type: PROBLEM_TYPES.planFinished,
      title: 'Plan finished',
      detail: `plan ${planId} has finished (${workflowStatus}): nothing can change it any more`,
      planId,
    });
  },
  temporalUnavailable(detail: string): ProblemError {
    return new ProblemError(
      { status: 503, type: PROBLEM_TYPES.temporalUnavailable, title: 'Temporal unavailable', detail },
      { 'retry-after': '5' },
    );
  },
  workerUnavailable(detail: string): ProblemError {
    return new ProblemError(
      { status: 503, type: PROBLEM_TYPES.workerUnavailable, title: 'No worker answered', detail },
      { 'retry-after': '10' },
    );
  },
  preflightFailed(detail: string): ProblemError {
    return new ProblemError({
      status: 502,
      type: PROBLEM_TYPES.preflightFailed,
      title: 'Preflight failed',
      detail,
    });
  },
};
