import type { AwsEnvironment } from '../../src/activities/aws/clients.js';

interface MiddlewareStack {
  add(
    middleware: (
      next: (args: unknown) => Promise<unknown>,
      context: { commandName?: string },
    ) => (args: unknown) => Promise<unknown>,
    options: { step: 'initialize'; name: string; override: boolean },
  ): void;
}

const NAME = 'failbackTestCrashAfterCreate';

/**
 * Simulates a worker that dies between an AWS call and its return: the first successful response of
 * each named command (per environment) is thrown away and the activity fails, although AWS did the work.
 * Returns the commands that crashed so far, and a function removing the middleware.
 */
export function crashOnceAfter(
  envs: AwsEnvironment[],
  commands: string[],
): { crashed: string[]; remove(): void } {
  const crashed: string[] = [];
  const clients = envs.flatMap((env) => {
    const pending = new Set(commands);
    return [env.dynamodb, env.s3].map((client) => ({ client, pending, env }));
  });
  for (const { client, pending, env } of clients) {
    (client.middlewareStack as unknown as MiddlewareStack).add(
      (next, context) => async (args) => {
        const result = await next(args);
        const command = context.commandName ?? '';
        if (pending.has(command)) {
          pending.delete(command);
          crashed.push(`${env.access.region}:${command}`);
          throw new Error(`simulated worker crash after ${command} succeeded`);
        }
        return result;
      },
      { step: 'initialize', name: NAME, override: true },
    );
  }
  return {
    crashed,
    remove: () => clients.forEach(({ client }) => client.middlewareStack.remove(NAME)),
  };
}
