import {
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_LIMITS, rdsNamesPolicyChars } from '../../domain/access-limits.js';
import { accessStackName } from '../../domain/naming.js';
import type { PrimaryEnvironment } from '../../domain/plan-spec.js';
import {
  asAccount,
  ensureAccessBoundary,
  ensureRole,
  orchestratorTrustPolicy,
  PRIMARY_ACCOUNT,
  seedingClientConfig,
} from '../../../test/support/aws.js';
import { runActivity } from '../../../test/support/activity.js';
import { awsEnvironment, defaultClientSettings } from '../aws/clients.js';
import { accessBoundaryArn, BOOTSTRAP_ROLE_POLICY } from './policies/index.js';
import { deleteAccessStack, ensureAccessStack } from './stack.js';

const run = Date.now().toString(36);
const region = 'eu-central-1';
const iam = new IAMClient(seedingClientConfig(PRIMARY_ACCOUNT, region));
const act = <T>(fn: () => Promise<T>): Promise<T> => runActivity(fn, []);

function primary(roleName: string, bootstrap?: string): PrimaryEnvironment {
  return {
    accountId: PRIMARY_ACCOUNT,
    region,
    roleArn: `arn:aws:iam::${PRIMARY_ACCOUNT}:role/${roleName}`,
    externalId: `ext-${run}`,
    ...(bootstrap ? { bootstrapRoleArn: bootstrap } : {}),
  };
}

/** Assumes the role as the orchestrator, with the given ExternalId (undefined: none). */
async function assume(roleArn: string, externalId?: string): Promise<string> {
  const sts = new STSClient({ region, endpoint: process.env.AWS_ENDPOINT_URL ?? '' });
  try {
    const out = await sts.send(
      new AssumeRoleCommand({
        RoleArn: roleArn,
        RoleSessionName: 't',
        ...(externalId ? { ExternalId: externalId } : {}),
      }),
    );
    return out.AssumedRoleUser?.Arn ?? '';
  } finally {
    sts.destroy();
  }
}

async function attachedPolicies(RoleName: string) {
  const out = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName }));
  return (out.AttachedPolicies ?? []).sort((a, b) => a.PolicyName!.localeCompare(b.PolicyName!));
}

async function expectPoliciesGone(arns: string[]): Promise<void> {
  for (const PolicyArn of arns)
    await expect(iam.send(new GetPolicyCommand({ PolicyArn }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
}

/** `count` distinct values `prefix…` of exactly `length` characters. */
const atLength = (count: number, prefix: string, length: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(length - prefix.length, '0')}`);

describe('access stack', () => {
  let bootstrapArn: string;

  beforeAll(async () => {
    await ensureAccessBoundary(PRIMARY_ACCOUNT);
    bootstrapArn = await ensureRole(
      PRIMARY_ACCOUNT,
      `dr-standing-${run}`,
      orchestratorTrustPolicy(),
      BOOTSTRAP_ROLE_POLICY,
    );
  });
  afterAll(() => iam.destroy());

  it('creates the role of the plan spec, trusting only the orchestrator with the ExternalId; deletes it', async () => {
    const planId = `as-${run}`;
    const env = primary(`failback-access-${run}`, bootstrapArn);
    const created = await act(() => ensureAccessStack({ planId, primary: env }));
    expect(created).toEqual({ stackName: accessStackName(planId), roleArn: env.roleArn, state: 'created' });
    expect(await assume(env.roleArn, env.externalId)).toContain(`failback-access-${run}`);
    await expect(assume(env.roleArn)).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(assume(env.roleArn, 'wrong-external-id')).rejects.toMatchObject({ name: 'AccessDenied' });

    // Again (a retried activity): the same stack, adopted, not a second one.
    expect(await act(() => ensureAccessStack({ planId, primary: env }))).toEqual(created);
    const cfn = asAccount(PRIMARY_ACCOUNT, region).cloudformation;
    const stacks = (await cfn.send(new DescribeStacksCommand({}))).Stacks ?? [];
    expect(
      stacks.filter((s) => s.StackName === created.stackName && s.StackStatus !== 'DELETE_COMPLETE'),
    ).toHaveLength(1);

    // Its permissions are managed policies attached to it (no grants: the three unconditional ones).
    const attached = await attachedPolicies(`failback-access-${run}`);
    expect(attached.map((p) => p.PolicyName)).toEqual(
      ['dynamodb', 'ec2-route53', 'rds'].map((part) => `failback-access-${planId}-${part}`),
    );
    expect(
      (await iam.send(new ListRolePoliciesCommand({ RoleName: `failback-access-${run}` }))).PolicyNames,
    ).toEqual([]);

    await act(() => deleteAccessStack({ planId, primary: env }));
    await expect(iam.send(new GetRoleCommand({ RoleName: `failback-access-${run}` }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
    await expectPoliciesGone(attached.map((p) => p.PolicyArn!));
    await act(() => deleteAccessStack({ planId, primary: env })); // again: nothing left to delete
    const after = (await cfn.send(new DescribeStacksCommand({}))).Stacks ?? [];
    expect(
      after.filter((s) => s.StackName === created.stackName && s.StackStatus !== 'DELETE_COMPLETE'),
    ).toEqual([]);
  });

  it("a stack left with other grants (an earlier run of the plan id) is made anew with this run's", async () => {
    const planId = `st-${run}`;
    const env = primary(`failback-access-st-${run}`, bootstrapArn);
    const names = (n: string) => [`arn:aws:rds:${region}:${PRIMARY_ACCOUNT}:db:${n}-${run}`];
    const none = { primaryKmsKeyArns: [], recoveryKmsKeyArns: [], exportBuckets: [] };
    const cfn = asAccount(PRIMARY_ACCOUNT, region).cloudformation;
    const granted = async () => {
      const [stack] = (await cfn.send(new DescribeStacksCommand({ StackName: accessStackName(planId) }))).Stacks ?? [];
      return { id: stack?.StackId, arns: stack?.Parameters?.find((p) => p.ParameterKey === 'RdsResourceArns')?.ParameterValue };
    }; // prettier-ignore
    await act(() => ensureAccessStack({ planId, primary: env, grants: { ...none, rdsResourceArns: names('earlier') } }));
    const earlier = await granted();
    // The same grants again (a retried activity): adopted.
    await act(() => ensureAccessStack({ planId, primary: env, grants: { ...none, rdsResourceArns: names('earlier') } }));
    expect(await granted()).toEqual(earlier);
    // Another run's grants: the stack is replaced, its role grants this run's names.
    const now = await act(() => ensureAccessStack({ planId, primary: env, grants: { ...none, rdsResourceArns: names('now') } }));
    expect(now.state).toBe('created');
    const replaced = await granted();
    expect(replaced.id).not.toBe(earlier.id);
    expect(replaced.arns).toBe(names('now').join(','));
    await act(() => deleteAccessStack({ planId, primary: env }));
  }); // prettier-ignore

  it('the access role carries the boundary; the bootstrap role can make no unbounded role and extend none', async () => {
    const planId = `asb-${run}`;
    const env = primary(`failback-access-b-${run}`, bootstrapArn);
    await act(() => ensureAccessStack({ planId, primary: env }));
    const role = await iam.send(new GetRoleCommand({ RoleName: `failback-access-b-${run}` }));
    expect(role.Role?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(accessBoundaryArn(PRIMARY_ACCOUNT));
    // Acting as the bootstrap role, as someone holding its credentials could, outside the product.
    const bootstrap = awsEnvironment(
      { accountId: PRIMARY_ACCOUNT, region, roleArn: bootstrapArn },
      { ...defaultClientSettings(), sessionName: 'escalation' },
    );
    const stack = async (name: string, resources: Record<string, unknown>) => {
      await bootstrap.cloudformation.send(
        new CreateStackCommand({
          StackName: name,
          TemplateBody: JSON.stringify({ Resources: resources }),
          Capabilities: ['CAPABILITY_NAMED_IAM'],
        }),
      );
      for (;;) {
        const out = await bootstrap.cloudformation.send(new DescribeStacksCommand({ StackName: name }));
        const status = out.Stacks?.[0]?.StackStatus ?? '';
        if (!status.endsWith('_IN_PROGRESS')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const events = await bootstrap.cloudformation.send(new DescribeStackEventsCommand({ StackName: name }));
      return events.StackEvents?.find((e) => e.ResourceStatus === 'CREATE_FAILED')?.ResourceStatusReason;
    };
    const admin = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    const trustingAnyone = {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
    };
    // A role of its own without the boundary: refused.
    expect(
      await stack(`failback-access-esc1-${run}`, {
        R: {
          Type: 'AWS::IAM::Role',
          Properties: { RoleName: `failback-access-esc1-${run}`, AssumeRolePolicyDocument: trustingAnyone },
        },
      }),
    ).toMatch(/not authorized to perform: iam:CreateRole/);
    // An all-powerful failback-access-* policy attached to itself (it has no boundary): refused.
    expect(
      await stack(`failback-access-esc2-${run}`, {
        P: {
          Type: 'AWS::IAM::ManagedPolicy',
          Properties: {
            ManagedPolicyName: `failback-access-esc2-${run}`,
            PolicyDocument: admin,
            Roles: [`dr-standing-${run}`],
          },
        },
      }),
    ).toMatch(/not authorized to perform: iam:AttachRolePolicy/);
    // With the boundary but a policy of any power: the role can still do no more than the boundary.
    await stack(`failback-access-esc3-${run}`, {
      R: {
        Type: 'AWS::IAM::Role',
        Properties: {
          RoleName: `failback-access-esc3-${run}`,
          AssumeRolePolicyDocument: trustingAnyone,
          PermissionsBoundary: accessBoundaryArn(PRIMARY_ACCOUNT),
        },
      },
      P: {
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: {
          ManagedPolicyName: `failback-access-esc3-${run}`,
          PolicyDocument: admin,
          Roles: [{ Ref: 'R' }],
        },
      },
    });
    const escalated = awsEnvironment(
      {
        accountId: PRIMARY_ACCOUNT,
        region,
        roleArn: `arn:aws:iam::${PRIMARY_ACCOUNT}:role/failback-access-esc3-${run}`,
      },
      { ...defaultClientSettings(), sessionName: 'escalated' },
    );
    await expect(
      escalated.iam.send(
        new CreateRoleCommand({
          RoleName: `esc-${run}`,
          AssumeRolePolicyDocument: JSON.stringify(trustingAnyone),
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    await act(() => deleteAccessStack({ planId, primary: env }));
  });

  it('a stack at every bound of ACCESS_LIMITS creates (9 managed policies within IAM quotas, at the role path); deleted, they go', async () => {
    const planId = `asmax-${run}`;
    const roleName = `failback-access-max-${run}`;
    const env = {
      ...primary(roleName, bootstrapArn),
      roleArn: `arn:aws:iam::${PRIMARY_ACCOUNT}:role/failback/${roleName}`,
    };
    const keyPrefix = (account: string) => `arn:aws:kms:${region}:${account}:key/`;
    const rolePrefix = (kind: string) => `arn:aws:iam::${PRIMARY_ACCOUNT}:role/${kind}/${'p/'.repeat(80)}r-`;
    const grants = {
      primaryKmsKeyArns: atLength(ACCESS_LIMITS.primaryKmsKeys, keyPrefix(PRIMARY_ACCOUNT), ACCESS_LIMITS.kmsKeyArnLength),
      recoveryKmsKeyArns: atLength(ACCESS_LIMITS.recoveryKmsKeys, keyPrefix('222222222222'), ACCESS_LIMITS.kmsKeyArnLength),
      exportBuckets: atLength(ACCESS_LIMITS.exportBuckets, `exports-${run}-`, 63),
      instanceRoleArns: atLength(ACCESS_LIMITS.instanceRoles, rolePrefix('instance'), ACCESS_LIMITS.roleArnLength),
      monitoringRoleArns: atLength(ACCESS_LIMITS.monitoringRoles, rolePrefix('monitoring'), ACCESS_LIMITS.roleArnLength),
      // As many 124-character DB ARNs as one 4,096-byte parameter holds.
      rdsResourceArns: atLength(Math.floor((ACCESS_LIMITS.rdsResourceArnChars + 1) / 125), `arn:aws:rds:${region}:${PRIMARY_ACCOUNT}:db:d${run}-`, 124),
    }; // prettier-ignore
    // The retired names fill what their policy has left (ACCESS_LIMITS.rdsNamesPolicyChars).
    const left = ACCESS_LIMITS.rdsNamesPolicyChars - rdsNamesPolicyChars(grants);
    const retiredPrefix = `arn:aws:rds:${region}:${PRIMARY_ACCOUNT}:db:r${run}-`;
    const rdsRetiredArns = atLength(Math.floor((left - 1) / 63), retiredPrefix, 60);
    expect(rdsNamesPolicyChars({ ...grants, rdsRetiredArns })).toBeLessThanOrEqual(
      ACCESS_LIMITS.rdsNamesPolicyChars,
    );
    const input = {
      planId,
      primary: env,
      grants: { ...grants, rdsRetiredArns },
      hostedZoneId: `Z${'A'.repeat(32)}`,
    };
    expect(await act(() => ensureAccessStack(input))).toMatchObject({
      state: 'created',
      roleArn: env.roleArn,
    });

    const attached = await attachedPolicies(roleName);
    expect(attached).toHaveLength(9);
    for (const { PolicyArn, PolicyName } of attached) {
      expect(PolicyArn).toBe(`arn:aws:iam::${PRIMARY_ACCOUNT}:policy/failback/${PolicyName}`);
      const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn }));
      const { PolicyVersion } = await iam.send(
        new GetPolicyVersionCommand({ PolicyArn, VersionId: Policy!.DefaultVersionId! }),
      );
      const document = decodeURIComponent(PolicyVersion!.Document!).replace(/\s+/g, '');
      expect(document.length, PolicyName).toBeLessThanOrEqual(6144);
    }
    const kms = attached.find((p) => p.PolicyName!.endsWith('-kms-recovery'))!;
    const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: kms.PolicyArn }));
    const { PolicyVersion } = await iam.send(
      new GetPolicyVersionCommand({ PolicyArn: kms.PolicyArn, VersionId: Policy!.DefaultVersionId! }),
    );
    for (const key of grants.recoveryKmsKeyArns)
      expect(decodeURIComponent(PolicyVersion!.Document!)).toContain(key);

    await act(() => deleteAccessStack(input));
    await expect(iam.send(new GetRoleCommand({ RoleName: roleName }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
    await expectPoliciesGone(attached.map((p) => p.PolicyArn!));
  });

  it('past a bound, the stack is not created: InvalidParameter naming the limit and the fix', async () => {
    const planId = `asover-${run}`;
    const env = primary(`failback-access-over-${run}`, bootstrapArn);
    const grants = {
      primaryKmsKeyArns: [],
      recoveryKmsKeyArns: [],
      exportBuckets: atLength(ACCESS_LIMITS.exportBuckets + 1, `over-${run}-`, 40),
    };
    const error = await act(() => ensureAccessStack({ planId, primary: env, grants })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ type: 'InvalidParameter', nonRetryable: true });
    expect((error as Error).message).toContain('ACCESS_LIMITS.exportBuckets');
    expect((error as Error).message).toContain('split the plan');
    const cfn = asAccount(PRIMARY_ACCOUNT, region).cloudformation;
    const stacks = (await cfn.send(new DescribeStacksCommand({}))).Stacks ?? [];
    expect(stacks.filter((s) => s.StackName === accessStackName(planId))).toEqual([]);
  });

  it('a failing stack needs a person: the reason from the stack events, the failed stack removed', async () => {
    const planId = `asf-${run}`;
    const roleName = `taken-${run}`;
    await iam.send(
      new CreateRoleCommand({ RoleName: roleName, AssumeRolePolicyDocument: orchestratorTrustPolicy() }),
    );
    const env = primary(roleName, bootstrapArn);
    const error = await act(() => ensureAccessStack({ planId, primary: env })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: 'NameConflict', nonRetryable: true });
    expect((error as Error).message).toMatch(/AccessRole: .*already exists/);
    expect((error as Error).message).toContain('ROLLBACK_COMPLETE');
    const cfn = asAccount(PRIMARY_ACCOUNT, region).cloudformation;
    const left = ((await cfn.send(new DescribeStacksCommand({}))).Stacks ?? []).filter(
      (s) => s.StackName === accessStackName(planId) && s.StackStatus !== 'DELETE_COMPLETE',
    );
    expect(left).toEqual([]);

    // The operator removes the stranger role and sends retry: the stack is created this time.
    await iam.send(new DeleteRoleCommand({ RoleName: roleName }));
    expect(await act(() => ensureAccessStack({ planId, primary: env }))).toMatchObject({ state: 'created' });
    await act(() => deleteAccessStack({ planId, primary: env }));
  });

  it('without a bootstrap role, verifies the existing role instead (and says so)', async () => {
    const planId = `ase-${run}`;
    const env = primary(`existing-access-${run}`);
    await ensureRole(PRIMARY_ACCOUNT, `existing-access-${run}`, orchestratorTrustPolicy(env.externalId));
    expect(await act(() => ensureAccessStack({ planId, primary: env }))).toEqual({
      stackName: '',
      roleArn: env.roleArn,
      state: 'existing',
    });
    const wrong = await act(() =>
      ensureAccessStack({ planId, primary: { ...env, externalId: 'not-it' } }),
    ).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ type: 'AccessDenied', nonRetryable: true });
    await act(() => deleteAccessStack({ planId, primary: env })); // the plan made no stack: nothing to do
    await iam.send(new GetRoleCommand({ RoleName: `existing-access-${run}` })); // the operator's role stays
  });
});
