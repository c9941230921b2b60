import { CreateAliasCommand, CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { KEY_ACTIONS, statementToAdd } from '../../src/activities/kinds/shared/key-policy.js';
import { seedingClientConfig } from './accounts.js';

/**
 * Customer managed KMS keys of a scenario, as a customer would make them: a key in each environment,
 * the recovery one letting the primary account use it through EBS and RDS (the statement preflight
 * asks for) unless the scenario wants it missing.
 */
export interface ScenarioKeys {
  primary: string;
  recovery: string;
}

function keyPolicy(owner: string, extra: object[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Enable IAM User Permissions',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${owner}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
      ...extra,
    ],
  });
}

async function createKey(accountId: string, region: string, alias: string, extra: object[]): Promise<string> {
  const kms = new KMSClient(seedingClientConfig(accountId, region));
  try {
    const key = await kms.send(
      new CreateKeyCommand({
        Description: `${alias} (failback scenario)`,
        Policy: keyPolicy(accountId, extra),
      }),
    );
    const arn = key.KeyMetadata?.Arn ?? '';
    await kms.send(new CreateAliasCommand({ AliasName: `alias/${alias}`, TargetKeyId: arn }));
    return arn;
  } finally {
    kms.destroy();
  }
}

export async function seedKeys(options: {
  app: string;
  planId: string;
  primary: { accountId: string; region: string };
  recovery: { accountId: string; region: string };
  /** Whether the recovery key's policy lets the primary account use it (default true). */
  shareWithPrimary?: boolean;
}): Promise<ScenarioKeys> {
  const { primary, recovery } = options;
  const crossAccount = primary.accountId !== recovery.accountId;
  const union = [...new Set([...KEY_ACTIONS.ec2, ...KEY_ACTIONS.rds])];
  const share =
    crossAccount && options.shareWithPrimary !== false ? [statementToAdd(primary.accountId, union)] : [];
  const [primaryKey, recoveryKey] = await Promise.all([
    createKey(primary.accountId, primary.region, `${options.app}-${options.planId}-primary`, []),
    createKey(recovery.accountId, recovery.region, `${options.app}-${options.planId}-recovery`, share),
  ]);
  return { primary: primaryKey, recovery: recoveryKey };
}
