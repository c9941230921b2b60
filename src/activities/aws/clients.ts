import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { KMSClient } from '@aws-sdk/client-kms';
import { RDSClient } from '@aws-sdk/client-rds';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

/** How the orchestrator reaches one environment (primary or recovery) of a plan. */
export interface EnvironmentAccess {
  accountId: string;
  region: string;
  /** Assumed for every call; credentials come from STS and are refreshed before they expire. */
  roleArn: string;
  externalId?: string;
}

export interface ClientSettings {
  /** AWS_ENDPOINT_URL: the emulator, or undefined for AWS itself. */
  endpoint: string | undefined;
  /** Recorded in CloudTrail as the role session name, so every call can be traced to its plan. */
  sessionName: string;
  /** SDK attempts per call before the error reaches Temporal's retry policy. */
  maxAttempts: number;
}

export const defaultClientSettings = (): ClientSettings => ({
  endpoint: process.env.AWS_ENDPOINT_URL || undefined,
  sessionName: 'failback-orchestrator',
  maxAttempts: 4,
});

/**
 * Lazily built, cached SDK clients for one environment. All of them share one credential provider:
 * STS AssumeRole with the ExternalId, memoised and refreshed by the SDK.
 */
export class AwsEnvironment {
  readonly credentials: AwsCredentialIdentityProvider;
  private readonly clients = new Map<string, unknown>();

  constructor(
    readonly access: EnvironmentAccess,
    readonly settings: ClientSettings,
  ) {
    this.credentials = fromTemporaryCredentials({
      params: {
        RoleArn: access.roleArn,
        RoleSessionName: settings.sessionName,
        ...(access.externalId ? { ExternalId: access.externalId } : {}),
        DurationSeconds: 3600,
      },
      clientConfig: { region: access.region, ...(settings.endpoint ? { endpoint: settings.endpoint } : {}) },
    });
  }

  private common() {
    return {
      region: this.access.region,
      credentials: this.credentials,
      // Adaptive mode adds client-side rate limiting on throttling on top of the standard backoff.
      retryMode: 'adaptive',
      maxAttempts: this.settings.maxAttempts,
      ...(this.settings.endpoint ? { endpoint: this.settings.endpoint } : {}),
    } as const;
  }

  private client<T>(name: string, build: () => T): T {
    let client = this.clients.get(name) as T | undefined;
    if (!client) {
      client = build();
      this.clients.set(name, client);
    }
    return client;
  }

  get ec2(): EC2Client {
    return this.client('ec2', () => new EC2Client(this.common()));
  }
  get rds(): RDSClient {
    return this.client('rds', () => new RDSClient(this.common()));
  }
  get kms(): KMSClient {
    return this.client('kms', () => new KMSClient(this.common()));
  }
  get dynamodb(): DynamoDBClient {
    return this.client('dynamodb', () => new DynamoDBClient(this.common()));
  }
  get cloudformation(): CloudFormationClient {
    return this.client('cloudformation', () => new CloudFormationClient(this.common()));
  }
  /** IAM is global: the client's region only picks the endpoint. */
  get iam(): IAMClient {
    return this.client('iam', () => new IAMClient(this.common()));
  }
  get sts(): STSClient {
    return this.client('sts', () => new STSClient(this.common()));
  }
  get route53(): Route53Client {
    return this.client('route53', () => new Route53Client(this.common()));
  }
  get autoscaling(): ApplicationAutoScalingClient {
    return this.client('autoscaling', () => new ApplicationAutoScalingClient(this.common()));
  }
  get s3(): S3Client {
    return this.client(
      's3',
      () =>
        new S3Client({
          ...this.common(),
          forcePathStyle: Boolean(this.settings.endpoint),
          // A bucket of the other environment's region answers 301 PermanentRedirect: follow it.
          followRegionRedirects: true,
        }),
    );
  }
}

const environments = new Map<string, AwsEnvironment>();

/** One cached AwsEnvironment per (role, external id, region, session name, endpoint). */
export function awsEnvironment(
  access: EnvironmentAccess,
  settings: Partial<ClientSettings> = {},
): AwsEnvironment {
  const full = { ...defaultClientSettings(), ...settings };
  const key = JSON.stringify([
    access.roleArn,
    access.externalId,
    access.region,
    full.sessionName,
    full.endpoint,
    full.maxAttempts,
  ]);
  let environment = environments.get(key);
  if (!environment) {
    environment = new AwsEnvironment(access, full);
    environments.set(key, environment);
  }
  return environment;
}
