import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  EntityAlreadyExistsException,
  IAMClient,
  LimitExceededException,
} from '@aws-sdk/client-iam';
import { ensureRole, seedingClientConfig } from './accounts.js';
import type { Side } from './seed.js';

/** The application's instance profile (and its role's name): the same in both accounts. */
export function instanceProfileName(app: string): string {
  return `${app}-instance`;
}

/** Instance roles under a path of their own, as customers keep them: the ARN the access role may pass. */
const ROLE_PATH = '/app/';

export function instanceRoleArn(accountId: string, app: string): string {
  return `arn:aws:iam::${accountId}:role${ROLE_PATH}${instanceProfileName(app)}`;
}

const EC2_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/**
 * The instance profile the application's instances run with, in one account (issue 15): a profile is
 * not copied by a failback, so primary must have one of the same name for the copy to carry it.
 */
export async function seedInstanceProfile(side: Side, app: string): Promise<string> {
  const name = instanceProfileName(app);
  const arn = await ensureRole(side.accountId, name, EC2_TRUST, undefined, ROLE_PATH);
  const iam = new IAMClient(seedingClientConfig(side.accountId, side.region));
  try {
    await iam
      .send(new CreateInstanceProfileCommand({ InstanceProfileName: name }))
      .catch((e: unknown) => ignore(e, EntityAlreadyExistsException));
    await iam
      .send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: name }))
      .catch((e: unknown) => ignore(e, LimitExceededException));
  } finally {
    iam.destroy();
  }
  return arn;
}

function ignore(error: unknown, kind: new (...args: never[]) => Error): void {
  if (!(error instanceof kind)) throw error;
}
