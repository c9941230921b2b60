/**
 * The identity policies of the two roles a customer creates for the orchestrator (README, "The roles a
 * plan uses"): the standing recovery role, and the bootstrap role in primary that creates and deletes
 * each plan's access stack (whose role's policy is the template's). Least privilege, measured by the
 * tests against the emulator's authorization (test/least-privilege.int.test.ts).
 */
import boundary from './access-boundary.json' with { type: 'json' };
import bootstrap from './bootstrap-role.json' with { type: 'json' };
import recovery from './recovery-role.json' with { type: 'json' };

export interface PolicyDocument {
  Version: string;
  Statement: Array<Record<string, unknown>>;
}

export const RECOVERY_ROLE_POLICY: PolicyDocument = recovery;
export const BOOTSTRAP_ROLE_POLICY: PolicyDocument = bootstrap;

/**
 * The permissions boundary of every access role (decision 0044): a managed policy the customer creates
 * once in primary, beside the bootstrap role, under this name at the root path. The bootstrap role may
 * create a role, or attach a policy to one, only with this boundary on it, so whatever a stack made
 * with it says, the role can do no more than this: every action the access stack's template grants
 * (access-boundary.json; template.test.ts keeps the two equal), on any resource — the template's own
 * policies narrow it to the plan's resources. Without it, the bootstrap role's CreateRole and
 * AttachRolePolicy could make a role of any power.
 */
export const ACCESS_BOUNDARY_NAME = 'failback-orchestrator-boundary';
export const ACCESS_BOUNDARY_POLICY: PolicyDocument = boundary;

/** The boundary's ARN in an account, in the partition of `anyArnThere` (the bootstrap role's ARN). */
export function accessBoundaryArn(accountId: string, anyArnThere = 'arn:aws:'): string {
  const partition = anyArnThere.split(':')[1] || 'aws';
  return `arn:${partition}:iam::${accountId}:policy/${ACCESS_BOUNDARY_NAME}`;
}

/**
 * What the recovery role needs on a customer's own export bucket (`options.exportBucket`): the plan
 * writes, reads and removes only under `failback/`, and edits the bucket policy to let primary's
 * access role read its exports (its own statements, removed at cleanup). The customer attaches this
 * beside RECOVERY_ROLE_POLICY, whose bucket grants cover only the buckets plans make (`fb-*`).
 */
export function customerBucketPolicy(bucket: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CustomerExportBucket',
        Effect: 'Allow',
        Action: ['s3:DeleteBucketPolicy', 's3:GetBucketPolicy', 's3:ListBucket', 's3:PutBucketPolicy'],
        Resource: `arn:aws:s3:::${bucket}`,
      },
      {
        Sid: 'CustomerExportObjects',
        Effect: 'Allow',
        Action: [
          's3:AbortMultipartUpload',
          's3:DeleteObject',
          's3:GetObject',
          's3:PutObject',
          's3:PutObjectAcl',
        ],
        Resource: `arn:aws:s3:::${bucket}/failback/*`,
      },
    ],
  };
}
