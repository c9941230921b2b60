import { describe, expect, it } from 'vitest';
import { templateActions } from '../../../../test/support/template.js';
import { missingFromBoundary } from '../../preflight/boundary.js';
import { ACCESS_BOUNDARY_POLICY, BOOTSTRAP_ROLE_POLICY, accessBoundaryArn } from './index.js';

describe('the access roles’ permissions boundary', () => {
  it('allows exactly the actions the access stack’s template grants, on any resource, within one policy, passing and granting only as the template does', () => {
    const statements = ACCESS_BOUNDARY_POLICY.Statement;
    for (const s of statements) expect(s).toMatchObject({ Effect: 'Allow', Resource: '*' });
    const actions = statements.flatMap((s) => [s.Action as string | string[]].flat());
    expect(actions.sort()).toEqual(templateActions());
    // Passing a role and granting a key keep the template's own limits: a role made with the bootstrap
    // role's credentials cannot pass a role to any service, nor grant a key to any principal.
    expect(statements.find((s) => s.Action?.toString() === 'iam:PassRole')?.Condition).toEqual({
      StringEquals: { 'iam:PassedToService': ['ec2.amazonaws.com', 'monitoring.rds.amazonaws.com'] },
    });
    expect(statements.find((s) => s.Action?.toString() === 'kms:CreateGrant')?.Condition).toEqual({
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
    });
    // IAM's 6,144 characters of a managed policy, whitespace not counted.
    expect(JSON.stringify(ACCESS_BOUNDARY_POLICY).length).toBeLessThan(6_144);
  });

  it('is what the bootstrap role requires on every role it creates or attaches to', () => {
    const bounded = BOOTSTRAP_ROLE_POLICY.Statement.filter((s) =>
      [s.Action as string[]].flat().some((a) => a === 'iam:CreateRole' || a === 'iam:AttachRolePolicy'),
    );
    expect(bounded.map((s) => s.Sid)).toEqual([
      'BoundedAccessRolesThroughCloudFormation',
      'AccessPoliciesAttachedToBoundedRoles',
    ]);
    for (const s of bounded)
      expect(
        (s.Condition as { StringLike: Record<string, string[]> }).StringLike['iam:PermissionsBoundary'],
      ).toEqual([accessBoundaryArn('*')]);
    expect(accessBoundaryArn('111111111111', 'arn:aws-us-gov:iam::111111111111:role/dr')).toBe(
      'arn:aws-us-gov:iam::111111111111:policy/failback-orchestrator-boundary',
    );
  });

  it('preflight names what a boundary made by hand leaves out (wildcards allow, a Deny takes away)', () => {
    const needed = ['ec2:DescribeImages', 'ec2:CopyImage', 'rds:CopyDBSnapshot', 'kms:CreateGrant'];
    expect(missingFromBoundary(ACCESS_BOUNDARY_POLICY, needed)).toEqual([]);
    const narrow = {
      Statement: [
        { Effect: 'Allow', Action: ['ec2:Describe*', 'EC2:copyimage', 'rds:*'], Resource: '*' },
        { Effect: 'Deny', Action: 'rds:Copy*', Resource: '*' },
      ],
    };
    expect(missingFromBoundary(narrow, needed)).toEqual(['rds:CopyDBSnapshot', 'kms:CreateGrant']);
    expect(missingFromBoundary({}, needed)).toEqual(needed);
  });
});
