import type { AwsEnvironment } from '../../aws/clients.js';
import { expectedMs, type Operation } from '../../aws/durations.js';
import { aws, awsErrorCode } from '../../aws/errors.js';
import { pollUntil, type ProbeResult } from '../../aws/polling.js';

/** One AWS call in an environment, its failure classified and naming the role it ran as. */
export function call<T>(
  env: AwsEnvironment,
  what: string,
  run: () => Promise<T>,
  options: { copy?: boolean } = {},
): Promise<T> {
  return aws({ what, roleArn: env.access.roleArn, ...options }, run);
}

/** Runs a describe call; `undefined` when AWS says the thing does not exist. */
export async function describeOrUndefined<T>(
  env: AwsEnvironment,
  what: string,
  run: () => Promise<T>,
  notFound: RegExp = /NotFound|\.Unavailable$/,
): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if (notFound.test(awsErrorCode(error) ?? '')) return undefined;
    return call(env, what, () => Promise.reject(error));
  }
}

/** Runs a create call; `true` when it created, `false` when AWS says the name is taken. */
export async function createOrExists(
  env: AwsEnvironment,
  what: string,
  run: () => Promise<unknown>,
  alreadyExists: RegExp = /AlreadyExists|\.Duplicate$/,
  options: { copy?: boolean } = {},
): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (error) {
    if (alreadyExists.test(awsErrorCode(error) ?? '')) return false;
    return call(env, what, () => Promise.reject(error), options);
  }
}

/** Waits (heartbeating, cancellable) for the typical duration of `operation`, then probes. */
export function waitFor<T>(
  what: string,
  operation: Operation,
  probe: () => Promise<ProbeResult<T>>,
): Promise<T> {
  return pollUntil(what, probe, { expectedMs: expectedMs(operation) });
}
