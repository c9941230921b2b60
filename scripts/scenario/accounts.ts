import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  CreatePolicyCommand,
  CreateRoleCommand,
  EntityAlreadyExistsException,
  IAMClient,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { ORCHESTRATOR_ARN, seedingCredentials } from '../../emulator/client.js';
import { defaultClientSettings } from '../../src/activities/aws/clients.js';
import {
  ACCESS_BOUNDARY_NAME,
  ACCESS_BOUNDARY_POLICY,
  accessBoundaryArn,
} from '../../src/activities/access-stack/policies/index.js';

/**
 * Acting as an account in the emulator (its seeding key, emulator/README.md), for the scenario
 * seeders of the tests, the demo and the benchmark.
 */

/**
 * Region, endpoint and the account's seeding credentials: for any SDK client a seeder needs. More
 * attempts than the SDK's default 3: tests inject throttling and 5xx into these accounts too.
 */
export function seedingClientConfig(accountId: string, region: string) {
  const { endpoint } = defaultClientSettings();
  return {
    region,
    credentials: seedingCredentials(accountId),
    maxAttempts: 8,
    ...(endpoint ? { endpoint } : {}),
  };
}

/**
 * A trust policy letting the orchestrator assume a role: the tests' and `npm start`'s default keys
 * (the emulator's orchestrator user), or `principal` (a worker running as a role of its own).
 */
export function orchestratorTrustPolicy(externalId?: string, principal: string = ORCHESTRATOR_ARN): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 'sts:AssumeRole',
        ...(externalId ? { Condition: { StringEquals: { 'sts:ExternalId': externalId } } } : {}),
      },
    ],
  });
}

/**
 * Creates the role in `accountId` (or updates its trust policy), acting as the account, with
 * `policy` as its one inline policy (`failback`) when given: the emulator evaluates it (IAM policies
 * are enforced), so a role without one may do nothing but be assumed.
 */
export async function ensureRole(
  accountId: string,
  roleName: string,
  trustPolicy: string,
  policy?: object,
  path = '/',
): Promise<string> {
  const iam = new IAMClient(seedingClientConfig(accountId, 'us-east-1'));
  try {
    await iam.send(
      new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: trustPolicy, Path: path }),
    );
  } catch (error) {
    if (!(error instanceof EntityAlreadyExistsException)) throw error;
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: trustPolicy }));
  }
  try {
    if (policy)
      await iam.send(
        new PutRolePolicyCommand({
          RoleName: roleName,
          PolicyName: 'failback',
          PolicyDocument: JSON.stringify(policy),
        }),
      );
  } finally {
    iam.destroy();
  }
  return `arn:aws:iam::${accountId}:role${path}${roleName}`;
}

/**
 * The permissions boundary of the access roles (decision 0044), as a customer creates it once in
 * primary beside the bootstrap role; already there is fine. Returns its ARN.
 */
export async function ensureAccessBoundary(accountId: string): Promise<string> {
  const iam = new IAMClient(seedingClientConfig(accountId, 'us-east-1'));
  try {
    await iam.send(
      new CreatePolicyCommand({
        PolicyName: ACCESS_BOUNDARY_NAME,
        PolicyDocument: JSON.stringify(ACCESS_BOUNDARY_POLICY),
        Description: 'At most what a failback plan access role may do',
      }),
    );
  } catch (error) {
    if (!(error instanceof EntityAlreadyExistsException)) throw error;
  } finally {
    iam.destroy();
  }
  return accessBoundaryArn(accountId);
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
