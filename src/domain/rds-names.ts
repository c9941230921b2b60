/**
 * The RDS names a plan writes in primary (docs/decisions/0045-rds-names-bound.md): the access role may
 * tag, rename and modify only these. RDS has no condition key that tells a tag-on-create from tagging an
 * existing resource, and the role deletes what carries the plan's tag; a role that could tag any
 * database could tag another application's and then delete it. So the databases it may tag or modify
 * are named: the targets, their test copies, their retired names, the Aurora instances around them, and
 * the plan's snapshots. IAM's `?` stands for one character, `*` for any run.
 * Pure: preflight computes the names, the access stack writes them into the role's policy.
 */
import { NAME_LIMITS, safeName, testTargetName } from './naming.js';

export type RdsKind = 'rds-instance' | 'aurora-cluster';

export interface RdsNames {
  /** DB instance identifiers and patterns. */
  db: string[];
  /** Aurora DB cluster identifiers and patterns. */
  cluster: string[];
  /** DB snapshot and cluster snapshot identifier patterns. */
  snapshot: string[];
}

const DB_ID = NAME_LIMITS['rds-instance'];
/** `fit` keeps this many characters of a name that is too long, then `-` and 8 hex digits. */
const FIT_HEAD = DB_ID - 9;

/**
 * Every name `fit(base + v, 63)` gives for a variable part `v` of `length` characters, as one IAM
 * pattern: the whole name with `?` for `v` when it fits, else the head `fit` keeps and `?` for its hash.
 */
export function fittedPattern(base: string, length: number): string {
  if (base.length + length <= DB_ID) return base + '?'.repeat(length);
  // The head fit keeps lies within `base` for the callers here (bases of 54 or more characters).
  if (base.length < FIT_HEAD) return `${base}*`;
  return `${base.slice(0, FIT_HEAD).replace(/-+$/, '')}-????????`;
}

/** `retiredName(name, any date)`: `<name>-pre-failback-<yyyymmdd>`, fitted. */
export function retiredPattern(name: string): string {
  return fittedPattern(`${name}-pre-failback-`, 8);
}

/** The names `memberNames` gives a restored cluster's new instances: `<cluster>-<n>`, n < 100. */
export function memberPatterns(cluster: string): string[] {
  return [...new Set([fittedPattern(`${cluster}-`, 1), fittedPattern(`${cluster}-`, 2)])];
}

/** The plan's snapshot names (`artifactName`): `fb-<planId>-…`. */
export function planSnapshotPattern(planId: string): string {
  return `${safeName(`fb-${planId}`)}-*`;
}

/**
 * What a plan writes for one database: `target` the primary identifier, `oldMembers` the instances of
 * the Aurora cluster now under the target name in primary (renamed with it at the failback).
 */
export function rdsNames(input: {
  kind: RdsKind;
  target: string;
  planId: string;
  oldMembers?: string[];
}): RdsNames {
  const target = input.target.toLowerCase();
  const test = testTargetName(target, input.planId, input.kind);
  const own = [target, test, retiredPattern(target)];
  const snapshot = [planSnapshotPattern(input.planId)];
  if (input.kind === 'rds-instance') return { db: own, cluster: [], snapshot };
  const members = (input.oldMembers ?? []).map((m) => m.toLowerCase());
  const db = [
    ...members.flatMap((m) => [m, retiredPattern(m)]),
    ...memberPatterns(target),
    ...memberPatterns(test),
  ];
  return { db: [...new Set(db)], cluster: own, snapshot };
}

/** The AWS partition of a region (aws-cn, aws-us-gov, aws). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** `options.databaseAccess: 'account'`: every database and cluster of primary, the plan's snapshots. */
export function accountWideRdsArns(planId: string, accountId: string, region: string): string[] {
  const names: RdsNames = { db: ['*'], cluster: ['*'], snapshot: [planSnapshotPattern(planId)] };
  return rdsNameArns(names, accountId, region);
}

/** The ARNs (and ARN patterns) of `names` in one account and region. */
export function rdsNameArns(names: RdsNames, accountId: string, region: string): string[] {
  const prefix = `arn:${partitionOf(region)}:rds:${region}:${accountId}`;
  return [
    ...names.cluster.map((n) => `${prefix}:cluster:${n}`),
    ...names.db.map((n) => `${prefix}:db:${n}`),
    ...names.snapshot.flatMap((n) => [`${prefix}:snapshot:${n}`, `${prefix}:cluster-snapshot:${n}`]),
  ];
}
