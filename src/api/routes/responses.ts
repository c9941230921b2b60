import { ProblemRef } from '../schemas/problem.js';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: every field error is listed in `errors`',
  401: 'No valid bearer token',
  403: 'The token lacks the role',
  404: 'No such plan',
  409: 'The plan is not in a state for this (the reason is in `detail`), or it exists already',
  413: 'The body is larger than the API accepts (1 MiB)',
  414: 'A path segment is longer than any the API accepts',
  415: 'The body is not application/json',
  431: 'The request line and headers are larger than the API accepts',
  500: 'An unexpected error (its cause is in the API log, never in the answer)',
  502: 'The preflight workflow failed',
  503: 'Temporal or the failback worker did not answer',
  504: 'The preflight did not finish in time',
};

/** What any route can answer before it runs: fastify and Node refuse these themselves. */
const EVERY_ROUTE = [414, 431, 500];
/** And a route with a body. */
export const BODY_ERRORS = [413, 415];

/** The problem+json responses of a route for the OpenAPI document, with those of every route. */
export function problemResponses(...codes: number[]): Record<number, unknown> {
  return Object.fromEntries(
    [...new Set([...codes, ...EVERY_ROUTE])]
      .sort((a, b) => a - b)
      .map((code) => [
        code,
        {
          description: DESCRIPTIONS[code],
          content: { 'application/problem+json': { schema: ProblemRef } },
        },
      ]),
  );
}

export const SECURED = [{ bearerAuth: [] }];
