import type { DurationKind, QuotaName, TimingModel } from '../../emulator/client.js';
import type { Operation } from '../../src/activities/aws/durations.js';
import type { Mix } from './mix.js';

/**
 * The shortest time any orchestrator could take for a failback in the emulator: computed from the
 * emulator's own timing model (GET /_emulator/profile) and the transitions the activities wait for.
 * Two bounds, the larger wins: the longest single-resource chain, and for each copy quota class
 * the copies queued through the quota's slots, plus the shortest chain before and after a copy.
 * A step the model gives a rate (ratesMsPerGiB: copies, restores) also takes the GiB it moves times
 * that rate, as the emulator times it (decision 0041): each resource's data size, the largest volume
 * for an AMI (its snapshots copy side by side). Full copies: the benchmark makes no earlier copy a
 * later one could be incremental to.
 */

/** Where a step sits relative to the copy that a quota limits. */
type Stage = 'before-copy' | 'copy' | 'after-copy';

export interface ChainStep {
  /** The emulator's transition (its duration comes from the timing model). */
  transition: DurationKind;
  /** The product's expected duration for it (durations.ts): what its poller plans around. */
  operation: Operation;
  stage: Stage;
  what: string;
}

export type ChainKind = keyof Mix;

export interface Topology {
  crossAccount: boolean;
  crossRegion: boolean;
  /** Instances of each stale primary Aurora cluster: each is renamed, one after another, on retirement. */
  auroraPrimaryMembers: number;
  /** Readers of each recovery Aurora cluster (the restored cluster gets a writer and as many readers). */
  auroraReaders: number;
  /** How DynamoDB data travels (method.ts): scan-copy across accounts without PITR. */
  dynamodbMethod: 'restore' | 'export-import' | 'scan-copy';
}

const step = (transition: DurationKind, operation: Operation, stage: Stage, what: string): ChainStep => ({
  transition,
  operation,
  stage,
  what,
});

/**
 * The transitions one resource goes through in the failback phase, in order, as the kind modules
 * wait for them. Quiesce (EC2 stop), sharing, tagging and deletes are immediate in the emulator.
 */
export function failbackChain(kind: ChainKind, topology: Topology): ChainStep[] {
  switch (kind) {
    case 'ec2':
      return [
        step('ec2.image', 'ec2:create-image', 'before-copy', 'CreateImage'),
        step('ec2.image-copy', 'ec2:copy-image', 'copy', 'CopyImage'),
        step('ec2.instance', 'ec2:run-instances', 'after-copy', 'RunInstances'),
      ];
    case 'rds':
      return [
        step('rds.snapshot', 'rds:create-snapshot', 'before-copy', 'CreateDBSnapshot'),
        step('rds.snapshot-copy', 'rds:copy-snapshot', 'copy', 'CopyDBSnapshot'),
        step('rds.instance-rename', 'rds:rename-instance', 'after-copy', 'rename the old instance'),
        step('rds.instance-restore', 'rds:restore-instance', 'after-copy', 'RestoreDBInstanceFromDBSnapshot'),
      ];
    case 'aurora':
      return [
        step('rds.cluster-snapshot', 'aurora:create-snapshot', 'before-copy', 'CreateDBClusterSnapshot'),
        step('rds.cluster-snapshot-copy', 'aurora:copy-snapshot', 'copy', 'CopyDBClusterSnapshot'),
        ...Array.from({ length: topology.auroraPrimaryMembers }, () =>
          step('rds.instance-rename', 'rds:rename-instance', 'after-copy', 'rename an old member'),
        ),
        step('rds.cluster-rename', 'aurora:rename-cluster', 'after-copy', 'rename the old cluster'),
        step('rds.cluster-restore', 'aurora:restore-cluster', 'after-copy', 'RestoreDBClusterFromSnapshot'),
        step('rds.instance', 'aurora:create-instance', 'after-copy', 'writer'),
        // The readers are created together once the writer is up: one more instance duration.
        ...(topology.auroraReaders > 0
          ? [step('rds.instance', 'aurora:create-instance', 'after-copy', 'readers')]
          : []),
      ];
    case 'dynamodb': {
      const retire = step(
        'dynamodb.backup',
        'dynamodb:create-backup',
        'after-copy',
        'kept backup of the old table',
      );
      if (topology.dynamodbMethod === 'restore')
        return [
          step('dynamodb.backup', 'dynamodb:create-backup', 'before-copy', 'CreateBackup'),
          retire,
          step('dynamodb.restore', 'dynamodb:restore-table', 'after-copy', 'RestoreTableFromBackup'),
        ];
      if (topology.dynamodbMethod === 'export-import')
        return [
          step('dynamodb.export', 'dynamodb:export', 'before-copy', 'ExportTableToPointInTime'),
          retire,
          step('dynamodb.import', 'dynamodb:import', 'after-copy', 'ImportTable'),
        ];
      // The scan copy's reads and writes are not in the timing model: only its table creation is.
      return [retire, step('dynamodb.table', 'dynamodb:create-table', 'after-copy', 'CreateTable')];
    }
  }
}

export interface QuotaClassBound {
  quota: QuotaName;
  limit: number;
  copies: number;
  /** ceil(copies / limit) × copy duration (or the total copy time over the slots when durations differ). */
  queuedCopiesMs: number;
  beforeMs: number;
  afterMs: number;
  totalMs: number;
}

export interface LowerBound {
  ms: number;
  dominant: 'chain' | QuotaName;
  /** Per kind present in the plan: the sum of its chain's durations. */
  chainMs: Partial<Record<ChainKind, number>>;
  longestChain: { kind: ChainKind; ms: number } | undefined;
  quotaClasses: QuotaClassBound[];
}

const KINDS: ChainKind[] = ['ec2', 'rds', 'aurora', 'dynamodb'];

/** GiB of data per resource of a kind, in seeding order (absent: 0, the size-free bound). */
export type DataSizes = Partial<Record<ChainKind, number[]>>;

function duration(model: TimingModel, steps: ChainStep[], gib = 0): number {
  return steps.reduce(
    (ms, s) => ms + model.durationsMs[s.transition] + gib * (model.ratesMsPerGiB[s.transition] ?? 0),
    0,
  );
}

/** Each resource's GiB, `mix[kind]` of them. */
function sizesOf(kind: ChainKind, mix: Mix, sizes: DataSizes): number[] {
  return Array.from({ length: mix[kind] }, (_, i) => sizes[kind]?.[i] ?? 0);
}

/** Which quota a kind's copy counts against, if any (as copy-slots.ts and the emulator count them). */
export function quotaOf(kind: ChainKind, topology: Topology): QuotaName | undefined {
  if (kind === 'ec2') return 'ebsConcurrentSnapshotCopiesPerRegion';
  if ((kind === 'rds' || kind === 'aurora') && topology.crossRegion)
    return 'rdsCrossRegionSnapshotCopiesInProgress';
  return undefined;
}

export function lowerBound(
  model: TimingModel,
  mix: Mix,
  topology: Topology,
  sizes: DataSizes = {},
): LowerBound {
  const present = KINDS.filter((k) => mix[k] > 0);
  const chains = Object.fromEntries(present.map((k) => [k, failbackChain(k, topology)])) as Partial<
    Record<ChainKind, ChainStep[]>
  >;
  const stage = (k: ChainKind, which: Stage) => chains[k]!.filter((s) => s.stage === which);
  // Per kind, each resource's durations (they differ by data size only).
  const per = (k: ChainKind, steps: ChainStep[]) =>
    sizesOf(k, mix, sizes).map((gib) => duration(model, steps, gib));
  const chainMs: LowerBound['chainMs'] = {};
  for (const k of present) chainMs[k] = Math.max(...per(k, chains[k]!));
  const longestChain = present
    .map((kind) => ({ kind, ms: chainMs[kind]! }))
    .reduce<LowerBound['longestChain']>((a, b) => (a && a.ms >= b.ms ? a : b), undefined);

  const quotaClasses: QuotaClassBound[] = [];
  for (const quota of Object.keys(model.quotas) as QuotaName[]) {
    const kinds = present.filter((k) => quotaOf(k, topology) === quota);
    if (kinds.length === 0) continue;
    const limit = model.quotas[quota];
    const copyMs = kinds.flatMap((k) => per(k, stage(k, 'copy')));
    const queuedCopiesMs = Math.max(
      Math.ceil(copyMs.length / limit) * Math.min(...copyMs),
      copyMs.reduce((a, b) => a + b, 0) / limit,
      Math.max(...copyMs),
    );
    const beforeMs = Math.min(...kinds.flatMap((k) => per(k, stage(k, 'before-copy'))));
    const afterMs = Math.min(...kinds.flatMap((k) => per(k, stage(k, 'after-copy'))));
    quotaClasses.push({
      quota,
      limit,
      copies: copyMs.length,
      queuedCopiesMs,
      beforeMs,
      afterMs,
      totalMs: beforeMs + queuedCopiesMs + afterMs,
    });
  }
  const worstQuota = quotaClasses.reduce<QuotaClassBound | undefined>(
    (a, b) => (a && a.totalMs >= b.totalMs ? a : b),
    undefined,
  );
  const chain = longestChain?.ms ?? 0;
  const quotaMs = worstQuota?.totalMs ?? 0;
  return {
    ms: Math.max(chain, quotaMs),
    dominant: worstQuota && quotaMs > chain ? worstQuota.quota : 'chain',
    chainMs,
    longestChain,
    quotaClasses,
  };
}
