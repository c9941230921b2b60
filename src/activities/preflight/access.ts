import { DescribeKeyCommand } from '@aws-sdk/client-kms';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { PreflightFinding } from '../../domain/resources.js';
import type { AwsEnvironment } from '../aws/clients.js';
import { awsErrorCode, throwIfTransient } from '../aws/errors.js';

/** GetCallerIdentity through the role: the role exists, trusts us (ExternalId) and is in the account. */
export async function checkAccess(env: AwsEnvironment, side: string): Promise<PreflightFinding[]> {
  try {
    const { Account } = await env.sts.send(new GetCallerIdentityCommand({}));
    if (Account !== env.access.accountId)
      return [
        {
          severity: 'error',
          check: 'access',
          message: `${side}: ${env.access.roleArn} acts in account ${Account}, not ${env.access.accountId}`,
        },
      ];
    return [];
  } catch (error) {
    throwIfTransient(error, `preflight of ${side}`);
    return [
      {
        severity: 'error',
        check: 'access',
        message: `${side}: cannot assume ${env.access.roleArn}: ${awsErrorCode(error) ?? ''} ${(error as Error).message}`,
      },
    ];
  }
}

/** The KMS key copies are encrypted with: exists, enabled, for encryption, in this account and region. */
export async function checkKmsKey(
  env: AwsEnvironment,
  side: string,
  keyId: string | undefined,
): Promise<PreflightFinding[]> {
  if (!keyId) return [];
  try {
    const { KeyMetadata: key } = await env.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    const problems: string[] = [];
    if (key?.KeyState !== 'Enabled') problems.push(`is ${key?.KeyState ?? 'in an unknown state'}`);
    if (key?.KeyUsage && key.KeyUsage !== 'ENCRYPT_DECRYPT')
      problems.push(`is for ${key.KeyUsage}, not encryption`);
    if (key?.KeySpec && key.KeySpec !== 'SYMMETRIC_DEFAULT')
      problems.push(`is ${key.KeySpec}; AWS services need a symmetric key`);
    return problems.map((p) => ({
      severity: 'error',
      check: 'kms',
      message: `${side} KMS key ${keyId} ${p}`,
    }));
  } catch (error) {
    throwIfTransient(error, `preflight of ${side}`);
    return [
      {
        severity: 'error',
        check: 'kms',
        message: `${side} KMS key ${keyId} is not usable: ${awsErrorCode(error) ?? ''} ${(error as Error).message}`,
      },
    ];
  }
}
