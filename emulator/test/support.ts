/**
 * Helpers for the emulator's own tests: clients of the real AWS SDK v3 acting as any account over
 * HTTP, fresh account ids (so tests sharing one emulator never see each other's settings), polling.
 */
import { randomInt } from 'node:crypto';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, SdkError } from '@smithy/types';
import { inject } from 'vitest';
import { EmulatorAdmin, seedingCredentials } from '../client.js';

export function sharedEndpoint(): string {
  return inject('awsEndpoint');
}

export function sharedAdmin(): EmulatorAdmin {
  return new EmulatorAdmin(sharedEndpoint());
}

const used = new Set<string>();

/** A 12-digit account id no other test uses (the shared emulator keeps per-account settings). */
export function freshAccount(): string {
  for (;;) {
    const id = `9${String(randomInt(0, 10 ** 11)).padStart(11, '0')}`;
    if (!used.has(id)) {
      used.add(id);
      return id;
    }
  }
}

export interface ClientOptions {
  endpoint?: string;
  /** Default 1: a test sees every error itself instead of the SDK's retries hiding it. */
  maxAttempts?: number;
  credentials?: AwsCredentialIdentity;
}

/** Real SDK clients for `account` in `region`, acting as the account's root (seeding key). */
export function aws(account: string | undefined, region: string, options: ClientOptions = {}) {
  const config = {
    region,
    endpoint: options.endpoint ?? sharedEndpoint(),
    credentials:
      options.credentials ??
      (account ? seedingCredentials(account) : { accessKeyId: 'test', secretAccessKey: 'test' }),
    maxAttempts: options.maxAttempts ?? 1,
  };
  return {
    ec2: new EC2Client(config),
    rds: new RDSClient(config),
    dynamodb: new DynamoDBClient(config),
    sts: new STSClient(config),
    iam: new IAMClient(config),
    kms: new KMSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    cloudformation: new CloudFormationClient(config),
    route53: new Route53Client(config),
  };
}

export type Statement = Record<string, unknown>;
/** An IAM policy document of these statements. */
export const policyDocument = (...Statement: Statement[]) =>
  JSON.stringify({ Version: '2012-10-17', Statement });

/**
 * Clients acting as a new role `name` of `account` with one inline policy of `statements`, assumed by
 * the account's root: the caller whose authorization a test checks.
 */
export async function asRoleWith(account: string, region: string, name: string, ...statements: Statement[]) {
  const root = aws(account, region);
  const trust = policyDocument({
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${account}:root` },
    Action: 'sts:AssumeRole',
  });
  await root.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
  await root.iam.send(
    new PutRolePolicyCommand({
      RoleName: name,
      PolicyName: 'p',
      PolicyDocument: policyDocument(...statements),
    }),
  );
  const c = (
    await root.sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/${name}`, RoleSessionName: 'test' }),
    )
  ).Credentials!;
  return aws(undefined, region, {
    credentials: {
      accessKeyId: c.AccessKeyId!,
      secretAccessKey: c.SecretAccessKey!,
      sessionToken: c.SessionToken!,
    },
  });
}

/** Polls until `check` returns something other than undefined. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined>,
  { timeoutMs = 20_000, intervalMs = 25 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The error a call rejects with (fails the test if it succeeds). */
export async function failure(call: Promise<unknown>): Promise<SdkError> {
  try {
    await call;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail, it succeeded');
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
