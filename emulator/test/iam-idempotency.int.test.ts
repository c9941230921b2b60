import {
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type CloudFormationClient,
} from '@aws-sdk/client-cloudformation';
import { DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { beforeAll, describe, expect, it } from 'vitest';
import { ORCHESTRATOR_ARN } from '../client.js';
import { aws, eventually, failure, freshAccount, sharedAdmin } from './support.js';

const trust = (externalId: string, principal = ORCHESTRATOR_ARN) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: principal },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': externalId } },
      },
    ],
  });

describe('idempotency and IAM details the product relies on', () => {
  it('RunInstances with a repeated ClientToken returns the first reservation instead of launching again', async () => {
    const { ec2 } = aws(freshAccount(), 'us-east-1');
    const run = (ClientToken: string, ImageId = 'ami-12345678') =>
      ec2.send(new RunInstancesCommand({ ImageId, MinCount: 1, MaxCount: 1, ClientToken }));
    const first = await run('plan-1:web-1:failback');
    const again = await run('plan-1:web-1:failback');
    expect(again.ReservationId).toBe(first.ReservationId);
    expect(again.Instances![0]!.InstanceId).toBe(first.Instances![0]!.InstanceId);
    const other = await run('plan-1:web-2:failback');
    expect(other.Instances![0]!.InstanceId).not.toBe(first.Instances![0]!.InstanceId);
    expect((await failure(run('plan-1:web-1:failback', 'ami-87654321'))).name).toBe(
      'IdempotentParameterMismatch',
    );
    const all = await ec2.send(new DescribeInstancesCommand({}));
    expect(all.Reservations?.flatMap((r) => r.Instances ?? [])).toHaveLength(2);
  });

  it('AssumeRole requires an existing role whose trust policy allows the caller and its ExternalId', async () => {
    const primary = freshAccount();
    const seeder = aws(primary, 'us-east-1');
    const orchestrator = aws(undefined, 'us-east-1'); // the product's base keys (`test`)
    const roleArn = `arn:aws:iam::${primary}:role/failback-access`;
    const assume = (ExternalId?: string, client = orchestrator.sts) =>
      client.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'plan-1', ExternalId }));

    const missing = await failure(assume('ext-1'));
    expect(missing.name).toBe('AccessDenied');
    expect(missing.$metadata?.httpStatusCode).toBe(403);
    expect(missing.message).toBe(
      `User: ${ORCHESTRATOR_ARN} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    );
    await seeder.iam.send(
      new CreateRoleCommand({ RoleName: 'failback-access', AssumeRolePolicyDocument: trust('ext-1') }),
    );
    expect((await failure(assume())).name).toBe('AccessDenied');
    expect((await failure(assume('ext-2'))).name).toBe('AccessDenied');
    expect((await failure(assume('ext-1', aws(freshAccount(), 'us-east-1').sts))).name).toBe('AccessDenied');

    const { Credentials } = await assume('ext-1');
    const assumed = aws(undefined, 'us-east-1', {
      credentials: {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken!,
      },
    });
    const identity = await assumed.sts.send(new GetCallerIdentityCommand({}));
    expect(identity).toMatchObject({
      Account: primary,
      Arn: `arn:aws:sts::${primary}:assumed-role/failback-access/plan-1`,
    });
  });

  describe('CloudFormation', () => {
    const account = freshAccount();
    const { cloudformation, iam } = aws(account, 'us-east-1');
    const template = (roleName: string) =>
      JSON.stringify({
        Resources: {
          AccessRole: {
            Type: 'AWS::IAM::Role',
            Properties: {
              RoleName: roleName,
              AssumeRolePolicyDocument: JSON.parse(trust('ext-1')) as object,
            },
          },
        },
      });
    const stackStatus = async (client: CloudFormationClient, name: string) =>
      (await client.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    const settled = (name: string) =>
      eventually(`stack ${name} settled`, async () => {
        const stack = await stackStatus(cloudformation, name);
        return stack?.StackStatus?.endsWith('_IN_PROGRESS') ? undefined : stack;
      });

    beforeAll(async () => {
      const durationsMs = { 'cloudformation.stack': 1_000, 'cloudformation.rollback': 300 };
      await sharedAdmin().setAccountSettings(account, { durationsMs });
    });

    it('a stack is CREATE_IN_PROGRESS, then CREATE_COMPLETE with its role', async () => {
      await cloudformation.send(
        new CreateStackCommand({
          StackName: 'access',
          TemplateBody: template('failback-access'),
          Capabilities: ['CAPABILITY_NAMED_IAM'],
        }),
      );
      expect((await stackStatus(cloudformation, 'access'))?.StackStatus).toBe('CREATE_IN_PROGRESS');
      expect((await settled('access')).StackStatus).toBe('CREATE_COMPLETE');
      expect((await iam.send(new GetRoleCommand({ RoleName: 'failback-access' }))).Role?.RoleName).toBe(
        'failback-access',
      );
    });

    it('a stack whose resource fails reaches CREATE_FAILED and rolls back to ROLLBACK_COMPLETE (or stays CREATE_FAILED)', async () => {
      // The role name is taken by the previous stack: AWS fails the resource, then the stack.
      await cloudformation.send(
        new CreateStackCommand({ StackName: 'access-again', TemplateBody: template('failback-access') }),
      );
      expect((await stackStatus(cloudformation, 'access-again'))?.StackStatus).toBe('CREATE_IN_PROGRESS');
      const failed = await settled('access-again');
      expect(failed).toMatchObject({ StackStatus: 'ROLLBACK_COMPLETE' });
      expect(failed.StackStatusReason).toMatch(/AccessRole/);
      const events =
        (await cloudformation.send(new DescribeStackEventsCommand({ StackName: 'access-again' })))
          .StackEvents ?? [];
      expect(events.map((e) => `${e.LogicalResourceId}:${e.ResourceStatus}`)).toEqual([
        'access-again:ROLLBACK_COMPLETE',
        'access-again:ROLLBACK_IN_PROGRESS',
        'AccessRole:CREATE_FAILED',
        'access-again:CREATE_IN_PROGRESS',
      ]);
      await cloudformation.send(
        new CreateStackCommand({
          StackName: 'keep-failed',
          TemplateBody: template('failback-access'),
          OnFailure: 'DO_NOTHING',
        }),
      );
      expect((await settled('keep-failed')).StackStatus).toBe('CREATE_FAILED');
      // The role of the first stack survived both rollbacks.
      expect((await iam.send(new GetRoleCommand({ RoleName: 'failback-access' }))).Role).toBeDefined();
    });
  });
});
