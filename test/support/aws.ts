import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreateRoleCommand,
  EntityAlreadyExistsException,
  IAMClient,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { AwsEnvironment, defaultClientSettings } from '../../src/activities/aws/clients.js';
import { ORCHESTRATOR_ARN, seedingCredentials } from '../../emulator/client.js';

export const PRIMARY_ACCOUNT = '111111111111';
export const RECOVERY_ACCOUNT = '222222222222';
export { ORCHESTRATOR_ARN };

/** Region, endpoint and the account's seeding credentials: for any SDK client a seeder needs. */
export function seedingClientConfig(accountId: string, region: string) {
  const { endpoint } = defaultClientSettings();
  return {
    region,
    credentials: seedingCredentials(accountId),
    ...(endpoint ? { endpoint } : {}),
  };
}

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

/** A trust policy letting the orchestrator (the tests' and `npm start`'s default keys) assume a role. */
export function orchestratorTrustPolicy(externalId?: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: ORCHESTRATOR_ARN },
        Action: 'sts:AssumeRole',
        ...(externalId ? { Condition: { StringEquals: { 'sts:ExternalId': externalId } } } : {}),
      },
    ],
  });
}

/** Creates the role in `accountId` (or updates its trust policy), acting as the account. */
export async function ensureRole(accountId: string, roleName: string, trustPolicy: string): Promise<string> {
  const iam = new IAMClient(seedingClientConfig(accountId, 'us-east-1'));
  try {
    await iam.send(new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trustPolicy }));
  } catch (error) {
    if (!(error instanceof EntityAlreadyExistsException)) throw error;
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: trustPolicy }));
  } finally {
    iam.destroy();
  }
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}

/** Polls `check` until it returns a value other than undefined (the emulator times transitions). */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs = 30_000, intervalMs = 25 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Waits until a DynamoDB table is ACTIVE: like AWS, the emulator refuses items while it is CREATING. */
export async function waitForTableActive(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  await eventually(`table ${tableName} ACTIVE`, async () => {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    return Table?.TableStatus === 'ACTIVE' ? true : undefined;
  });
}
