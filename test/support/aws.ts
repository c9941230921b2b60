import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { AwsEnvironment, defaultClientSettings } from '../../src/activities/aws/clients.js';
import { ORCHESTRATOR_ARN } from '../../emulator/client.js';
import { seedingClientConfig } from '../../scripts/scenario/accounts.js';

export {
  ensureAccessBoundary,
  ensureRole,
  eventually,
  orchestratorTrustPolicy,
  seedingClientConfig,
  waitForTableActive,
} from '../../scripts/scenario/accounts.js';

export const PRIMARY_ACCOUNT = '111111111111';
export const RECOVERY_ACCOUNT = '222222222222';
/**
 * The ExternalId of the shared accounts' `failback-access` role. Test files run in parallel against one
 * emulator: every file that (re)creates that role must give it the same trust policy.
 */
export const TEST_EXTERNAL_ID = 'failback-test-external-id';
export { ORCHESTRATOR_ARN };

const environments = new Map<string, AwsEnvironment>();

/**
 * Acts as an account in the emulator, the way the seeders and assertions of the tests do: as the
 * account's root through its seeding access key (emulator/README.md, "Seeding"), or, given a
 * `roleName`, through that role of the account (which must exist and trust the account).
 */
export function asAccount(accountId: string, region: string, roleName?: string): AwsEnvironment {
  const key = JSON.stringify([accountId, region, roleName]);
  let environment = environments.get(key);
  if (!environment) {
    const settings = { ...defaultClientSettings(), sessionName: 'failback-tests' };
    const access = {
      accountId,
      region,
      roleArn: `arn:aws:iam::${accountId}:role/${roleName ?? 'root-via-seeding-key'}`,
    };
    environment = new AwsEnvironment(access, settings);
    const seeding = seedingClientConfig(accountId, region);
    const credentials: AwsCredentialIdentityProvider = roleName
      ? fromTemporaryCredentials({
          masterCredentials: seeding.credentials,
          params: { RoleArn: access.roleArn, RoleSessionName: settings.sessionName },
          clientConfig: { region, ...(settings.endpoint ? { endpoint: settings.endpoint } : {}) },
        })
      : () => Promise.resolve(seeding.credentials);
    // The product's environment always assumes its role; a seeder is the account itself instead.
    // Clients are built lazily from `credentials`, so replacing it before first use is enough.
    (environment as { credentials: AwsCredentialIdentityProvider }).credentials = credentials;
    environments.set(key, environment);
  }
  return environment;
}

/**
 * A fresh pair of accounts for one scenario (primary in us-east-1, recovery in us-west-2; the same
 * account when not `crossAccount`): `series` keeps test files apart, the clock and a counter keep runs
 * and cases apart.
 */
export function scenarioAccounts(series: number, crossAccount: boolean) {
  const base = series * 10_000_000_000 + (Date.now() % 1_000_000) * 1000 + ++scenarioSeq * 2;
  return {
    primary: { accountId: String(base), region: 'us-east-1' },
    recovery: { accountId: String(crossAccount ? base + 1 : base), region: 'us-west-2' },
  };
}
let scenarioSeq = 0;
