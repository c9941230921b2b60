import { describe, expect, it } from 'vitest';
import { memberNames } from '../activities/kinds/aurora-cluster/layout.js';
import { artifactName, retiredName, testTargetName } from './naming.js';
import { fittedPattern, partitionOf, planSnapshotPattern, rdsGrantArns, rdsNames } from './rds-names.js';

/** IAM's wildcard match of a resource pattern: `*` any run, `?` one character, the rest literal. */
const wildcard = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '.*')
      .replaceAll('?', '.')}$`,
  );
const matchesAny = (patterns: string[], name: string) => patterns.some((p) => wildcard(p).test(name));

const letters = (n: number) =>
  Array.from({ length: n }, (_, i) => 'abcdefghij-k'[i % 12])
    .join('')
    .replace(/-$/, 'z');
const DATES = ['2026-12-03T10:00:00Z', '2031-01-31T23:59:59Z', '1999-07-04T00:00:00Z'];
const PLANS = ['p1', 'shop-2026-11', 'q'.repeat(32)];

const RUN = '1a2b3c4d';

describe('the RDS names a plan writes', () => {
  // Every target length AWS allows, in lower and mixed case (fit() hashes the name as given), every
  // plan id length: the names the kinds derive are covered.
  for (const planId of PLANS)
    it(`cover every name the kinds derive, targets of 1 to 63 characters (plan id ${planId.length})`, () => {
      for (let length = 1; length <= 63; length++) {
        for (const target of [`t${letters(length - 1)}`, `T${letters(length - 1).toUpperCase()}`]) {
          const old = [`${target.slice(0, 40)}-instance-1`, `w${letters(62)}`];
          const instance = rdsNames({ kind: 'rds-instance', target, planId, run: RUN });
          const cluster = rdsNames({ kind: 'aurora-cluster', target, planId, run: RUN, oldMembers: old, instances: 3 });
          const db = (name: string) => name.toLowerCase(); // what the kinds send (dbId)
          for (const date of DATES) {
            expect(matchesAny(instance.retiredDb, db(retiredName(target, date)))).toBe(true);
            expect(matchesAny(cluster.retiredCluster, db(retiredName(target, date)))).toBe(true);
            for (const m of old) expect(matchesAny(cluster.retiredDb, db(retiredName(m, date)))).toBe(true);
          }
          for (const [names, kind] of [[instance.db, 'rds-instance'], [cluster.cluster, 'aurora-cluster']] as const) {
            expect(matchesAny(names, db(target))).toBe(true);
            expect(matchesAny(names, db(testTargetName(target, planId, kind)))).toBe(true);
          }
          for (const m of old) expect(matchesAny(cluster.db, db(m))).toBe(true);
          // The restored clusters' new instances for every layout up to the granted 3 (as the kind names
          // them: the retired cluster's instance names first in the failback).
          const test = db(testTargetName(target, planId, 'aurora-cluster'));
          for (let count = 0; count <= 3; count++) {
            for (const member of memberNames(db(target), count, old.map(db)))
              expect(matchesAny(cluster.db, member), member).toBe(true);
            for (const member of memberNames(test, count, [])) expect(matchesAny(cluster.db, member)).toBe(true);
          }
          expect(matchesAny(cluster.db, memberNames(test, 4, []).at(-1)!)).toBe(false);
          for (const phase of ['test-failback', 'failback'] as const)
            for (const step of [`copy-${RUN}`, `kept-${RUN}`])
              for (const max of [63, 255]) {
                const snapshot = db(artifactName(planId, phase, step, target, max));
                expect(matchesAny(instance.snapshot, snapshot), snapshot).toBe(true);
              }
        }
      }
    }); // prettier-ignore

  it('leave out other applications: names that only start like a target, or like its test copy', () => {
    for (const target of ['app', 'orders', 'db', `o${letters(40)}`]) {
      const names = rdsNames({
        kind: 'aurora-cluster',
        target,
        planId: 'shop-2026-11',
        run: RUN,
        oldMembers: [`${target}-1`],
        instances: 2,
      });
      const all = [...names.cluster, ...names.db, ...names.retiredCluster, ...names.retiredDb];
      for (const stranger of [
        `${target}x`,
        `${target}-reporting`,
        `${target}-v2`,
        `${target}-qa`,
        `${target}-9`,
        `${target}-pre-failback`,
        `${target}-pre-failback-2026120`,
        `x${target}`,
        'application-prod',
        `${target}-fbtest-other-plan`,
      ])
        expect(matchesAny(all, stranger), stranger).toBe(false);
      for (const snapshot of [
        'rds:orders-2026-12-01',
        'fb-shop-2026-12-tf-rp-orders',
        // Another plan whose id starts with this one's, and an earlier run of this plan id.
        artifactName('shop-2026-11-b', 'failback', `copy-${RUN}`, target),
        artifactName('shop-2026-11', 'failback', 'copy-99999999', target),
        artifactName('shop-2026-11', 'failback', 'copy', target),
      ])
        expect(matchesAny(names.snapshot, snapshot), snapshot).toBe(false);
    }
  });

  it('grants a restored cluster only the instance names its layout takes, none past them', () => {
    // The old instances have names of their own: the restored ones reuse them, no `orders-<n>` is
    // needed, and one granted would be another database's (an `orders-1` of another application).
    const names = rdsNames({
      kind: 'aurora-cluster',
      target: 'orders',
      planId: 'p1',
      run: RUN,
      oldMembers: ['orders-instance-1', 'orders-instance-2'],
      instances: 2,
    });
    expect(matchesAny(names.db, 'orders-instance-2')).toBe(true);
    for (const stranger of ['orders-1', 'orders-2', 'orders-3'])
      expect(matchesAny(names.db, stranger), stranger).toBe(false);
    // A larger layout than the old cluster's: the old names, then the first free numbers.
    const larger = rdsNames({
      kind: 'aurora-cluster',
      target: 'orders',
      planId: 'p1',
      oldMembers: ['orders-2'],
      instances: 3,
    });
    for (const name of ['orders-2', 'orders-1', 'orders-3'])
      expect(matchesAny(larger.db, name), name).toBe(true);
    expect(matchesAny(larger.db, 'orders-4')).toBe(false);
  });

  it('grants retired names apart: they match what an earlier failback retired and an operator kept', () => {
    const names = rdsNames({ kind: 'rds-instance', target: 'orders', planId: 'p1', run: RUN });
    const earlier = retiredName('orders', '2025-01-31T00:00:00Z');
    expect(matchesAny(names.db, earlier)).toBe(false);
    expect(matchesAny(names.retiredDb, earlier)).toBe(true);
  });

  it('fits a pattern the way fit() shortens: the whole name when it fits, else the kept head and a hash', () => {
    expect(fittedPattern('abc-', 2)).toBe('abc-??');
    const long = `${'a'.repeat(62)}-`;
    expect(fittedPattern(long, 2)).toBe(`${'a'.repeat(54)}-????????`);
    expect(planSnapshotPattern('shop-2026-11', RUN)).toBe(`fb-shop-2026-11-??-*-${RUN}-*`);
    expect(planSnapshotPattern('shop-2026-11')).toBe('fb-shop-2026-11-??-*');
  });

  it('as ARNs of the primary account and region, in its partition', () => {
    const arns = rdsGrantArns(
      rdsNames({ kind: 'rds-instance', target: 'Orders', planId: 'p1', run: RUN }),
      '111122223333',
      'us-gov-west-1',
    );
    expect(arns).toEqual({
      rdsResourceArns: [
        'arn:aws-us-gov:rds:us-gov-west-1:111122223333:db:orders',
        'arn:aws-us-gov:rds:us-gov-west-1:111122223333:db:orders-fbtest-p1',
        `arn:aws-us-gov:rds:us-gov-west-1:111122223333:snapshot:fb-p1-??-*-${RUN}-*`,
        `arn:aws-us-gov:rds:us-gov-west-1:111122223333:cluster-snapshot:fb-p1-??-*-${RUN}-*`,
      ],
      rdsRetiredArns: ['arn:aws-us-gov:rds:us-gov-west-1:111122223333:db:orders-pre-failback-????????'],
    });
    // The partitions of the Service Authorization Reference.
    for (const [region, partition] of [
      ['us-east-1', 'aws'],
      ['cn-north-1', 'aws-cn'],
      ['us-gov-east-1', 'aws-us-gov'],
      ['us-iso-east-1', 'aws-iso'],
      ['us-isob-east-1', 'aws-iso-b'],
      ['eu-isoe-west-1', 'aws-iso-e'],
      ['us-isof-south-1', 'aws-iso-f'],
    ])
      expect(partitionOf(region!), region).toBe(partition);
  });
});
