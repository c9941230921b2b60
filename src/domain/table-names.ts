/**
 * The DynamoDB tables a plan writes in primary (docs/decisions/0046-dynamodb-tables-bound.md): the
 * access role may create, write, change and delete only these. DynamoDB's item and table actions take
 * no condition that tells the plan's own tables from another application's, and a role that could call
 * DeleteTable or UpdateContinuousBackups on any table could delete any table of primary, or its
 * point-in-time recovery window. So the tables are named: each target (the old primary table is backed
 * up, kept, then replaced under that name) and its test copy. Table names are case-sensitive and
 * exact: no pattern. Pure: preflight computes the names, the access stack writes them into the policy.
 */
import { testTargetName } from './naming.js';
import { partitionOf } from './rds-names.js';

/** The tables the plan writes for one DynamoDB resource: its target and its test copy. */
export function tableNames(target: string, planId: string): string[] {
  return [...new Set([target, testTargetName(target, planId, 'dynamodb-table')])];
}

/** Each table's ARN and its indexes' (Query on an index is authorized on `table/<name>/index/<index>`). */
export function tableArns(names: string[], accountId: string, region: string): string[] {
  const prefix = `arn:${partitionOf(region)}:dynamodb:${region}:${accountId}:table`;
  return names.flatMap((name) => [`${prefix}/${name}`, `${prefix}/${name}/index/*`]);
}

/** `options.databaseAccess: 'account'`: every table of primary. */
export function accountWideTableArns(accountId: string, region: string): string[] {
  return tableArns(['*'], accountId, region);
}
