import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateRoleCommand, DeleteRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessStackName } from '../../domain/naming.js';
import type { PrimaryEnvironment } from '../../domain/plan-spec.js';
import {
  asAccount,
  ensureRole,
  orchestratorTrustPolicy,
  PRIMARY_ACCOUNT,
  seedingClientConfig,
} from '../../../test/support/aws.js';
import { runActivity } from '../../../test/support/activity.js';
import { BOOTSTRAP_ROLE_POLICY } from './policies/index.js';
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

describe('access stack', () => {
  let bootstrapArn: string;

  beforeAll(async () => {
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

    await act(() => deleteAccessStack({ planId, primary: env }));
    await expect(iam.send(new GetRoleCommand({ RoleName: `failback-access-${run}` }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
    await act(() => deleteAccessStack({ planId, primary: env })); // again: nothing left to delete
    const after = (await cfn.send(new DescribeStacksCommand({}))).Stacks ?? [];
    expect(
      after.filter((s) => s.StackName === created.stackName && s.StackStatus !== 'DELETE_COMPLETE'),
    ).toEqual([]);
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
