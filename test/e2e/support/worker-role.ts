import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ORCHESTRATOR_ACCOUNT } from '../../../emulator/client.js';
import { ensureRole, seedingClientConfig } from '../../../scripts/scenario/accounts.js';

/**
 * The worker as it runs in a customer's account: an IAM role under a path (as IAM Identity Center and
 * most platform teams make them), not a user. A trust policy naming it must name its path, which its
 * session ARN does not carry: the access stack reads it back with iam:GetRole on itself.
 */
export interface WorkerRole {
  arn: string;
  /** The session's credentials, for the worker process's environment. */
  env: Record<string, string>;
}

export async function workerRole(name: string): Promise<WorkerRole> {
  const account = ORCHESTRATOR_ACCOUNT;
  const path = '/platform/failback/';
  const arn = `arn:aws:iam::${account}:role${path}${name}`;
  await ensureRole(
    account,
    name,
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' },
      ],
    }),
    {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'AssumePlanRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' },
        { Sid: 'ReadItself', Effect: 'Allow', Action: 'iam:GetRole', Resource: arn },
      ],
    },
    path,
  );
  const sts = new STSClient(seedingClientConfig(account, 'us-east-1'));
  try {
    const out = await sts.send(
      new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: `${name}-session`, DurationSeconds: 3600 }),
    );
    const c = out.Credentials!;
    return {
      arn,
      env: {
        AWS_ACCESS_KEY_ID: c.AccessKeyId!,
        AWS_SECRET_ACCESS_KEY: c.SecretAccessKey!,
        AWS_SESSION_TOKEN: c.SessionToken!,
      },
    };
  } finally {
    sts.destroy();
  }
}
