import { GetPolicyCommand, GetPolicyVersionCommand } from '@aws-sdk/client-iam';
import type { PreflightFinding } from '../../domain/resources.js';
import type { AwsEnvironment } from '../aws/clients.js';
import { awsErrorCode, throwIfTransient } from '../aws/errors.js';
import {
  ACCESS_BOUNDARY_NAME,
  ACCESS_BOUNDARY_POLICY,
  accessBoundaryArn,
} from '../access-stack/policies/index.js';

const HOW =
  `create it once in primary from src/activities/access-stack/policies/access-boundary.json ` +
  `(aws iam create-policy --policy-name ${ACCESS_BOUNDARY_NAME} --policy-document file://access-boundary.json)`;

/** Every action the access role may need: what the boundary must allow. */
function neededActions(): string[] {
  return ACCESS_BOUNDARY_POLICY.Statement.flatMap((s) => [s.Action as string | string[]].flat());
}

/** `ec2:Describe*` allows `ec2:DescribeImages`; IAM matches actions case-insensitively. */
function allows(pattern: string, action: string): boolean {
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return regex.test(action);
}

/**
 * The actions of `needed` no Allow statement of `document` allows (a Deny of one counts as missing).
 * By action only: a statement's Resource and Condition are not read (a customer may narrow, say,
 * iam:PassRole to their instance roles), nor NotAction (reported as missing: name the actions).
 */
export function missingFromBoundary(document: { Statement?: unknown }, needed = neededActions()): string[] {
  const statements = [document.Statement ?? []].flat() as Array<{ Effect?: string; Action?: unknown }>;
  const patterns = (effect: string) =>
    statements.filter((s) => s.Effect === effect).flatMap((s) => [s.Action ?? []].flat() as string[]);
  const allowed = patterns('Allow');
  const denied = patterns('Deny');
  return needed.filter(
    (action) => !allowed.some((p) => allows(p, action)) || denied.some((p) => allows(p, action)),
  );
}

/**
 * The access roles' permissions boundary (decision 0044): only for a plan that creates its access
 * stack. The bootstrap role may create a role only with it, so without it the access stack fails;
 * and a boundary that does not allow an action the access role needs would refuse that step in the
 * window. Both are blocking findings with the fix.
 */
export async function checkAccessBoundary(
  env: AwsEnvironment,
  bootstrapRoleArn: string | undefined,
): Promise<PreflightFinding[]> {
  if (!bootstrapRoleArn) return [];
  const arn = accessBoundaryArn(env.access.accountId, bootstrapRoleArn);
  const finding = (message: string): PreflightFinding[] => [
    { severity: 'error', check: 'access', message: `primary: permissions boundary ${arn} ${message}` },
  ];
  try {
    const { Policy: policy } = await env.iam.send(new GetPolicyCommand({ PolicyArn: arn }));
    const { PolicyVersion: version } = await env.iam.send(
      new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy?.DefaultVersionId ?? 'v1' }),
    );
    // IAM returns the document URL-encoded.
    const document = JSON.parse(decodeURIComponent(version?.Document ?? '{}')) as { Statement?: unknown };
    const missing = missingFromBoundary(document);
    if (missing.length === 0) return [];
    return finding(
      `does not allow ${missing.join(', ')}, which the plan's access role needs: make ` +
        `src/activities/access-stack/policies/access-boundary.json its default version ` +
        `(aws iam create-policy-version --set-as-default)`,
    );
  } catch (error) {
    throwIfTransient(error, 'preflight of the access boundary');
    const code = awsErrorCode(error) ?? '';
    if (/^NoSuchEntity/.test(code)) return finding(`does not exist: ${HOW}`);
    // A bootstrap role still on the policy of before the boundary may not read it.
    if (/AccessDenied/.test(code))
      return finding(
        `cannot be read by ${bootstrapRoleArn}: give the bootstrap role the current ` +
          `src/activities/access-stack/policies/bootstrap-role.json (it reads the boundary, and ` +
          `creates roles only with it); and if the boundary is missing, ${HOW}`,
      );
    return finding(`cannot be read (${code} ${(error as Error).message}): ${HOW}`);
  }
}
