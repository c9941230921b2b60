import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
} from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { asRoleWith, aws, failure, freshAccount, policyDocument, type Statement } from './support.js';

const doc = policyDocument;
const AMI = 'ami-0f00d5eed0000c0de';
const REGION = 'us-east-1';

/** A role of `account` with one inline policy, assumed by the account's root: EC2 acting as it. */
async function launcher(account: string, name: string, ...statements: Statement[]) {
  return (await asRoleWith(account, REGION, name, ...statements)).ec2;
}

/** An instance profile `name` holding a role of the same name at `path`, made by the account's root. */
async function instanceProfile(account: string, name: string, path = '/'): Promise<string> {
  const { iam } = aws(account, REGION);
  const trust = doc({
    Effect: 'Allow',
    Principal: { Service: 'ec2.amazonaws.com' },
    Action: 'sts:AssumeRole',
  });
  const role = await iam.send(
    new CreateRoleCommand({ RoleName: name, Path: path, AssumeRolePolicyDocument: trust }),
  );
  await iam.send(new CreateInstanceProfileCommand({ InstanceProfileName: name }));
  await iam.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: name, RoleName: name }));
  return role.Role!.Arn!;
}

const run = (name: string) =>
  new RunInstancesCommand({
    ImageId: AMI,
    InstanceType: 't3.micro',
    MinCount: 1,
    MaxCount: 1,
    IamInstanceProfile: { Name: name },
  });

describe('RunInstances with an instance profile (issue 15)', () => {
  it('needs iam:PassRole on the profile’s role, passed to EC2', async () => {
    const account = freshAccount();
    const roleArn = await instanceProfile(account, 'app-instance', '/apps/');
    const ec2Only = await launcher(account, 'ec2-only', {
      Effect: 'Allow',
      Action: 'ec2:RunInstances',
      Resource: '*',
    });
    const denied = await failure(ec2Only.send(run('app-instance')));
    expect(denied.name).toBe('UnauthorizedOperation');
    expect(denied.message).toContain(`iam:PassRole on resource: ${roleArn}`);

    // iam:PassedToService is EC2 here: a grant for another service does not pass it.
    const otherService = await launcher(
      account,
      'pass-to-lambda',
      { Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: roleArn,
        Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
      },
    );
    expect((await failure(otherService.send(run('app-instance')))).name).toBe('UnauthorizedOperation');

    const passer = await launcher(
      account,
      'pass-to-ec2',
      { Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: roleArn,
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      },
    );
    const out = await passer.send(run('app-instance'));
    expect(out.Instances?.[0]?.IamInstanceProfile?.Arn).toMatch(/:instance-profile\/app-instance$/);
  });

  it('refuses a profile that does not exist with EC2’s InvalidParameterValue, not IAM’s NoSuchEntity', async () => {
    const account = freshAccount();
    const error = await failure(aws(account, REGION).ec2.send(run('no-such-profile')));
    expect([error.name, error.$metadata?.httpStatusCode]).toEqual(['InvalidParameterValue', 400]);
    expect(error.message).toBe(
      'Value (no-such-profile) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name',
    );
  });
});
