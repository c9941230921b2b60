import type { AwsEnvironment } from '../../aws/clients.js';
import { aws, awsErrorCode } from '../../aws/errors.js';

/** One AWS call in an environment, its failure classified with what we did and as whom. */
export function call<T>(env: AwsEnvironment, what: string, run: () => Promise<T>): Promise<T> {
  return aws(
    { what: `${what} (${env.access.accountId} ${env.access.region})`, roleArn: env.access.roleArn },
    run,
  );
}

/** Runs a read that may legitimately find nothing: undefined on ResourceNotFound / NoSuch*. */
export async function maybe<T>(
  run: () => Promise<T>,
  missing = /NotFound|^NoSuch|^NotFound$/,
): Promise<T | undefined> {
  try {
    return await run();
  } catch (error) {
    if (missing.test(awsErrorCode(error) ?? '')) return undefined;
    throw error;
  }
}

/** `call` for a read that may find nothing (undefined instead of a NotFound failure). */
export function callMaybe<T>(
  env: AwsEnvironment,
  what: string,
  run: () => Promise<T>,
  missing?: RegExp,
): Promise<T | undefined> {
  return call(env, what, () => maybe(run, missing));
}
