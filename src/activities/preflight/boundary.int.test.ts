import { CreatePolicyCommand, CreatePolicyVersionCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, describe, expect, it } from 'vitest';
import { freshAccount } from '../../../emulator/test/support.js';
import { ensureRole, orchestratorTrustPolicy, seedingClientConfig } from '../../../test/support/aws.js';
import { awsEnvironment } from '../aws/clients.js';
import {
  ACCESS_BOUNDARY_NAME,
  ACCESS_BOUNDARY_POLICY,
  accessBoundaryArn,
  BOOTSTRAP_ROLE_POLICY,
} from '../access-stack/policies/index.js';
import { checkAccessBoundary } from './boundary.js';

// Preflight reads the boundary through the bootstrap role, as the plan would use it: missing, too
// narrow for what the access role does, then right. Each finding blocks the plan and says the fix.
describe('preflight: the access roles’ permissions boundary', () => {
  const account = freshAccount();
  const region = 'eu-west-3';
  const iam = new IAMClient(seedingClientConfig(account, region));
  afterAll(() => iam.destroy());

  it('missing, too narrow, then as access-boundary.json', async () => {
    const bootstrapRoleArn = await ensureRole(
      account,
      'dr-standing',
      orchestratorTrustPolicy(),
      BOOTSTRAP_ROLE_POLICY,
    );
    const env = awsEnvironment({ accountId: account, region, roleArn: bootstrapRoleArn });
    const arn = accessBoundaryArn(account);
    expect(await checkAccessBoundary(env, undefined)).toEqual([]); // an operator's own access role

    const [missing] = await checkAccessBoundary(env, bootstrapRoleArn);
    expect(missing).toMatchObject({ severity: 'error', check: 'access' });
    expect(missing!.message).toContain(`${arn} does not exist`);
    expect(missing!.message).toContain('access-boundary.json');

    const narrow = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['ec2:*', 'rds:*', 'dynamodb:*', 's3:*', 'route53:*'], Resource: '*' },
      ],
    };
    await iam.send(
      new CreatePolicyCommand({ PolicyName: ACCESS_BOUNDARY_NAME, PolicyDocument: JSON.stringify(narrow) }),
    );
    const [tooNarrow, ...rest] = await checkAccessBoundary(env, bootstrapRoleArn);
    expect(rest).toEqual([]);
    expect(tooNarrow!.message).toMatch(/does not allow .*kms:CreateGrant/);
    expect(tooNarrow!.message).not.toContain('ec2:');

    await iam.send(
      new CreatePolicyVersionCommand({
        PolicyArn: arn,
        PolicyDocument: JSON.stringify(ACCESS_BOUNDARY_POLICY),
        SetAsDefault: true,
      }),
    );
    expect(await checkAccessBoundary(env, bootstrapRoleArn)).toEqual([]);
  });
});
