/**
 * Does a KMS key policy let another account use the key the way an AWS service needs it? A narrow,
 * conservative reading for preflight, not a policy evaluator: a statement counts only when it allows,
 * without conditions, a principal of that account (the account, its root, or the given role) every
 * action needed. Anything it cannot be sure of is reported, so a person checks it before the plan
 * starts instead of a copy failing in the maintenance window.
 */

/** What EBS and RDS need of a key they use on the caller's behalf (EBS and RDS User Guides). */
export const KEY_ACTIONS = {
  ec2: [
    'kms:CreateGrant',
    'kms:Decrypt',
    'kms:DescribeKey',
    'kms:GenerateDataKeyWithoutPlaintext',
    'kms:ReEncryptFrom',
    'kms:ReEncryptTo',
  ],
  rds: ['kms:CreateGrant', 'kms:DescribeKey'],
} as const;

interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Condition?: Record<string, unknown>;
}

export interface KeyPolicyReading {
  /** Actions no unconditional statement allows for the account. */
  missing: string[];
  /** Statements that would allow some of them, but only under conditions preflight cannot judge. */
  conditional: string[];
  /** Statements that deny some of them to the account. */
  denied: string[];
}

const list = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

function glob(pattern: string, value: string): boolean {
  const escaped = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`).test(value.toLowerCase());
}

function namesAccount(principal: unknown, account: string, roleArn: string | undefined): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  return list((principal as { AWS?: string | string[] }).AWS).some(
    (p) =>
      p === '*' ||
      p === account ||
      p === `arn:aws:iam::${account}:root` ||
      (roleArn !== undefined && p === roleArn),
  );
}

export function readKeyPolicy(
  policyJson: string,
  account: string,
  actions: readonly string[],
  roleArn?: string,
): KeyPolicyReading {
  let statements: Statement[];
  try {
    statements = list((JSON.parse(policyJson) as { Statement?: Statement | Statement[] }).Statement);
  } catch {
    return { missing: [...actions], conditional: [], denied: [] };
  }
  const reading: KeyPolicyReading = { missing: [], conditional: [], denied: [] };
  const covers = (s: Statement, action: string) =>
    s.NotAction
      ? !list(s.NotAction).some((p) => glob(p, action))
      : list(s.Action).some((p) => glob(p, action));
  for (const action of actions) {
    const relevant = statements.filter(
      (s) => !s.NotPrincipal && namesAccount(s.Principal, account, roleArn) && covers(s, action),
    );
    const deny = relevant.filter((s) => s.Effect === 'Deny');
    if (deny.length) reading.denied.push(...deny.map((s) => s.Sid ?? '(no Sid)'));
    const allow = relevant.filter((s) => s.Effect === 'Allow');
    if (deny.length || !allow.some((s) => !s.Condition || Object.keys(s.Condition).length === 0)) {
      reading.missing.push(action);
      reading.conditional.push(...allow.filter((s) => s.Condition).map((s) => s.Sid ?? '(no Sid)'));
    }
  }
  reading.conditional = [...new Set(reading.conditional)];
  reading.denied = [...new Set(reading.denied)];
  return reading;
}

/** The statement to add to the key policy so the primary account may use the key through EBS/RDS. */
export function statementToAdd(primaryAccount: string, actions: readonly string[]): Record<string, unknown> {
  return {
    Sid: `AllowFailbackIntoAccount${primaryAccount}`,
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${primaryAccount}:root` },
    Action: [...actions],
    Resource: '*',
  };
}
