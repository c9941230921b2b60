/**
 * The access grants of a preflight report recorded before the access role's writes were bound by name
 * (decisions 0045, 0046). Such a report has no `dynamoDbTableArns` or no `rdsResourceArns`: the access
 * stack would grant no table or database write, and the plan would stop at its first one, in the
 * failback perhaps after other kinds changed primary. The table names are derived from the resources
 * (exact, nothing read: what preflight computes); the RDS names need what preflight read in primary
 * (an Aurora cluster's old instances), so such a plan, or one whose report has the first version's
 * wider names (no `rdsRetiredArns`), is stopped before its access stack, with the
 * reason, while nothing has changed. Pure: the plan workflow asks it.
 */
import type { AccessGrants, ResolvedResource } from './resources.js';
import { accountWideTableArns, tableArns, tableNames } from './table-names.js';

export interface GrantsOfReport {
  grants?: AccessGrants;
  /** Why the plan cannot go on with this report (it must be preflighted again), when it cannot. */
  problem?: string;
}

export function grantsOfReport(
  access: AccessGrants | undefined,
  resources: Array<Pick<ResolvedResource, 'kind' | 'target'>>,
  plan: { planId: string; accountId: string; region: string; databaseAccess?: 'named' | 'account' },
): GrantsOfReport {
  if (!access) return {};
  const tables = resources.filter((r) => r.kind === 'dynamodb-table');
  const databases = resources.filter((r) => r.kind === 'rds-instance' || r.kind === 'aurora-cluster');
  const grants: AccessGrants = { ...access };
  if (tables.length > 0 && !grants.dynamoDbTableArns)
    grants.dynamoDbTableArns =
      plan.databaseAccess === 'account'
        ? accountWideTableArns(plan.accountId, plan.region)
        : tables.flatMap((t) => tableArns(tableNames(t.target, plan.planId), plan.accountId, plan.region));
  // A report without rdsRetiredArns (set, if empty, by every preflight since decision 0045's revision)
  // has the first version's names: patterns that matched other applications' databases.
  if (databases.length > 0 && (!grants.rdsResourceArns || !grants.rdsRetiredArns))
    return {
      grants,
      problem:
        `the preflight report was recorded before the access role's database names were (decision 0045): ` +
        `its role could write none of ${databases.map((d) => d.target).join(', ')}. Nothing in primary ` +
        `has changed: abort this plan and start it again (preflight then names them)`,
    };
  return { grants };
}
