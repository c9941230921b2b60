import { DescribeKeyCommand, GetKeyPolicyCommand, type KeyMetadata } from '@aws-sdk/client-kms';
import { DescribeAccountAttributesCommand } from '@aws-sdk/client-rds';
import { ApplicationFailure } from '@temporalio/common';
import type { FindingSeverity, PreflightFinding } from '../../../domain/resources.js';
import type { AwsEnvironment } from '../../aws/clients.js';
import { call, describeOrUndefined } from './calls.js';
import { KEY_ACTIONS, readKeyPolicy, statementToAdd } from './key-policy.js';

type Check = PreflightFinding['check'];

/** Preflight findings of one resource, and read-only probes that turn failures into findings. */
export class Findings {
  readonly list: PreflightFinding[] = [];

  constructor(private readonly resource: string) {}

  add(severity: FindingSeverity, check: Check, message: string): void {
    this.list.push({ resource: this.resource, severity, check, message });
  }

  /**
   * Runs a read-only probe; a failure becomes an `error` finding (AccessDenied under `access`, the
   * rest under `check`) instead of failing the preflight, so one run lists every problem. A transient
   * failure (throttling, a 5xx) says nothing about the resource: it fails the preflight activity,
   * which Temporal retries, rather than reporting a problem that is not there.
   */
  async probe<T>(check: Check, what: string, run: () => Promise<T>): Promise<T | undefined> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ApplicationFailure && !error.nonRetryable) throw error;
      const type = error instanceof ApplicationFailure ? error.type : undefined;
      const message = error instanceof Error ? error.message : String(error);
      this.add('error', type === 'AccessDenied' ? 'access' : check, `${what}: ${message}`);
      return undefined;
    }
  }

  /** A describe-style probe: `absent` when it answered "no such thing", `failed` when it could not tell. */
  async lookup<T>(
    check: Check,
    what: string,
    run: () => Promise<T | undefined>,
  ): Promise<{ found?: T; absent: boolean; failed: boolean }> {
    let failed = true;
    const found = await this.probe(check, what, async () => {
      const value = await run();
      failed = false;
      return value;
    });
    return { found, absent: !failed && found === undefined, failed };
  }

  get hasErrors(): boolean {
    return this.list.some((f) => f.severity === 'error');
  }
}

/** Where an environment is, for messages: "account 111111111111 us-east-1". */
export function where(env: AwsEnvironment): string {
  return `account ${env.access.accountId} ${env.access.region}`;
}

/**
 * The key must exist, be enabled and encrypt. `shareable`: the source's data key must be customer
 * managed, because AWS cannot share snapshots encrypted with an AWS managed key with another account;
 * with `usedFrom`, its key policy must let that account use it through the service (the copy is made
 * there), and a missing statement is named. Returns the key, or undefined if it could not be read.
 */
export async function checkKmsKey(
  findings: Findings,
  env: AwsEnvironment,
  keyId: string,
  purpose: string,
  options: { shareable?: boolean; usedFrom?: { account: string; service: 'ec2' | 'rds' } } = {},
): Promise<KeyMetadata | undefined> {
  const { found: key, absent } = await findings.lookup(
    'kms',
    `KMS key ${keyId} (${purpose}) in ${where(env)}`,
    () =>
      describeOrUndefined(env, `DescribeKey ${keyId}`, async () => {
        const out = await env.kms.send(new DescribeKeyCommand({ KeyId: keyId }));
        return out.KeyMetadata;
      }),
  );
  if (absent) findings.add('error', 'kms', `KMS key ${keyId} (${purpose}) does not exist in ${where(env)}`);
  if (!key) return undefined;
  if (key.KeyState !== 'Enabled') {
    findings.add('error', 'kms', `KMS key ${keyId} (${purpose}) is ${key.KeyState}: enable it`);
  }
  if (key.KeyUsage && key.KeyUsage !== 'ENCRYPT_DECRYPT') {
    findings.add('error', 'kms', `KMS key ${keyId} (${purpose}) is for ${key.KeyUsage}, not encryption`);
  }
  if (options.shareable && key.KeyManager === 'AWS') {
    findings.add(
      'error',
      'kms',
      `${purpose} is encrypted with the AWS managed key ${keyId}, which cannot be shared with another account: ` +
        're-encrypt the source with a customer managed key whose policy lets the primary account use it',
    );
  } else if (options.shareable && options.usedFrom) {
    await checkKeyPolicy(findings, env, key, purpose, options.usedFrom);
  }
  return key;
}

/** The key policy lets `usedFrom.account` use the key through EBS or RDS, or the statement to add is named. */
async function checkKeyPolicy(
  findings: Findings,
  env: AwsEnvironment,
  key: KeyMetadata,
  purpose: string,
  usedFrom: { account: string; service: 'ec2' | 'rds' },
): Promise<void> {
  const arn = key.Arn ?? key.KeyId ?? '';
  const policy = await findings.probe('kms', `key policy of ${arn} (${purpose})`, () =>
    call(env, `GetKeyPolicy ${arn}`, async () => {
      const out = await env.kms.send(new GetKeyPolicyCommand({ KeyId: arn, PolicyName: 'default' }));
      return out.Policy ?? '{}';
    }),
  );
  if (policy === undefined) return;
  const actions = KEY_ACTIONS[usedFrom.service];
  const reading = readKeyPolicy(policy, usedFrom.account, actions);
  if (reading.denied.length) {
    findings.add(
      'error',
      'kms',
      `the key policy of ${arn} (${purpose}) denies account ${usedFrom.account} (statements ${reading.denied.join(', ')}): remove the deny for it`,
    );
  }
  if (reading.missing.length === 0) {
    findings.add(
      'info',
      'kms',
      `${purpose} uses customer managed key ${arn}, whose policy lets account ${usedFrom.account} use it`,
    );
    return;
  }
  const conditional = reading.conditional.length
    ? ` (statements ${reading.conditional.join(', ')} allow it under conditions preflight cannot judge: check them, or add the statement)`
    : '';
  findings.add(
    'error',
    'kms',
    `the key policy of ${arn} (${purpose}) does not let account ${usedFrom.account} use the key for ${reading.missing.join(', ')}${conditional}: add this statement to the key policy: ${JSON.stringify(statementToAdd(usedFrom.account, actions))}`,
  );
}

/**
 * RDS account quotas (DescribeAccountAttributes): `needs` maps a quota name (DBInstances,
 * ManualSnapshots, DBClusters, ManualClusterSnapshots) to how many more the plan creates at once.
 */
export async function checkRdsQuotas(
  findings: Findings,
  env: AwsEnvironment,
  needs: Record<string, number>,
): Promise<void> {
  let quotas;
  try {
    quotas = await call(env, `DescribeAccountAttributes in ${where(env)}`, async () => {
      const out = await env.rds.send(new DescribeAccountAttributesCommand({}));
      return out.AccountQuotas ?? [];
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    findings.add('warning', 'quota', `could not read the RDS quotas of ${where(env)}: ${message}`);
    return;
  }
  for (const [name, more] of Object.entries(needs)) {
    const quota = quotas.find((q) => q.AccountQuotaName === name);
    if (!quota || quota.Max === undefined) continue;
    const used = quota.Used ?? 0;
    if (used + more > quota.Max) {
      findings.add(
        'error',
        'quota',
        `RDS quota ${name} in ${where(env)}: ${used} of ${quota.Max} used, the plan needs ${more} more: raise it`,
      );
    }
  }
}
