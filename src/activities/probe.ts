import { DescribeTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { ApplicationFailure } from '@temporalio/common';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { awsEnvironment, type EnvironmentAccess } from './aws/clients.js';

export interface ProbeEnvironmentInput {
  access: EnvironmentAccess;
  /** A DynamoDB table that must be readable through the assumed role. */
  tableName?: string;
}

export interface ProbeEnvironmentResult {
  /** The account the assumed role's credentials act in (from STS). */
  accountId: string;
  arn: string;
  table?: { name: string; status: string; itemCount: number };
}

/**
 * Proves an environment is reachable as the plan will reach it: assume the role (with its ExternalId),
 * ask STS who we are, and read one table. Read-only, so retries are harmless.
 */
export async function probeEnvironment(input: ProbeEnvironmentInput): Promise<ProbeEnvironmentResult> {
  const env = awsEnvironment(input.access);
  const identity = await env.sts.send(new GetCallerIdentityCommand({}));
  if (identity.Account !== input.access.accountId) {
    throw new Error(
      `assumed ${input.access.roleArn} but STS says account ${identity.Account}, expected ${input.access.accountId}`,
    );
  }
  const result: ProbeEnvironmentResult = { accountId: identity.Account, arn: identity.Arn ?? '' };
  if (input.tableName) {
    const { Table } = await env.dynamodb
      .send(new DescribeTableCommand({ TableName: input.tableName }))
      .catch((error: unknown) => {
        // A missing table will not appear by retrying: fail at once with what to check.
        if (error instanceof ResourceNotFoundException) {
          throw ApplicationFailure.nonRetryable(
            `table ${input.tableName} does not exist in account ${input.access.accountId} ${input.access.region}`,
            'ResourceNotFound',
          );
        }
        throw error;
      });
    result.table = {
      name: Table?.TableName ?? input.tableName,
      status: Table?.TableStatus ?? 'UNKNOWN',
      itemCount: Table?.ItemCount ?? 0,
    };
  }
  return result;
}
