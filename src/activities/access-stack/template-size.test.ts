import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACCESS_LIMITS, rdsNamesPolicyChars } from '../../domain/access-limits.js';
import { planExportPrefix } from '../../domain/naming.js';

/**
 * The access stack's policies against IAM's quotas (IAM User Guide, "IAM and AWS STS quotas"): a managed
 * policy at most 6,144 characters, 10 managed policies per role (one left free here), a role's inline
 * policies together 10,240; whitespace not counted. Each policy is measured as CloudFormation would
 * send it to IAM: the template resolved (Ref, Fn::Sub, Fn::Join, Fn::Split, Fn::If, AWS::NoValue) with
 * every parameter at its longest and every list at the bound of ACCESS_LIMITS.
 */
const MANAGED_POLICY_SIZE = 6144;
const POLICIES_PER_ROLE = 10;
const ROLE_INLINE_SIZE = 10240;

type Json = unknown;
type Template = {
  Parameters: Record<string, { Type: string; Default?: string }>;
  Conditions: Record<string, Json>;
  Resources: Record<string, { Type: string; Condition?: string; Properties: Record<string, Json> }>;
};

const load = (): Template =>
  JSON.parse(readFileSync(new URL('./template.json', import.meta.url), 'utf8')) as Template;

const NO_VALUE = Symbol('AWS::NoValue');

/** Resolves the intrinsic functions the template uses, the way CloudFormation does. */
function resolver(template: Template, parameters: Record<string, string>, pseudo: Record<string, string>) {
  const ref = (name: string): Json => {
    if (name === 'AWS::NoValue') return NO_VALUE;
    if (name in pseudo) return pseudo[name];
    const declared = template.Parameters[name];
    if (!declared) return name; // a resource: its physical id (the role's name here)
    const value = parameters[name] ?? declared.Default ?? '';
    return declared.Type === 'CommaDelimitedList' ? value.split(',') : value;
  };
  const condition = (name: string): boolean => resolve(template.Conditions[name]) as boolean;
  const sub = (text: string, vars: Record<string, Json> = {}) =>
    text.replace(/\$\{([^}]+)\}/g, (_, name: string) => String(name in vars ? vars[name] : ref(name)));
  function resolve(value: Json): Json {
    if (Array.isArray(value)) return value.map(resolve).filter((v) => v !== NO_VALUE);
    if (typeof value !== 'object' || value === null) return value;
    const v = value as Record<string, Json>;
    if ('Ref' in v) return ref(v.Ref as string);
    if ('Fn::Sub' in v) {
      const arg = v['Fn::Sub'];
      if (typeof arg === 'string') return sub(arg);
      const [text, vars] = arg as [string, Record<string, Json>];
      return sub(text, resolve(vars) as Record<string, Json>);
    }
    if ('Fn::Join' in v) {
      const [sep, list] = v['Fn::Join'] as [string, Json];
      return (resolve(list) as string[]).join(sep);
    }
    if ('Fn::Split' in v) {
      const [sep, text] = v['Fn::Split'] as [string, Json];
      return (resolve(text) as string).split(sep);
    }
    if ('Fn::If' in v) {
      const [name, yes, no] = v['Fn::If'] as [string, Json, Json];
      return resolve(condition(name) ? yes : no);
    }
    if ('Fn::Not' in v) return !(resolve((v['Fn::Not'] as Json[])[0]) as boolean);
    if ('Fn::Equals' in v) {
      const [a, b] = (v['Fn::Equals'] as Json[]).map(resolve);
      return JSON.stringify(a) === JSON.stringify(b);
    }
    if ('Condition' in v && Object.keys(v).length === 1) return condition(v.Condition as string);
    return Object.fromEntries(
      Object.entries(v)
        .map(([k, x]) => [k, resolve(x)] as const)
        .filter(([, x]) => x !== NO_VALUE),
    );
  }
  return { resolve, condition };
}

/** IAM's size of a policy: its JSON without whitespace. */
const size = (document: Json) => JSON.stringify(document).replace(/\s+/g, '').length;

interface Measured {
  policies: Array<{ id: string; name: string; size: number }>;
  inline: number;
}

/** The policies the stack would create for these parameters, and their sizes. */
function measure(template: Template, parameters: Record<string, string>, pseudo: Record<string, string>) {
  const { resolve, condition } = resolver(template, parameters, pseudo);
  const measured: Measured = { policies: [], inline: 0 };
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (resource.Condition && !condition(resource.Condition)) continue;
    const properties = resolve(resource.Properties) as Record<string, Json>;
    if (resource.Type === 'AWS::IAM::ManagedPolicy')
      measured.policies.push({
        id,
        name: properties.ManagedPolicyName as string,
        size: size(properties.PolicyDocument),
      });
    if (resource.Type === 'AWS::IAM::Role')
      for (const p of (properties.Policies as Array<{ PolicyDocument: Json }> | undefined) ?? [])
        measured.inline += size(p.PolicyDocument);
    if (resource.Type === 'AWS::IAM::Policy') measured.inline += size(properties.PolicyDocument);
  }
  return measured;
}

const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join(',');
const pad = (prefix: string, length: number, i: number) => {
  const tail = String(i).padStart(3, '0');
  return `${prefix}${'x'.repeat(length - prefix.length - tail.length)}${tail}`;
};

// The longest of everything: partition aws-us-gov, a region name longer than any today (16), a plan id
// of 32, a hosted zone id given with its /hostedzone/ prefix, every list at its bound of longest items.
const PSEUDO = {
  'AWS::Partition': 'aws-us-gov',
  'AWS::Region': 'xx-southeast-999',
  'AWS::AccountId': '123456789012',
};
const PLAN_ID = 'p'.repeat(32);
const BUCKET = (i: number) => pad('b', 63, i);
const WORST = {
  PlanId: PLAN_ID,
  PlanRun: 'f'.repeat(64), // the AllowedPattern's longest (a run id is 36)
  RoleName: 'r'.repeat(64),
  RolePath: '/a/',
  OrchestratorPrincipalArn: 'arn:aws:iam::123456789012:role/worker',
  OrchestratorPrincipalArnPatterns: 'arn:aws:iam::123456789012:role/worker',
  ExternalId: 'e'.repeat(1224),
  HostedZoneId: `/hostedzone/Z${'A'.repeat(32)}`,
  PrimaryKmsKeyArns: many(ACCESS_LIMITS.primaryKmsKeys, (i) =>
    pad('arn:aws-us-gov:kms:xx-southeast-999:123456789012:key/', ACCESS_LIMITS.kmsKeyArnLength, i),
  ),
  RecoveryKmsKeyArns: many(ACCESS_LIMITS.recoveryKmsKeys, (i) =>
    pad('arn:aws-us-gov:kms:xx-southeast-999:210987654321:key/', ACCESS_LIMITS.kmsKeyArnLength, i),
  ),
  ExportBucketArns: many(ACCESS_LIMITS.exportBuckets, (i) => `arn:aws:s3:::${BUCKET(i)}`),
  ExportObjectArns: many(
    ACCESS_LIMITS.exportBuckets,
    (i) => `arn:aws:s3:::${BUCKET(i)}/${planExportPrefix(PLAN_ID)}/*`,
  ),
  InstanceRoleArns: many(ACCESS_LIMITS.instanceRoles, (i) =>
    pad('arn:aws-us-gov:iam::123456789012:role/', ACCESS_LIMITS.roleArnLength, i),
  ),
  MonitoringRoleArns: many(ACCESS_LIMITS.monitoringRoles, (i) =>
    pad('arn:aws-us-gov:iam::123456789012:role/', ACCESS_LIMITS.roleArnLength, i),
  ),
  // As many of the longest DB ARNs as the bound allows (the value at most rdsResourceArnChars).
  RdsResourceArns: many(Math.floor((ACCESS_LIMITS.rdsResourceArnChars + 1) / 125), (i) =>
    pad('arn:aws-us-gov:rds:xx-southeast-999:123456789012:cluster-snapshot:', 124, i),
  ),
  // As many of the longest table ARNs (their indexes' patterns) as the DynamoDB policy holds.
  DynamoDbTableArns: many(Math.floor((ACCESS_LIMITS.dynamoDbTablePolicyChars - 2 + 1) / 103), (i) =>
    pad('arn:aws-us-gov:dynamodb:xx-southeast-999:123456789012:table/', 100, i),
  ),
  // The retired names fill what the names policy has left (rdsNamesPolicyChars), in the shortest ARNs:
  // the most quotes and commas.
  RdsRetiredArns: '',
};
{
  const rds = WORST.RdsResourceArns.split(',');
  const left = ACCESS_LIMITS.rdsNamesPolicyChars - rdsNamesPolicyChars({ rdsResourceArns: rds });
  const retired = many(Math.floor((left - 2) / 45), (i) =>
    pad('arn:aws:rds:us-east-1:123456789012:db:', 42, i),
  );
  expect(
    rdsNamesPolicyChars({ rdsResourceArns: rds, rdsRetiredArns: retired.split(',') }),
  ).toBeLessThanOrEqual(ACCESS_LIMITS.rdsNamesPolicyChars);
  WORST.RdsRetiredArns = retired;
}
/** No grants at all (the conditional policies left out), the other parameters as above. */
const NONE = { ...WORST, PrimaryKmsKeyArns: '', RecoveryKmsKeyArns: '', ExportBucketArns: '', ExportObjectArns: '',
  InstanceRoleArns: '', MonitoringRoleArns: '', RdsResourceArns: '', RdsRetiredArns: '', DynamoDbTableArns: '', HostedZoneId: '' }; // prettier-ignore

/** CloudFormation's quota on one parameter value (CloudFormation User Guide, "CloudFormation quotas"). */
const PARAMETER_VALUE_BYTES = 4096;

/** Whether a template fits IAM's quotas for these parameters: the problems, none when it fits. */
function quotaProblems(template: Template, parameters: Record<string, string>): string[] {
  const { policies, inline } = measure(template, parameters, PSEUDO);
  const problems: string[] = [];
  for (const [name, value] of Object.entries(parameters))
    if (Buffer.byteLength(value) > PARAMETER_VALUE_BYTES)
      problems.push(`parameter ${name} is ${Buffer.byteLength(value)} bytes, past ${PARAMETER_VALUE_BYTES}`);
  if (inline > 0) problems.push(`inline policies of ${inline} characters (managed policies only)`);
  if (inline > ROLE_INLINE_SIZE) problems.push(`inline policies past ${ROLE_INLINE_SIZE}`);
  if (policies.length > POLICIES_PER_ROLE - 1)
    problems.push(
      `${policies.length} managed policies: at most ${POLICIES_PER_ROLE - 1}, one slot left free`,
    );
  for (const p of policies)
    if (p.size > MANAGED_POLICY_SIZE)
      problems.push(`${p.id} is ${p.size} characters, past ${MANAGED_POLICY_SIZE}`);
  return problems;
}

describe('access stack template against IAM quotas', () => {
  it('every list at its bound: each managed policy <= 6,144 characters, at most 9 of them, no inline policy', () => {
    const template = load();
    const { policies } = measure(template, WORST, PSEUDO);
    // The sizes, for docs/decisions/0042-access-policy-quotas.md.
    console.info(
      `access stack policies at the bounds: ${policies.map((p) => `${p.id} ${p.size}`).join(', ')}`,
    );
    expect(quotaProblems(template, WORST)).toEqual([]);
    expect(policies).toHaveLength(9);
  });

  it('without grants: only the unconditional policies, each named after the plan, at the role path', () => {
    const template = load();
    const { policies } = measure(template, NONE, PSEUDO);
    console.info(
      `access stack policies without grants: ${policies.map((p) => `${p.id} ${p.size}`).join(', ')}`,
    );
    expect(quotaProblems(template, NONE)).toEqual([]);
    expect(policies.map((p) => p.name)).toEqual(
      ['ec2-route53', 'rds', 'dynamodb'].map((part) => `failback-access-${PLAN_ID}-${part}`),
    );
    for (const resource of Object.values(template.Resources).filter(
      (r) => r.Type === 'AWS::IAM::ManagedPolicy',
    )) {
      expect(resource.Properties.Path).toEqual({ Ref: 'RolePath' });
      expect(resource.Properties.Roles).toEqual([{ Ref: 'AccessRole' }]);
    }
  });

  it('the check fails on a parameter value past 4,096 bytes (16 role ARNs of 256 characters were)', () => {
    const roles = many(16, (i) => pad('arn:aws-us-gov:iam::123456789012:role/', 256, i));
    expect(quotaProblems(load(), { ...WORST, InstanceRoleArns: roles })).toEqual([
      'parameter InstanceRoleArns is 4111 bytes, past 4096',
    ]);
  });

  it('the check fails on inline policies, on a policy past 6,144 characters and on a tenth policy', () => {
    const inline = load();
    const role = inline.Resources.AccessRole!;
    const ec2 = inline.Resources.Ec2Policy!;
    role.Properties.Policies = [{ PolicyName: 'x', PolicyDocument: ec2.Properties.PolicyDocument }];
    delete inline.Resources.Ec2Policy;
    expect(quotaProblems(inline, NONE)).toEqual([expect.stringContaining('inline policies of')]);

    const big = load();
    const doc = big.Resources.KmsPrimaryPolicy!.Properties.PolicyDocument as { Statement: Json[] };
    doc.Statement.push(structuredClone(doc.Statement[0]));
    expect(quotaProblems(big, WORST)).toEqual([expect.stringMatching(/^KmsPrimaryPolicy is \d+ characters/)]);

    const tenth = load();
    tenth.Resources.Extra = structuredClone(tenth.Resources.DynamoDbPolicy!);
    expect(quotaProblems(tenth, WORST)).toEqual(['10 managed policies: at most 9, one slot left free']);
  });
});
