import {
  diffInventories,
  formatDifference,
  type Difference,
  type ExactInventory,
  type ResourceRecord,
} from '../../scripts/scenario/exact/index.js';
import type { ResourceKind } from '../../src/domain/contract.js';

/**
 * The state an aborted plan must leave (docs/decisions/0040-abort-matrix.md): recovery exactly as it
 * was; primary exactly as it was but for what the plan documents it keeps —
 * - once the failback has retired a table: its `keep-retired` backup (the table itself is the one
 *   restored from it: a new table id and creation time, everything else equal);
 * - once traffic may have reached primary (from the Route 53 change on): exactly one kept copy of each
 *   resource that served it (an AMI with its snapshots, a DB or cluster snapshot, a `keep-comp` table
 *   backup), tagged `failback:keep=true` and the plan's id, or named `fb-<plan>-fb-keep-comp-…`.
 */
export interface Expectation {
  planId: string;
  kinds: ResourceKind[];
  /** The failback phase had started (a table may have been retired). */
  failbackStarted: boolean;
  /** The Route 53 change was made (the abort came at or after the DNS cutover). */
  trafficServed: boolean;
}

export interface Judgement {
  ok: boolean;
  /** Each difference that is not in the documented state, one line each. */
  unexpected: string[];
  /** What the plan keeps, as documented. */
  kept: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const tagsOf = (r: unknown): Record<string, unknown> =>
  isObject(r) && isObject(r.tags) ? (r.tags as Record<string, unknown>) : {};
const keptByPlan = (r: unknown, planId: string) =>
  tagsOf(r)['failback:plan-id'] === planId && tagsOf(r)['failback:keep'] === 'true';
const kindOf = (key: string) => key.slice(0, key.indexOf('/'));

/** Judges primary and recovery after the abort against their inventories before the plan. */
export function judge(
  expectation: Expectation,
  primary: { before: ExactInventory; after: ExactInventory },
  recovery: { before: ExactInventory; after: ExactInventory },
): Judgement {
  const unexpected: string[] = [];
  const kept: string[] = [];
  for (const d of diffInventories(recovery.before, recovery.after))
    unexpected.push(formatDifference(d, 'recovery'));

  const { planId } = expectation;
  const diffs = diffInventories(primary.before, primary.after);
  const added = (d: Difference): ResourceRecord | undefined =>
    d.change === 'added' ? primary.after.resources[d.key] : undefined;
  const backupName = (d: Difference) => String(added(d)?.name ?? '');
  const retiredBackups = diffs.filter(
    (d) =>
      expectation.failbackStarted &&
      kindOf(d.key) === 'dynamodb-backup' &&
      backupName(d).startsWith(`fb-${planId}-fb-keep-retired-`),
  );
  const restoredTables = new Set(retiredBackups.map((d) => String(added(d)?.table ?? '')));
  // The kept copies of what served traffic, and the snapshots their AMIs are made of.
  const keptCopies = diffs.filter(
    (d) =>
      expectation.trafficServed &&
      (['ec2-image', 'rds-snapshot', 'rds-cluster-snapshot'].includes(kindOf(d.key))
        ? keptByPlan(added(d), planId)
        : kindOf(d.key) === 'dynamodb-backup' && backupName(d).startsWith(`fb-${planId}-fb-keep-comp-`)),
  );
  const keptImageSnapshots = new Set(
    keptCopies
      .filter((d) => kindOf(d.key) === 'ec2-image')
      .flatMap((d) =>
        ((added(d)?.blockDevices ?? []) as Array<{ snapshotId?: string }>).map((b) => b.snapshotId),
      ),
  );
  for (const d of diffs) {
    const line = formatDifference(d, 'primary');
    if (retiredBackups.includes(d) || keptCopies.includes(d)) kept.push(line);
    else if (
      d.change === 'added' &&
      kindOf(d.key) === 'ec2-snapshot' &&
      expectation.trafficServed &&
      (keptImageSnapshots.has(d.key.slice('ec2-snapshot/'.length)) || keptByPlan(added(d), planId))
    )
      kept.push(line);
    else if (
      d.change === 'changed' &&
      kindOf(d.key) === 'dynamodb-table' &&
      ['tableId', 'created'].includes(d.field ?? '') &&
      restoredTables.has(d.key.slice('dynamodb-table/'.length))
    )
      continue; // the same table, restored from its kept backup under its own name
    else unexpected.push(line);
  }
  if (expectation.trafficServed) {
    const want: Partial<Record<ResourceKind, [string, string]>> = {
      'ec2-instance': ['ec2-image', 'an AMI'],
      'rds-instance': ['rds-snapshot', 'a DB snapshot'],
      'aurora-cluster': ['rds-cluster-snapshot', 'a cluster snapshot'],
      'dynamodb-table': ['dynamodb-backup', 'a keep-comp backup'],
    };
    for (const kind of new Set(expectation.kinds)) {
      const [key, what] = want[kind]!;
      const count = expectation.kinds.filter((k) => k === kind).length;
      const found = keptCopies.filter((d) => kindOf(d.key) === key).length;
      if (found !== count)
        unexpected.push(
          `primary: ${found} kept copies of the ${kind} that served traffic (${what} each), documented: ${count}`,
        );
    }
  }
  return { ok: unexpected.length === 0, unexpected, kept };
}
