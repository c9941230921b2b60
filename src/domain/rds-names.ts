/**
 * The RDS names a plan writes in primary (docs/decisions/0045-rds-names-bound.md): the access role may
 * tag, rename and modify only these. RDS has no condition key that tells a tag-on-create from tagging an
 * existing resource, and the role deletes what carries the plan's tag; a role that could tag any
 * database could tag another application's and then delete it. So the databases it may tag or modify
 * are named: the targets, their test copies, their retired names, the Aurora instances around them, and
 * the plan's snapshots. IAM's `?` stands for one character, `*` for any run.
 * Pure: preflight computes the names, the access stack writes them into the role's policy.
 */
import { memberNames, NAME_LIMITS, safeName, testTargetName } from './naming.js';

export type RdsKind = 'rds-instance' | 'aurora-cluster';

export interface RdsNames {
  /** DB instance identifiers and patterns. */
  db: string[];
  /** Aurora DB cluster identifiers and patterns. */
  cluster: string[];
  /** DB snapshot and cluster snapshot identifier patterns. */
  snapshot: string[];
  /**
   * The retired names (`<name>-pre-failback-<date>`, instances and clusters): a pattern that also
   * matches what an earlier failback retired, so the role may write these only where this plan's
   * retirement tag is (the template's RdsRetiredNames statement).
   */
  retiredDb: string[];
  retiredCluster: string[];
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

/**
 * The names `memberNames(cluster, n, previous)` gives a restored cluster's instances for every n up to
 * `count` (its answer for n is the first n of its answer for `count`): exact names. A pattern such as
 * `<cluster>-??` would also match `orders-v2`, another application's database, and a numbered name
 * the layout never reaches would be another database's to lose.
 */
export function memberNameGrants(cluster: string, count: number, previous: string[] = []): string[] {
  return memberNames(cluster, count, previous);
}

/**
 * The plan's snapshot names in primary (`artifactName`): `fb-<planId>-<tf|fb>-<copy|kept>-<run>-<target>`,
 * fitted. With the run's code the pattern matches no other plan's (`fb-shop-*` would match plan
 * `shop-2026-11`'s) nor an earlier run's of the same plan id; `run` is empty for a plan started before
 * runs were recorded (names without a run) and for a dry-run preflight.
 */
export function planSnapshotPattern(planId: string, run = ''): string {
  const plan = safeName(`fb-${planId}`);
  return run ? `${plan}-??-*-${run}-*` : `${plan}-??-*`;
}

/**
 * What a plan writes for one database: `target` the primary identifier, `run` the plan run's code
 * (kinds/shared/names runCode). For Aurora, `oldMembers` are the instances of the cluster now under
 * the target name in primary (renamed with it at the failback) and `instances` how many the restored
 * cluster gets at most (the source's or the old primary's layout, as preflight reads them).
 */
export function rdsNames(input: {
  kind: RdsKind;
  target: string;
  planId: string;
  run?: string;
  oldMembers?: string[];
  instances?: number;
}): RdsNames {
  // The kinds derive names from the target as given and send them lower-cased (dbId): fit()'s hash
  // is of the original case.
  const target = input.target.toLowerCase();
  const test = testTargetName(input.target, input.planId, input.kind).toLowerCase();
  const own = [target, test];
  const snapshot = [planSnapshotPattern(input.planId, input.run)];
  const retired = [retiredPattern(target)];
  if (input.kind === 'rds-instance')
    return { db: own, cluster: [], snapshot, retiredDb: retired, retiredCluster: [] };
  const members = [...new Set((input.oldMembers ?? []).map((m) => m.toLowerCase()))];
  const count = Math.max(input.instances ?? 0, members.length);
  const db = [...members, ...memberNameGrants(target, count, members), ...memberNameGrants(test, count)];
  return {
    db: [...new Set(db)],
    cluster: own,
    snapshot,
    retiredDb: [...new Set(members.map(retiredPattern))],
    retiredCluster: retired,
  };
}

/** The AWS partition of a region (Service Authorization Reference: aws, aws-cn, aws-us-gov, aws-iso…). */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  const iso = /^[a-z]{2}-iso([a-z]?)-/.exec(region);
  if (iso) return iso[1] ? `aws-iso-${iso[1]}` : 'aws-iso';
  return 'aws';
}

/** `options.databaseAccess: 'account'`: every database and cluster of primary, the plan's snapshots. */
export function accountWideRdsArns(
  planId: string,
  accountId: string,
  region: string,
  run = '',
): { rdsResourceArns: string[]; rdsRetiredArns: string[] } {
  const names: RdsNames = {
    db: ['*'],
    cluster: ['*'],
    snapshot: [planSnapshotPattern(planId, run)],
    retiredDb: [],
    retiredCluster: [],
  };
  return rdsGrantArns(names, accountId, region);
}

/**
 * The ARNs (and ARN patterns) of `names` in one account and region: what the role may write
 * (`rdsResourceArns`), and the retired names it may write only where this plan retired them.
 */
export function rdsGrantArns(
  names: RdsNames,
  accountId: string,
  region: string,
): { rdsResourceArns: string[]; rdsRetiredArns: string[] } {
  const prefix = `arn:${partitionOf(region)}:rds:${region}:${accountId}`;
  const arns = (type: string, list: string[]) => list.map((n) => `${prefix}:${type}:${n}`);
  return {
    rdsResourceArns: [
      ...arns('cluster', names.cluster),
      ...arns('db', names.db),
      ...arns('snapshot', names.snapshot),
      ...arns('cluster-snapshot', names.snapshot),
    ],
    rdsRetiredArns: [...arns('cluster', names.retiredCluster), ...arns('db', names.retiredDb)],
  };
}
