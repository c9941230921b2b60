import { randomUUID } from 'node:crypto';
import { DescribeDBClustersCommand } from '@aws-sdk/client-rds';
import { ensureAccessStack } from '../../src/activities/access-stack/stack.js';
import {
  BOOTSTRAP_ROLE_POLICY,
  RECOVERY_ROLE_POLICY,
} from '../../src/activities/access-stack/policies/index.js';
import { derivedBucket } from '../../src/activities/kinds/dynamodb-table/names.js';
import type { PlanSpec } from '../../src/domain/plan-spec.js';
import type { AccessGrants, EnvironmentRef, PlanContext } from '../../src/domain/resources.js';
import { accountWideRdsArns, rdsGrantArns, rdsNames, type RdsKind } from '../../src/domain/rds-names.js';
import { accountWideTableArns, tableArns, tableNames } from '../../src/domain/table-names.js';
import { runActivity } from './activity.js';
import {
  asAccount,
  ensureAccessBoundary,
  ensureRole,
  orchestratorTrustPolicy,
  TEST_EXTERNAL_ID,
} from './aws.js';

/**
 * The roles a plan uses, made as a customer and the plan make them, so that the tests run under the
 * emulator's IAM evaluation with the product's own policies: the standing recovery role (its
 * documented policy), the bootstrap role in primary, and the plan's access role, created by the
 * product's access stack for exactly that plan (its policy is scoped by the plan id).
 */
export const BOOTSTRAP_ROLE = 'dr-standing';
export const RECOVERY_ROLE = 'dr-recovery';

export function recoveryRoleArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:role/${RECOVERY_ROLE}`;
}

export function accessRoleArn(accountId: string, planId: string): string {
  return `arn:aws:iam::${accountId}:role/failback-access-${planId}`;
}

export async function ensureRecoveryRole(accountId: string): Promise<string> {
  return ensureRole(accountId, RECOVERY_ROLE, orchestratorTrustPolicy(), RECOVERY_ROLE_POLICY);
}

export async function ensureBootstrapRole(accountId: string, externalId = TEST_EXTERNAL_ID): Promise<string> {
  await ensureAccessBoundary(accountId);
  return ensureRole(accountId, BOOTSTRAP_ROLE, orchestratorTrustPolicy(externalId), BOOTSTRAP_ROLE_POLICY);
}

const none: AccessGrants = { primaryKmsKeyArns: [], recoveryKmsKeyArns: [], exportBuckets: [] };

/** The plan's access role in primary, through the product's access stack; returns primary as the plan reaches it. */
export async function accessRole(
  planId: string,
  primary: Pick<EnvironmentRef, 'accountId' | 'region' | 'kmsKeyId'>,
  grants: Partial<AccessGrants> = {},
  hostedZoneId?: string,
): Promise<EnvironmentRef> {
  const bootstrapRoleArn = await ensureBootstrapRole(primary.accountId);
  const roleArn = accessRoleArn(primary.accountId, planId);
  await runActivity(ensureAccessStack, [
    {
      planId,
      primary: { ...primary, roleArn, externalId: TEST_EXTERNAL_ID, bootstrapRoleArn },
      grants: { ...none, ...grants },
      ...(hostedZoneId ? { hostedZoneId } : {}),
    },
  ]);
  return {
    accountId: primary.accountId,
    region: primary.region,
    roleArn,
    externalId: TEST_EXTERNAL_ID,
    ...(primary.kmsKeyId ? { kmsKeyId: primary.kmsKeyId } : {}),
  };
}

/**
 * `plan` with its recovery role made and its own access role in primary, granted (unless `grants`
 * says otherwise) the plan's own export bucket in recovery, as preflight grants it for a table copied
 * by export and import. It runs as a plan run does (a run id and its start, decision 0035) unless the
 * plan says otherwise (`legacy`: a plan started before runs were recorded).
 */
export async function withAccessRole(
  plan: PlanContext,
  grants: Partial<AccessGrants> = {},
  options: { legacy?: boolean } = {},
): Promise<PlanContext> {
  await ensureRecoveryRole(plan.recovery.accountId);
  const { accountId, region } = plan.recovery;
  const exportBuckets = grants.exportBuckets ?? [derivedBucket(plan.planId, 'exp', accountId, region)];
  const rdsResourceArns = grants.rdsResourceArns ?? anyDatabase(plan.primary, plan.planId);
  const dynamoDbTableArns =
    grants.dynamoDbTableArns ?? accountWideTableArns(plan.primary.accountId, plan.primary.region);
  return {
    ...(options.legacy || plan.planRun ? plan : newRun(plan)),
    primary: await accessRole(plan.planId, plan.primary, {
      ...grants,
      exportBuckets,
      rdsResourceArns,
      dynamoDbTableArns,
    }),
  };
}

/**
 * The RDS names a kind's test grants unless it names them (decision 0045): every database of primary,
 * and the plan's own snapshots. Such tests make their plan before their targets; the kinds' own tests,
 * the plan tests and the abort matrix grant exactly the names preflight finds (`databaseGrants`).
 */
function anyDatabase(primary: Pick<EnvironmentRef, 'accountId' | 'region'>, planId: string): string[] {
  return accountWideRdsArns(planId, primary.accountId, primary.region).rdsResourceArns;
}

type DatabaseGrants = Pick<AccessGrants, 'rdsResourceArns' | 'rdsRetiredArns' | 'dynamoDbTableArns'>;

/**
 * The RDS names preflight grants a plan of these databases: the old Aurora clusters' instances read from
 * primary as preflight reads them, `instances` the source cluster's (the same domain function makes the
 * names). Without `run` the snapshot names of any run of the plan (as a dry-run preflight grants them).
 */
export async function databaseGrants(
  primary: Pick<EnvironmentRef, 'accountId' | 'region'>,
  planId: string,
  resources: Array<{ kind: RdsKind; target: string; instances?: number }>,
  run?: string,
): Promise<DatabaseGrants> {
  const rds = asAccount(primary.accountId, primary.region).rds;
  const granted = { rdsResourceArns: [] as string[], rdsRetiredArns: [] as string[] };
  for (const { kind, target, instances = 0 } of resources) {
    let oldMembers: string[] = [];
    if (kind === 'aurora-cluster') oldMembers = await clusterMembers(rds, target);
    const names = rdsNames({ kind, target, planId, oldMembers, instances, ...(run ? { run } : {}) });
    const arns = rdsGrantArns(names, primary.accountId, primary.region);
    granted.rdsResourceArns.push(...arns.rdsResourceArns);
    granted.rdsRetiredArns.push(...arns.rdsRetiredArns);
  }
  return {
    rdsResourceArns: [...new Set(granted.rdsResourceArns)],
    rdsRetiredArns: [...new Set(granted.rdsRetiredArns)],
  };
}

async function clusterMembers(rds: ReturnType<typeof asAccount>['rds'], id: string): Promise<string[]> {
  const out = await rds
    .send(new DescribeDBClustersCommand({ DBClusterIdentifier: id.toLowerCase() }))
    .catch(() => undefined);
  return (out?.DBClusters?.[0]?.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier ?? '');
}

/**
 * `databaseGrants` of a spec's databases named in `resources` (their targets, as preflight resolves
 * them; an Aurora source's instances read in recovery), and its DynamoDB tables (decision 0046).
 */
export async function specDatabaseGrants(spec: PlanSpec): Promise<DatabaseGrants> {
  const recovery = asAccount(spec.recovery.accountId, spec.recovery.region).rds;
  const databases = [];
  const tables: string[] = [];
  for (const r of spec.resources ?? []) {
    const target = r.target ?? r.source;
    if (r.kind === 'dynamodb-table') tables.push(...tableNames(target, spec.planId));
    if (r.kind !== 'rds-instance' && r.kind !== 'aurora-cluster') continue;
    const instances = r.kind === 'aurora-cluster' ? (await clusterMembers(recovery, r.source)).length : 0;
    databases.push({ kind: r.kind, target, instances });
  }
  const { accountId, region } = spec.primary;
  return {
    ...(await databaseGrants(spec.primary, spec.planId, databases)),
    dynamoDbTableArns: tableArns(tables, accountId, region),
  };
}

/** The plan as a new run of it: a run id (as the workflow's first run id is) and its start time. */
export function newRun(plan: PlanContext): PlanContext {
  return { ...plan, planRun: randomUUID(), startedAt: new Date().toISOString() };
}
