import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

interface PolicyDocument {
  Statement: Statement[];
}

type Template = {
  Resources: Record<
    string,
    {
      Type: string;
      Condition?: string;
      Properties: {
        AssumeRolePolicyDocument?: { Statement: Statement[] };
        Policies?: Array<{ PolicyName: string; PolicyDocument: PolicyDocument }>;
        ManagedPolicyName?: unknown;
        PolicyDocument?: PolicyDocument;
        Roles?: unknown[];
      };
    }
  >;
};

/** A statement the template adds only under a condition ({"Fn::If": [c, it, NoValue]}): it. */
function unwrap<T>(value: T | { 'Fn::If': [string, T, unknown] }): T {
  return typeof value === 'object' && value !== null && 'Fn::If' in value ? value['Fn::If'][1] : value;
}

/** The template with every conditional policy and statement present (the strictest reading). */
const load = (): Template => {
  const template = JSON.parse(readFileSync(new URL('./template.json', import.meta.url), 'utf8')) as Template;
  for (const resource of Object.values(template.Resources)) {
    const document = resource.Properties.PolicyDocument;
    if (document) document.Statement = document.Statement.map(unwrap);
  }
  return template;
};

/** The managed policies of the template (logical id, resource), in the template's order. */
const managedPolicies = (template: Template) =>
  Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy');

/** Every statement the role can be granted. */
const statementsOf = (template: Template) =>
  managedPolicies(template).flatMap(([, p]) => p.Properties.PolicyDocument!.Statement);

/** What makes an access role unsafe: wildcard actions, or a trust policy without the ExternalId. */
function templateProblems(template: Template): string[] {
  const problems: string[] = [];
  const roles = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');
  if (roles.length === 0) problems.push('no IAM role');
  for (const [id, role] of roles) {
    const trust = role.Properties.AssumeRolePolicyDocument?.Statement ?? [];
    if (trust.length === 0) problems.push(`${id}: no trust policy`);
    for (const s of trust.filter((t) => t.Effect === 'Allow')) {
      if (s.Condition?.StringEquals?.['sts:ExternalId'] === undefined)
        problems.push(`${id}: trust statement ${s.Sid ?? '?'} has no sts:ExternalId condition`);
    }
    if (role.Properties.Policies?.length)
      problems.push(`${id}: inline policies (IAM's 10,240-character quota: managed policies only)`);
  }
  for (const [id, policy] of managedPolicies(template)) {
    if (
      JSON.stringify(policy.Properties.Roles) !== JSON.stringify(roles.map(([roleId]) => ({ Ref: roleId })))
    )
      problems.push(`${id}: not attached to the access role`);
    for (const s of policy.Properties.PolicyDocument?.Statement ?? []) {
      for (const action of [s.Action].flat()) {
        if (action.includes('*')) problems.push(`${id}/${s.Sid ?? '?'}: wildcard action ${action}`);
      }
    }
  }
  return problems;
}

describe('access stack template', () => {
  it('grants no wildcard action and trusts only with the ExternalId', () => {
    expect(templateProblems(load())).toEqual([]);
  });

  it('the check fails on a wildcard action', () => {
    const broken = load();
    const policy = broken.Resources.Ec2Policy!.Properties.PolicyDocument!;
    policy.Statement.push({ Sid: 'Oops', Effect: 'Allow', Action: ['s3:GetObject', 's3:*'] });
    expect(templateProblems(broken)).toEqual([expect.stringContaining('wildcard action s3:*')]);
    const star = load();
    star.Resources.RdsPolicy!.Properties.PolicyDocument!.Statement[0]!.Action = '*';
    expect(templateProblems(star)).toEqual([expect.stringContaining('wildcard action *')]);
  });

  it('the check fails on an inline policy, and on a managed policy not attached to the role', () => {
    const inline = load();
    inline.Resources.AccessRole!.Properties.Policies = [
      { PolicyName: 'failback-ec2', PolicyDocument: inline.Resources.Ec2Policy!.Properties.PolicyDocument! },
    ];
    expect(templateProblems(inline)).toEqual([expect.stringContaining('AccessRole: inline policies')]);
    const loose = load();
    loose.Resources.RdsPolicy!.Properties.Roles = [];
    expect(templateProblems(loose)).toEqual(['RdsPolicy: not attached to the access role']);
  });

  it('grants the plan-dependent lists only under their conditions, in their own policies', () => {
    const conditions = Object.fromEntries(
      managedPolicies(load()).map(([id, p]) => [id, p.Condition ?? null]),
    );
    expect(conditions).toEqual({
      Ec2Policy: null,
      Ec2InstanceRolesPolicy: 'HasInstanceRoles',
      RdsPolicy: null,
      RdsMonitoringRolesPolicy: 'HasMonitoringRoles',
      RdsNamesPolicy: 'HasRdsResources',
      DynamoDbPolicy: null,
      KmsPrimaryPolicy: 'HasPrimaryKeys',
      KmsRecoveryPolicy: 'HasRecoveryKeys',
      S3Policy: 'HasExportBuckets',
    });
  });

  it('the check fails on a trust policy without the ExternalId condition', () => {
    const broken = load();
    delete broken.Resources.AccessRole!.Properties.AssumeRolePolicyDocument!.Statement[0]!.Condition;
    expect(templateProblems(broken)).toEqual([expect.stringContaining('no sts:ExternalId condition')]);
  });

  it('names the role from parameters and scopes destructive actions by the plan tag, never what is kept', () => {
    const template = load() as Template & { Parameters: Record<string, unknown> };
    expect(Object.keys(template.Parameters)).toEqual(
      expect.arrayContaining(['PlanId', 'RoleName', 'OrchestratorPrincipalArn', 'ExternalId']),
    );
    const statements = statementsOf(template);
    for (const sid of ['Ec2RemovePlanCopies', 'RdsRemovePlanCopies']) {
      // What a plan kept (a served copy's snapshot or AMI) carries the plan's id: an earlier run of a
      // reused plan id must not be able to delete it (decision 0035).
      expect(statements.find((s) => s.Sid === sid)?.Condition).toEqual({
        StringEquals: { 'aws:ResourceTag/failback:plan-id': { Ref: 'PlanId' } },
        StringNotEquals: { 'aws:ResourceTag/failback:keep': 'true' },
      });
    }
  });

  it("can put the plan's tag on, rename or modify only the databases preflight named (decision 0045)", () => {
    const statements = statementsOf(load()) as Array<Statement & { Resource?: unknown }>;
    const planTagged = { 'aws:ResourceTag/failback:plan-id': { Ref: 'PlanId' } };
    const writing = statements.filter((s) =>
      [s.Action]
        .flat()
        .some((a) =>
          ['rds:AddTagsToResource', 'rds:ModifyDBInstance', 'rds:ModifyDBCluster'].includes(a as string),
        ),
    );
    // The role deletes what carries the plan's tag: a statement that could give that tag to any
    // database would let it delete another application's.
    for (const s of writing) {
      const condition = (s.Condition ?? {}) as Record<string, Record<string, unknown>>;
      const named = JSON.stringify(s.Resource) === JSON.stringify({ Ref: 'RdsResourceArns' });
      // Retired names also match what an earlier failback retired: only where this plan's mark is.
      // With the plan run, only what this run retired (Fn::If HasPlanRun: run and plan id, else plan id).
      const byPlan = { 'aws:ResourceTag/failback:retired-by': { Ref: 'PlanId' } };
      const byRun = { ...byPlan, 'aws:ResourceTag/failback:retired-run': { Ref: 'PlanRun' } };
      const retiredByPlan =
        JSON.stringify(s.Resource) === JSON.stringify({ Ref: 'RdsRetiredArns' }) &&
        JSON.stringify(s.Condition) ===
          JSON.stringify({ 'Fn::If': ['HasPlanRun', { StringEquals: byRun }, { StringEquals: byPlan }] }) &&
        ![s.Action].flat().includes('rds:AddTagsToResource');
      const ownAlready = JSON.stringify(condition.StringEquals ?? {}).includes(
        JSON.stringify(planTagged).slice(1, -1),
      );
      const keys = condition['ForAllValues:StringEquals']?.['aws:TagKeys'] as string[] | undefined;
      const tagsOnlyNoPlanId =
        [s.Action].flat().every((a) => a === 'rds:AddTagsToResource' || a === 'rds:RemoveTagsFromResource') &&
        keys !== undefined &&
        !keys.includes('failback:plan-id');
      expect(named || retiredByPlan || ownAlready || tagsOnlyNoPlanId, `${s.Sid}`).toBe(true);
    }
    expect(writing.map((s) => s.Sid)).toEqual(expect.arrayContaining(['RdsPlanNames', 'RdsRetiredNames']));
  });

  it('creates, writes, changes and deletes only the DynamoDB tables preflight named (decision 0046)', () => {
    const statements = statementsOf(load()) as Array<Statement & { Resource?: unknown }>;
    const writes = (a: string) =>
      /^dynamodb:(Create|Delete|Put|Update|BatchWrite|Import|Restore|Tag)/.test(a) &&
      a !== 'dynamodb:CreateBackup';
    for (const s of statements.filter((st) => [st.Action].flat().some((a) => writes(a as string)))) {
      const named = JSON.stringify(s.Resource) === JSON.stringify({ Ref: 'DynamoDbTableArns' });
      // RestoreTableFromBackup is authorized on the backup too: the table it makes is named above.
      const backupOnly = JSON.stringify(s.Resource).includes('/backup/*');
      expect(named || backupOnly, `${s.Sid}`).toBe(true);
    }
  });

  it('passes only the roles preflight found, each to its one service', () => {
    const statements = statementsOf(load()) as Array<Statement & { Resource?: unknown }>;
    const passing = statements.filter((s) => [s.Action].flat().includes('iam:PassRole'));
    // Any role of the account (an admin role included) could be handed to what the plan makes otherwise.
    expect(passing.map((s) => [s.Sid, s.Resource, s.Condition])).toEqual([
      [
        'Ec2PassInstanceRoles',
        { Ref: 'InstanceRoleArns' },
        { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      ],
      [
        'RdsPassMonitoringRoles',
        { Ref: 'MonitoringRoleArns' },
        { StringEquals: { 'iam:PassedToService': 'monitoring.rds.amazonaws.com' } },
      ],
    ]);
  });
});
