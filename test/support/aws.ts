import { awsEnvironment, type AwsEnvironment } from '../../src/activities/aws/clients.js';

export const PRIMARY_ACCOUNT = '111111111111';
export const RECOVERY_ACCOUNT = '222222222222';

/**
 * Acts as an account in the emulator, the way the seeders and assertions of the tests do: through a
 * role in that account (the emulator attributes assumed-role credentials to the role's account).
 */
export function asAccount(
  accountId: string,
  region: string,
  roleName = 'failback-test-admin',
): AwsEnvironment {
  return awsEnvironment(
    { accountId, region, roleArn: `arn:aws:iam::${accountId}:role/${roleName}` },
    { sessionName: 'failback-tests' },
  );
}
