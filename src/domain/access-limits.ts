/**
 * What the access stack's role is sized for (docs/decisions/0042-access-policy-quotas.md). Its
 * permissions are managed policies, each at most 6,144 characters (IAM User Guide, "IAM and AWS STS
 * quotas"; whitespace not counted), and the keys, buckets and roles preflight finds are written into
 * them: a plan past one of these counts or lengths would fail its access stack with LimitExceeded. The
 * template's size test (activities/access-stack/template-size.test.ts) proves every policy fits with
 * every list at its maximum. Each list is also one CloudFormation parameter, at most 4,096 bytes
 * (CloudFormation User Guide, "CloudFormation quotas"). Pure: the API checks the spec's part (400),
 * preflight the found grants.
 */
import type { PlanSpec } from './plan-spec.js';
import type { AccessGrants, PreflightFinding } from './resources.js';
import type { FieldError } from './plan-rules.js';

export const ACCESS_LIMITS = {
  /** Customer managed keys services use in primary (the copies' key included). */
  primaryKmsKeys: 16,
  /** Customer managed keys of the recovery points copied from recovery. */
  recoveryKmsKeys: 24,
  /** A customer's own DynamoDB export buckets (options.exportBucket, distinct). */
  exportBuckets: 20,
  /** Roles of primary's instance profiles the EC2 copies launch with. */
  instanceRoles: 16,
  /** Primary's RDS enhanced monitoring roles. */
  monitoringRoles: 16,
  /** Characters of one KMS key ARN (a real one is at most about 90). */
  kmsKeyArnLength: 100,
  /**
   * Characters of one role ARN (a role's path and name; IAM allows longer paths): 16 of them and their
   * commas within a 4,096-byte parameter.
   */
  roleArnLength: 250,
  /**
   * Characters of the RDS names the plan writes (rdsResourceArns, and its retired names rdsRetiredArns,
   * each comma-separated): one CloudFormation parameter each, and one statement each of their policy.
   */
  rdsResourceArnChars: 4096,
  /**
   * Characters of both RDS name lists as their one policy holds them (JSON arrays: quotes and commas):
   * with the two statements around them within IAM's 6,144-character managed policy.
   */
  rdsNamesPolicyChars: 5350,
  /**
   * Characters of the DynamoDB table ARNs (dynamoDbTableArns) as the DynamoDB policy holds them (a JSON
   * array): with its other statements within 6,144, and within one 4,096-byte parameter.
   */
  dynamoDbTablePolicyChars: 3300,
} as const;

/** The characters the RDS name lists take in their policy (see ACCESS_LIMITS.rdsNamesPolicyChars). */
export function rdsNamesPolicyChars(
  grants: Pick<AccessGrants, 'rdsResourceArns' | 'rdsRetiredArns'>,
): number {
  const lists = [grants.rdsResourceArns ?? [], grants.rdsRetiredArns ?? []];
  return lists.reduce((sum, list) => sum + JSON.stringify([...new Set(list)]).length, 0);
}

export interface AccessLimitProblem {
  /** Which list of AccessGrants (or the spec's field). */
  field: string;
  message: string;
}

/** Stands for the plan's own export bucket (its name is derived in recovery: not a valid bucket name). */
const PLAN_BUCKET = '<the plan bucket>';

const SPLIT = 'split the plan into several plans, each with fewer resources';

/**
 * The grants past the access stack's limits: each with the fix. `primaryKmsKeyId` is the spec's
 * primary.kmsKeyId, which the stack grants beside the found keys when it is an ARN.
 */
export function accessGrantProblems(grants: AccessGrants, primaryKmsKeyId?: string): AccessLimitProblem[] {
  const problems: AccessLimitProblem[] = [];
  const primaryKeys = new Set(grants.primaryKmsKeyArns);
  if (primaryKmsKeyId?.startsWith('arn:')) primaryKeys.add(primaryKmsKeyId);
  const lists: Array<{ field: keyof AccessGrants; values: string[]; limit: keyof typeof ACCESS_LIMITS; what: string; length: number }> = [
    { field: 'primaryKmsKeyArns', values: [...primaryKeys], limit: 'primaryKmsKeys', what: 'primary KMS keys', length: ACCESS_LIMITS.kmsKeyArnLength },
    { field: 'recoveryKmsKeyArns', values: grants.recoveryKmsKeyArns, limit: 'recoveryKmsKeys', what: 'recovery KMS keys', length: ACCESS_LIMITS.kmsKeyArnLength },
    { field: 'exportBuckets', values: grants.exportBuckets, limit: 'exportBuckets', what: 'export buckets', length: 63 },
    { field: 'instanceRoleArns', values: grants.instanceRoleArns ?? [], limit: 'instanceRoles', what: 'instance profile roles', length: ACCESS_LIMITS.roleArnLength },
    { field: 'monitoringRoleArns', values: grants.monitoringRoleArns ?? [], limit: 'monitoringRoles', what: 'RDS monitoring roles', length: ACCESS_LIMITS.roleArnLength },
  ]; // prettier-ignore
  for (const { field, values, limit, what, length } of lists) {
    const distinct = [...new Set(values)];
    if (distinct.length > ACCESS_LIMITS[limit])
      problems.push({
        field,
        message:
          `the plan needs ${distinct.length} ${what}; the access stack's role is sized for at most ` +
          `${ACCESS_LIMITS[limit]} (ACCESS_LIMITS.${limit}: IAM's 6,144-character managed policy quota). ` +
          `Fix: ${SPLIT}${field.endsWith('KmsKeyArns') ? ', or use fewer keys' : ''}`,
      });
    for (const value of distinct.filter((v) => v.length > length))
      problems.push({
        field,
        message:
          `${value} is ${value.length} characters; the access stack's role is sized for ${what} of at ` +
          `most ${length}. Fix: use a shorter one (a role with a shorter path)`,
      });
  }
  const names = [
    { field: 'rdsResourceArns', what: 'RDS names (targets, test copies, Aurora instances, snapshots)' },
    { field: 'rdsRetiredArns', what: 'retired RDS names' },
  ] as const;
  for (const { field, what } of names) {
    const rds = [...new Set(grants[field] ?? [])].join(',');
    if (rds.length > ACCESS_LIMITS.rdsResourceArnChars)
      problems.push({
        field,
        message:
          `the plan's databases need ${rds.length} characters of ${what}; the access stack's role is ` +
          `sized for at most ${ACCESS_LIMITS.rdsResourceArnChars} (ACCESS_LIMITS.rdsResourceArnChars: ` +
          `CloudFormation's 4,096-byte parameter value). Fix: ${SPLIT}, or set options.databaseAccess ` +
          `to 'account' (the role may then write any database of primary)`,
      });
  }
  const policy = rdsNamesPolicyChars(grants);
  if (policy > ACCESS_LIMITS.rdsNamesPolicyChars)
    problems.push({
      field: 'rdsResourceArns',
      message:
        `the plan's databases need ${policy} characters of RDS names in the role's policy; it is sized ` +
        `for at most ${ACCESS_LIMITS.rdsNamesPolicyChars} (ACCESS_LIMITS.rdsNamesPolicyChars: IAM's ` +
        `6,144-character managed policy). Fix: ${SPLIT}, or set options.databaseAccess to 'account' ` +
        `(the role may then write any database of primary)`,
    });
  const tables = JSON.stringify([...new Set(grants.dynamoDbTableArns ?? [])]).length;
  if (tables > ACCESS_LIMITS.dynamoDbTablePolicyChars)
    problems.push({
      field: 'dynamoDbTableArns',
      message:
        `the plan's DynamoDB tables need ${tables} characters of table names in the role's policy; it ` +
        `is sized for at most ${ACCESS_LIMITS.dynamoDbTablePolicyChars} ` +
        `(ACCESS_LIMITS.dynamoDbTablePolicyChars: IAM's 6,144-character managed policy). Fix: ${SPLIT}, ` +
        `or set options.databaseAccess to 'account' (the role may then write any table of primary)`,
    });
  return problems;
}

/** The spec's own part of the limits (the API's 400): the primary key's ARN, the export buckets. */
export function checkAccessLimits(spec: PlanSpec): FieldError[] {
  const errors: FieldError[] = [];
  // Only the access stack's role is bounded: an operator's own access role is theirs (as preflight).
  if (!spec.primary.bootstrapRoleArn) return errors;
  const key = spec.primary.kmsKeyId;
  if (key?.startsWith('arn:') && key.length > ACCESS_LIMITS.kmsKeyArnLength)
    errors.push({
      path: '/primary/kmsKeyId',
      message: `a KMS key ARN of at most ${ACCESS_LIMITS.kmsKeyArnLength} characters (ACCESS_LIMITS.kmsKeyArnLength: the access stack's role grants it): this one has ${key.length}`,
    });
  const buckets = new Set<string>();
  (spec.resources ?? []).forEach((resource, i) => {
    if (resource.kind !== 'dynamodb-table') return;
    // A table pinned to export-import without a bucket of its own exports into the plan's bucket,
    // which the role grants like the others (preflight counts it too). A table whose method
    // preflight chooses may or may not: preflight's finding covers it.
    const pinned = resource.options?.copyMethod === 'export-import';
    const bucket = resource.options?.exportBucket ?? (pinned ? PLAN_BUCKET : undefined);
    if (!bucket || buckets.has(bucket)) return;
    buckets.add(bucket);
    if (buckets.size === ACCESS_LIMITS.exportBuckets + 1)
      errors.push({
        path: `/resources/${i}/options/${bucket === PLAN_BUCKET ? 'copyMethod' : 'exportBucket'}`,
        message: `at most ${ACCESS_LIMITS.exportBuckets} distinct export buckets in one plan (ACCESS_LIMITS.exportBuckets: the access stack's role grants each): ${SPLIT}, or share buckets`,
      });
  });
  return errors;
}

/**
 * Preflight's blocking findings for the grants it found: only when the plan creates the access stack
 * (with a bootstrap role; an operator's own access role is theirs).
 */
export function accessLimitFindings(spec: PlanSpec, grants: AccessGrants): PreflightFinding[] {
  if (!spec.primary.bootstrapRoleArn) return [];
  return accessGrantProblems(grants, spec.primary.kmsKeyId).map((problem) => ({
    severity: 'error',
    check: 'quota',
    message: `access stack: ${problem.message}`,
  }));
}
