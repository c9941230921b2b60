import { describe, expect, it } from 'vitest';
import type { DurationKind, TimingModel } from '../../emulator/client.js';
import { compare } from './bench.js';
import { lowerBound, type Topology } from './lower-bound.js';
import { mixFor, mixTotal } from './mix.js';
import type { PlanRunResult } from './run-plan.js';
import type { RunbookResult } from './runbook/index.js';

const KINDS: DurationKind[] = [
  'ec2.instance', 'ec2.image', 'ec2.image-copy', 'ec2.describe-lag', 'ebs.snapshot', 'ebs.snapshot-copy', 'rds.instance',
  'rds.instance-restore', 'rds.instance-rename', 'rds.snapshot', 'rds.snapshot-copy', 'rds.cluster',
  'rds.cluster-restore', 'rds.cluster-rename', 'rds.cluster-snapshot', 'rds.cluster-snapshot-copy',
  'dynamodb.table', 'dynamodb.backup', 'dynamodb.backup-listing', 'dynamodb.restore', 'dynamodb.export', 'dynamodb.import',
  'cloudformation.stack', 'cloudformation.rollback', 'route53.change',
]; // prettier-ignore

/** Every transition 100 ms unless given; EBS copies 4 at a time, RDS cross-region copies 2. */
function model(durations: Partial<Record<DurationKind, number>> = {}): TimingModel {
  const durationsMs = Object.fromEntries(KINDS.map((k) => [k, durations[k] ?? 100])) as Record<
    DurationKind,
    number
  >;
  return {
    name: 'test',
    source: 'test',
    description: '',
    scale: 1 / 600,
    durationsMs,
    awsTypicalSeconds: {},
    ratesMsPerGiB: {},
    ratesSecondsPerGiB: {},
    sources: [],
    quotas: { ebsConcurrentSnapshotCopiesPerRegion: 4, rdsCrossRegionSnapshotCopiesInProgress: 2 },
    apiLatencyMs: 0,
    kinds: Object.fromEntries(KINDS.map((k) => [k, k])) as Record<DurationKind, string>,
    accounts: {},
  };
}

const topology: Topology = {
  crossAccount: true,
  crossRegion: true,
  auroraPrimaryMembers: 1,
  auroraReaders: 1,
  dynamodbMethod: 'scan-copy',
};

describe('mixFor', () => {
  it('splits 60/15/5/20 and adds up to the size', () => {
    expect(mixFor(100)).toEqual({ ec2: 60, rds: 15, aurora: 5, dynamodb: 20 });
    expect(mixFor(500)).toEqual({ ec2: 300, rds: 75, aurora: 25, dynamodb: 100 });
    for (const n of [1, 3, 4, 7, 10, 33, 101]) expect(mixTotal(mixFor(n))).toBe(n);
  });

  it('has one of each kind from 4 resources on', () => {
    expect(mixFor(4)).toEqual({ ec2: 1, rds: 1, aurora: 1, dynamodb: 1 });
    expect(mixFor(10)).toEqual({ ec2: 5, rds: 2, aurora: 1, dynamodb: 2 });
  });
});

describe('lowerBound', () => {
  it('is the longest chain when the quotas do not bind', () => {
    // Aurora: snapshot, copy, member rename, cluster rename, restore, writer, readers = 7 transitions.
    const bound = lowerBound(model(), { ec2: 1, rds: 1, aurora: 1, dynamodb: 1 }, topology);
    expect(bound.chainMs).toEqual({ ec2: 300, rds: 400, aurora: 700, dynamodb: 200 });
    expect(bound).toMatchObject({ ms: 700, dominant: 'chain', longestChain: { kind: 'aurora', ms: 700 } });
  });

  it('is the copies queued through a quota when they take longer', () => {
    // 40 EBS copies of 1 s, 4 at a time: 10 rounds, plus the image before and the instance after.
    const bound = lowerBound(
      model({ 'ec2.image-copy': 1000 }),
      { ec2: 40, rds: 0, aurora: 0, dynamodb: 0 },
      topology,
    );
    expect(bound.quotaClasses).toEqual([
      {
        quota: 'ebsConcurrentSnapshotCopiesPerRegion',
        limit: 4,
        copies: 40,
        queuedCopiesMs: 10_000,
        beforeMs: 100,
        afterMs: 100,
        totalMs: 10_200,
      },
    ]);
    expect(bound).toMatchObject({ ms: 10_200, dominant: 'ebsConcurrentSnapshotCopiesPerRegion' });
  });

  it('adds each resource’s GiB times the rate of every rated step, as the emulator times them', () => {
    // RDS: the copy at 10 ms/GiB and the restore at 1 ms/GiB; the unrated snapshot and rename not.
    const rated = {
      ...model(),
      ratesMsPerGiB: { 'rds.snapshot-copy': 10, 'rds.instance-restore': 1, 'ec2.image-copy': 5 },
    };
    const mix = { ec2: 2, rds: 3, aurora: 0, dynamodb: 0 };
    const sizes = { ec2: [8, 100], rds: [20, 400, 50] };
    const bound = lowerBound(rated, mix, { ...topology, crossRegion: true }, sizes);
    expect(bound.chainMs).toEqual({ ec2: 300 + 5 * 100, rds: 400 + 11 * 400 });
    expect(bound.longestChain).toEqual({ kind: 'rds', ms: 4800 });
    // Three RDS copies through 2 slots: at least the largest (4,100 ms) and the sum over the slots.
    expect(
      bound.quotaClasses.find((q) => q.quota === 'rdsCrossRegionSnapshotCopiesInProgress'),
    ).toMatchObject({
      copies: 3,
      queuedCopiesMs: 4100,
      beforeMs: 100,
      afterMs: 200 + 20,
    });
    // Without sizes it is the size-free bound.
    expect(lowerBound(rated, mix, topology).chainMs).toEqual({ ec2: 300, rds: 400 });
  });

  it('counts RDS and Aurora copies against the cross-region quota only across regions', () => {
    const mix = { ec2: 0, rds: 3, aurora: 1, dynamodb: 0 };
    expect(lowerBound(model(), mix, topology).quotaClasses[0]).toMatchObject({
      copies: 4,
      queuedCopiesMs: 200,
    });
    expect(lowerBound(model(), mix, { ...topology, crossRegion: false }).quotaClasses).toEqual([]);
  });
});

describe('compare', () => {
  const plan = (size: number, wallMs: number) => ({ size, wallMs }) as PlanRunResult;
  const runbook: RunbookResult = {
    size: 10,
    mix: mixFor(10),
    wallMs: 50_000,
    perKindMs: { ec2: 4000, rds: 5000, aurora: 6000, dynamodb: 7000 },
    calls: {},
    callsPerResource: 0,
  };

  it('uses the runbook measured at a size, and extrapolates the others by the mix, labelled', () => {
    const [at10, at100] = compare([plan(10, 10_000), plan(100, 20_000)], [runbook]);
    expect(at10).toEqual({
      size: 10,
      runbookMs: 50_000,
      extrapolated: false,
      oursMs: 10_000,
      runbookOverOurs: 5,
    });
    // 60 × 4 s + 15 × 5 s + 5 × 6 s + 20 × 7 s
    expect(at100).toMatchObject({
      size: 100,
      runbookMs: 485_000,
      extrapolated: true,
      runbookOverOurs: 24.25,
    });
  });
});
