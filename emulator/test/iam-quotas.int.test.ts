import {
  CreateStackCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeletePolicyCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  asRoleWith,
  aws,
  eventually,
  failure,
  freshAccount,
  sharedAdmin,
  type Statement,
} from './support.js';

/**
 * IAM's policy quotas (IAM User Guide, "IAM and AWS STS quotas"): a role's inline policies together
 * 10,240 characters, a managed policy 6,144, 10 managed policies per role, whitespace not counted; and
 * AWS::IAM::ManagedPolicy in CloudFormation, made and removed with the caller's permissions.
 */
const region = 'us-east-1';
/** What the handlers read and list besides their writes (the types' registry schemas). */
const ROLE_READS = ['iam:GetRole', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'];
const POLICY_READS = ['iam:GetPolicy', 'iam:ListPolicyVersions', 'iam:ListEntitiesForPolicy'];
/** What a caller needs of CloudFormation itself to make, follow and remove a stack. */
const stacks = {
  Effect: 'Allow',
  Action: ['cloudformation:CreateStack', 'cloudformation:DeleteStack', 'cloudformation:DescribeStacks',
    'cloudformation:DescribeStackEvents'], // prettier-ignore
  Resource: '*',
};
const trust = (account: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: 'sts:AssumeRole' },
    ],
  });

/** A policy document of exactly `size` characters without whitespace (its compact JSON). */
function documentOf(size: number): { Version: string; Statement: Statement[] } {
  const statement = { Sid: '', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' };
  const base = { Version: '2012-10-17', Statement: [statement] };
  const pad = size - JSON.stringify(base).length;
  if (pad < 1) throw new Error(`a document of ${size} characters is too small`);
  statement.Sid = 'S'.repeat(pad);
  return base;
}
const compact = (size: number) => JSON.stringify(documentOf(size));
/** The same document pretty-printed: far more characters, the same size for IAM. */
const spaced = (size: number) => JSON.stringify(documentOf(size), null, 8);

describe('IAM policy quotas', () => {
  const account = freshAccount();
  const { iam } = aws(account, region);
  const role = async (RoleName: string) =>
    iam.send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trust(account) }));

  it("PutRolePolicy: a role's inline policies together at most 10,240 characters, whitespace not counted", async () => {
    await role('inline');
    const put = (PolicyName: string, PolicyDocument: string) =>
      iam.send(new PutRolePolicyCommand({ RoleName: 'inline', PolicyName, PolicyDocument }));
    expect(spaced(6000).length).toBeGreaterThan(10_240 - 4240);
    await put('a', spaced(6000));
    await put('b', compact(4240)); // 10,240 exactly
    const over = await failure(put('c', compact(200)));
    expect(over.name).toBe('LimitExceededException');
    expect((over as { Code?: string }).Code ?? over.name).toMatch(/LimitExceeded/);
    expect(over.$metadata?.httpStatusCode).toBe(409);
    expect(over.message).toBe('Maximum policy size of 10240 bytes exceeded for role inline');
    // Replacing a policy counts its new size, not both.
    await put('b', compact(4000));
    await put('c', compact(240));
    expect((await failure(put('a', compact(6001)))).name).toBe('LimitExceededException');
  });

  it('CreatePolicy and CreatePolicyVersion: a managed policy at most 6,144 characters, whitespace not counted', async () => {
    const create = (PolicyName: string, PolicyDocument: string) =>
      iam.send(new CreatePolicyCommand({ PolicyName, PolicyDocument }));
    const fits = await create('fits', spaced(6144));
    expect(spaced(6144).length).toBeGreaterThan(6144);
    const over = await failure(create('over', compact(6145)));
    expect(over.name).toBe('LimitExceededException');
    expect(over.$metadata?.httpStatusCode).toBe(409);
    expect(over.message).toBe('Cannot exceed quota for PolicySize: 6144');
    await expect(
      iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${account}:policy/over` })),
    ).rejects.toMatchObject({ name: 'NoSuchEntityException' });
    const arn = fits.Policy!.Arn!;
    const version = (PolicyDocument: string) =>
      iam.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument, SetAsDefault: true }));
    expect((await failure(version(compact(6145)))).message).toBe('Cannot exceed quota for PolicySize: 6144');
    expect((await version(compact(6144))).PolicyVersion?.VersionId).toBe('v2');
  });

  it('AttachRolePolicy: at most 10 managed policies per role', async () => {
    await role('attached');
    const arns: string[] = [];
    for (let i = 0; i < 11; i++) {
      const out = await iam.send(
        new CreatePolicyCommand({ PolicyName: `p${i}`, PolicyDocument: compact(200) }),
      );
      arns.push(out.Policy!.Arn!);
    }
    const attach = (PolicyArn: string) =>
      iam.send(new AttachRolePolicyCommand({ RoleName: 'attached', PolicyArn }));
    for (const arn of arns.slice(0, 10)) await attach(arn);
    await attach(arns[0]!); // attaching an attached one again is no new attachment
    const over = await failure(attach(arns[10]!));
    expect(over.name).toBe('LimitExceededException');
    expect(over.message).toBe('Cannot exceed quota for PoliciesPerRole: 10');
    const listed = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'attached' }));
    expect(listed.AttachedPolicies).toHaveLength(10);
  });

  it('DeletePolicy of a policy still attached: DeleteConflict; detached, it goes', async () => {
    await role('holder');
    const { Policy } = await iam.send(
      new CreatePolicyCommand({ PolicyName: 'held', PolicyDocument: compact(200) }),
    );
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'holder', PolicyArn: Policy!.Arn! }));
    const conflict = await failure(iam.send(new DeletePolicyCommand({ PolicyArn: Policy!.Arn! })));
    expect(conflict.name).toBe('DeleteConflictException');
    expect(conflict.$metadata?.httpStatusCode).toBe(409);
    expect(conflict.message).toBe('Cannot delete a policy attached to entities.');
    await iam.send(new DetachRolePolicyCommand({ RoleName: 'holder', PolicyArn: Policy!.Arn! }));
    await iam.send(new DeletePolicyCommand({ PolicyArn: Policy!.Arn! }));
    await expect(iam.send(new GetPolicyCommand({ PolicyArn: Policy!.Arn! }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
  });
});

describe('IAM policy quotas in CloudFormation stacks', () => {
  const account = freshAccount();
  const { cloudformation, iam } = aws(account, region);
  const settled = (name: string, client = cloudformation) =>
    eventually(`stack ${name} settled`, async () => {
      const stack = (await client.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
      return stack?.StackStatus?.endsWith('_IN_PROGRESS') ? undefined : stack;
    });
  const failedReason = async (name: string) => {
    const events =
      (await cloudformation.send(new DescribeStackEventsCommand({ StackName: name }))).StackEvents ?? [];
    return events.find(
      (e) => e.ResourceStatus === 'CREATE_FAILED' && e.ResourceType !== 'AWS::CloudFormation::Stack',
    );
  };
  const roleResource = (RoleName: string, extra: Record<string, unknown> = {}) => ({
    Type: 'AWS::IAM::Role',
    Properties: { RoleName, AssumeRolePolicyDocument: JSON.parse(trust(account)) as object, ...extra },
  });
  const managed = (name: string, size: number, roles: unknown[] = [{ Ref: 'Role' }]) => ({
    Type: 'AWS::IAM::ManagedPolicy',
    Properties: { ManagedPolicyName: name, Path: '/fb/', Roles: roles, PolicyDocument: documentOf(size) },
  });
  const create = (StackName: string, Resources: Record<string, unknown>, client = cloudformation) =>
    client.send(
      new CreateStackCommand({
        StackName,
        TemplateBody: JSON.stringify({ Resources }),
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
  const policyGone = async (name: string) =>
    expect(
      iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${account}:policy/fb/${name}` })),
    ).rejects.toMatchObject({ name: 'NoSuchEntityException' });
  const roleGone = async (RoleName: string) =>
    expect(iam.send(new GetRoleCommand({ RoleName }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });

  beforeAll(async () => {
    const durationsMs = { 'cloudformation.stack': 300, 'cloudformation.rollback': 200 };
    await sharedAdmin().setAccountSettings(account, { durationsMs });
  });

  it('CreateStack: a parameter value past 4,096 bytes is a ValidationError and makes nothing (CloudFormation quotas)', async () => {
    const template = (name: string) =>
      JSON.stringify({
        Parameters: { Names: { Type: 'CommaDelimitedList' } },
        Resources: { Role: roleResource(name) },
      });
    const send = (StackName: string, value: string) =>
      cloudformation.send(
        new CreateStackCommand({
          StackName,
          TemplateBody: template(StackName),
          Capabilities: ['CAPABILITY_NAMED_IAM'],
          Parameters: [{ ParameterKey: 'Names', ParameterValue: value }],
        }),
      );
    await expect(send('param-over', 'x'.repeat(4097))).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(
      cloudformation.send(new DescribeStacksCommand({ StackName: 'param-over' })),
    ).rejects.toMatchObject({
      name: 'ValidationError',
    });
    // Bytes, not characters: 1,366 three-byte characters are 4,098 bytes.
    await expect(send('param-wide', '€'.repeat(1366))).rejects.toMatchObject({ name: 'ValidationError' });
    await send('param-at', 'x'.repeat(4096));
    await send('param-list', 'a,b');
    for (const [StackName, value] of [
      ['param-at', 'x'.repeat(4096)],
      ['param-list', 'a,b'],
    ] as const) {
      const stack = await eventually('the stack created', async () => {
        const out = await cloudformation.send(new DescribeStacksCommand({ StackName }));
        return out.Stacks?.[0]?.StackStatus === 'CREATE_COMPLETE' ? out.Stacks[0] : undefined;
      });
      // DescribeStacks gives a CommaDelimitedList's value as it was passed.
      expect(stack.Parameters).toEqual([{ ParameterKey: 'Names', ParameterValue: value }]);
    }
  });

  it("a role's inline policies past 10,240 characters fail the stack: ROLLBACK_COMPLETE, the role removed", async () => {
    const Policies = [
      { PolicyName: 'a', PolicyDocument: documentOf(6000) },
      { PolicyName: 'b', PolicyDocument: documentOf(4241) },
    ];
    await create('inline-over', { Role: roleResource('inline-over', { Policies }) });
    expect((await settled('inline-over')).StackStatus).toBe('ROLLBACK_COMPLETE');
    const failed = await failedReason('inline-over');
    expect(failed?.LogicalResourceId).toBe('Role');
    expect(failed?.ResourceStatusReason).toContain(
      'Maximum policy size of 10240 bytes exceeded for role inline-over',
    );
    await roleGone('inline-over');

    // At the quota exactly it creates.
    Policies[1]!.PolicyDocument = documentOf(4240);
    await create('inline-fits', { Role: roleResource('inline-fits', { Policies }) });
    expect((await settled('inline-fits')).StackStatus).toBe('CREATE_COMPLETE');
  });

  it('AWS::IAM::ManagedPolicy: created with its path, attached to its roles; the stack deleted, detached and deleted', async () => {
    await create('managed', {
      Role: roleResource('managed-role', { Path: '/fb/' }),
      One: managed('managed-one', 6144),
      Two: managed('managed-two', 3000),
    });
    expect((await settled('managed')).StackStatus).toBe('CREATE_COMPLETE');
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'managed-role' }));
    expect(attached.AttachedPolicies?.map((p) => p.PolicyArn).sort()).toEqual([
      `arn:aws:iam::${account}:policy/fb/managed-one`,
      `arn:aws:iam::${account}:policy/fb/managed-two`,
    ]);
    await cloudformation.send(new DeleteStackCommand({ StackName: 'managed' }));
    await eventually('stack deleted', async () => {
      const stacks = (await cloudformation.send(new DescribeStacksCommand({}))).Stacks ?? [];
      return stacks.some((s) => s.StackName === 'managed' && s.StackStatus !== 'DELETE_COMPLETE')
        ? undefined
        : true;
    });
    await policyGone('managed-one');
    await policyGone('managed-two');
    await roleGone('managed-role');
  });

  it('a managed policy past 6,144 characters fails the stack: ROLLBACK_COMPLETE, nothing left', async () => {
    await create('managed-over', {
      Role: roleResource('managed-over-role'),
      Small: managed('managed-over-small', 1000),
      Big: { ...managed('managed-over-big', 6145), DependsOn: 'Small' },
    });
    expect((await settled('managed-over')).StackStatus).toBe('ROLLBACK_COMPLETE');
    const failed = await failedReason('managed-over');
    expect(failed?.ResourceStatusReason).toContain('Cannot exceed quota for PolicySize: 6144');
    await policyGone('managed-over-small');
    await policyGone('managed-over-big');
    await roleGone('managed-over-role');
  });

  it('an eleventh managed policy for a role fails the stack: PoliciesPerRole, nothing left', async () => {
    const resources: Record<string, unknown> = { Role: roleResource('eleven-role') };
    for (let i = 0; i < 11; i++) resources[`P${i}`] = managed(`eleven-${i}`, 300);
    await create('eleven', resources);
    expect((await settled('eleven')).StackStatus).toBe('ROLLBACK_COMPLETE');
    const failed = await failedReason('eleven');
    expect(failed?.ResourceStatusReason).toContain('Cannot exceed quota for PoliciesPerRole: 10');
    for (let i = 0; i < 11; i++) await policyGone(`eleven-${i}`);
    await roleGone('eleven-role');
  });

  it("with the caller's permissions: without iam:CreatePolicy the resource fails (AccessDenied); with it, it creates and deletes", async () => {
    const roles = {
      Effect: 'Allow',
      Action: ['iam:CreateRole', 'iam:DeleteRole', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy',
        ...ROLE_READS], // prettier-ignore
      Resource: `arn:aws:iam::${account}:role/*`,
    };
    const without = await asRoleWith(account, region, 'no-create-policy', stacks, roles);
    await create(
      'denied',
      { Role: roleResource('denied-role'), P: managed('denied-p', 300) },
      without.cloudformation,
    );
    expect((await settled('denied', without.cloudformation)).StackStatus).toBe('ROLLBACK_COMPLETE');
    const failed = await failedReason('denied');
    expect(failed?.LogicalResourceId).toBe('P');
    expect(failed?.ResourceStatusReason).toMatch(
      /not authorized to perform: iam:CreatePolicy on resource: .*policy\/fb\/denied-p/,
    );
    await policyGone('denied-p');

    const policies = {
      Effect: 'Allow',
      Action: ['iam:CreatePolicy', 'iam:DeletePolicy', ...POLICY_READS],
      Resource: `arn:aws:iam::${account}:policy/fb/*`,
    };
    const allowed = await asRoleWith(account, region, 'create-policy', stacks, roles, policies);
    await create(
      'allowed',
      { Role: roleResource('allowed-role'), P: managed('allowed-p', 300) },
      allowed.cloudformation,
    );
    expect((await settled('allowed', allowed.cloudformation)).StackStatus).toBe('CREATE_COMPLETE');
    await allowed.cloudformation.send(new DeleteStackCommand({ StackName: 'allowed' }));
    await policyGone('allowed-p');
    await roleGone('allowed-role');
  });

  it('deleting a stack whose managed policy the caller may not delete: DELETE_FAILED, the policy stays attached', async () => {
    const grants = {
      Effect: 'Allow',
      Action: [
        'iam:CreateRole',
        'iam:DeleteRole',
        'iam:AttachRolePolicy',
        'iam:DetachRolePolicy',
        'iam:CreatePolicy',
        ...ROLE_READS,
        ...POLICY_READS,
      ],
      Resource: '*',
    };
    const caller = await asRoleWith(account, region, 'no-delete-policy', stacks, grants);
    await create(
      'kept',
      { Role: roleResource('kept-role'), P: managed('kept-p', 300) },
      caller.cloudformation,
    );
    expect((await settled('kept', caller.cloudformation)).StackStatus).toBe('CREATE_COMPLETE');
    await caller.cloudformation.send(new DeleteStackCommand({ StackName: 'kept' }));
    const after = await settled('kept', caller.cloudformation);
    expect(after.StackStatus).toBe('DELETE_FAILED');
    expect(after.StackStatusReason).toContain('[P]');
    const attached = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'kept-role' }));
    expect(attached.AttachedPolicies?.map((p) => p.PolicyName)).toEqual(['kept-p']);
  });
  // Each read or list a handler makes is a permission the caller needs, as each write is: without
  // one, AWS's handler fails with AccessDenied. The role's delete lists what is attached and inline
  // (to take it off first); the managed policy's delete reads it, its versions and its attachments.
  const HANDLER_READS = [
    ['iam:GetRole', 'CREATE'],
    ['iam:ListAttachedRolePolicies', 'DELETE'],
    ['iam:ListRolePolicies', 'DELETE'],
    ['iam:GetPolicy', 'DELETE'],
    ['iam:ListPolicyVersions', 'DELETE'],
    ['iam:ListEntitiesForPolicy', 'DELETE'],
  ] as const;
  it.each(HANDLER_READS)('without %s the stack fails its %s, naming it', async (action, when) => {
    const everything = ['iam:CreateRole', 'iam:DeleteRole', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy',
      'iam:CreatePolicy', 'iam:DeletePolicy', ...ROLE_READS, ...POLICY_READS]; // prettier-ignore
    const grants = { Effect: 'Allow', Action: everything.filter((a) => a !== action), Resource: '*' };
    const name = `reads-${action.slice(4).toLowerCase()}`;
    const caller = await asRoleWith(account, region, name, stacks, grants);
    await create(
      name,
      { Role: roleResource(`${name}-role`), P: managed(`${name}-p`, 300) },
      caller.cloudformation,
    );
    const made = await settled(name, caller.cloudformation);
    if (when === 'CREATE') {
      expect(made.StackStatus).toBe('ROLLBACK_COMPLETE');
      expect((await failedReason(name))?.ResourceStatusReason).toContain(
        `not authorized to perform: ${action}`,
      );
      await roleGone(`${name}-role`);
      return;
    }
    expect(made.StackStatus).toBe('CREATE_COMPLETE');
    await caller.cloudformation.send(new DeleteStackCommand({ StackName: name }));
    const after = await settled(name, caller.cloudformation);
    expect(after.StackStatus).toBe('DELETE_FAILED');
    const events =
      (await cloudformation.send(new DescribeStackEventsCommand({ StackName: name }))).StackEvents ?? [];
    const failed = events.find((e) => e.ResourceStatus === 'DELETE_FAILED' && e.LogicalResourceId !== name);
    expect(failed?.ResourceStatusReason).toContain(`not authorized to perform: ${action}`);
  });

  it('with every handler permission the stack is made and removed, nothing left', async () => {
    const all = {
      Effect: 'Allow',
      Action: ['iam:CreateRole', 'iam:DeleteRole', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy',
        'iam:CreatePolicy', 'iam:DeletePolicy', ...ROLE_READS, ...POLICY_READS], // prettier-ignore
      Resource: '*',
    };
    const caller = await asRoleWith(account, region, 'reads-all', stacks, all);
    await create(
      'reads-all',
      { Role: roleResource('reads-all-role'), P: managed('reads-all-p', 300) },
      caller.cloudformation,
    );
    expect((await settled('reads-all', caller.cloudformation)).StackStatus).toBe('CREATE_COMPLETE');
    await caller.cloudformation.send(new DeleteStackCommand({ StackName: 'reads-all' }));
    await policyGone('reads-all-p');
    await roleGone('reads-all-role');
  });
});
