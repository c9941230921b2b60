import { ProblemRef } from '../schemas/problem.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: every field error is listed in `errors`',
  401: 'No valid bearer token',
  403: 'The token lacks the role',
  404: 'No such plan',
  409: 'The plan is not in a state for this (the reason is in `detail`), or it exists already',
  502: 'The preflight workflow failed',
  503: 'Temporal or the failback worker did not answer',
  504: 'The preflight did not finish in time',
};

/** The problem+json responses of a route, for the OpenAPI document. */
export function problemResponses(...codes: number[]): Record<number, unknown> {
  return Object.fromEntries(
    codes.map((code) => [
      code,
      { description: DESCRIPTIONS[code], content: { 'application/problem+json': { schema: ProblemRef } } },
    ]),
  );
}

export const SECURED = [{ bearerAuth: [] }];
