import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { PROBLEM_CONTENT_TYPE, ProblemError, problems } from './problems.js';
import { loggedUrl } from './request-log.js';
import { fieldErrors, type ValidationPart } from './validation.js';

/** The request's path for a problem's `instance` and `detail`: never the query, never 5,000 characters. */
const pathOf = (url: string) => loggedUrl(url.split('?')[0]) ?? '/';

function isFastifyValidation(
  error: unknown,
): error is FastifyError & { validation: unknown[]; validationContext: string } {
  return (
    typeof error === 'object' &&
    error !== null &&
    Array.isArray((error as { validation?: unknown }).validation)
  );
}

/** Every error leaves as RFC 9457 problem+json; a 500 tells nothing of its cause (the log does). */
async function errorsPlugin(app: FastifyInstance): Promise<void> {
  app.setErrorHandler(async (error: unknown, request, reply) => {
    let problem: ProblemError;
    if (error instanceof ProblemError) problem = error;
    else if (isFastifyValidation(error)) {
      problem = problems.validation(
        fieldErrors(error.validation as never, error.validationContext as ValidationPart),
      );
    } else {
      const status = (error as FastifyError).statusCode;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        problem = new ProblemError({ status, detail: (error as Error).message });
      } else {
        request.log.error({ err: error }, 'request failed');
        problem = new ProblemError({ status: 500, detail: 'internal error: see the API log' });
      }
    }
    const level = problem.problem.status >= 500 ? 'warn' : 'info';
    request.log[level](
      { problem: problem.problem.type, status: problem.problem.status, detail: problem.problem.detail },
      'request refused',
    );
    return reply
      .code(problem.problem.status)
      .headers(problem.headers)
      .type(PROBLEM_CONTENT_TYPE)
      .send({ ...problem.problem, instance: pathOf(request.url) });
  });

  app.setNotFoundHandler(async (request, reply) =>
    reply
      .code(404)
      .type(PROBLEM_CONTENT_TYPE)
      .send({
        type: 'about:blank',
        title: STATUS_CODES[404],
        status: 404,
        detail: `no route ${request.method} ${pathOf(request.url)}`,
        instance: pathOf(request.url),
      }),
  );
}

export default fp(errorsPlugin, { name: 'errors' });
