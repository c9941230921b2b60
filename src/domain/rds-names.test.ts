import { describe, expect, it } from 'vitest';
import { memberNames } from '../activities/kinds/aurora-cluster/layout.js';
import { artifactName, retiredName, testTargetName } from './naming.js';
import { fittedPattern, planSnapshotPattern, rdsNameArns, rdsNames } from './rds-names.js';

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

describe('the RDS names a plan writes', () => {
  // Every target length AWS allows, every plan id length: the names the kinds derive are covered.
  for (const planId of PLANS)
    it(`cover every name the kinds derive, targets of 1 to 63 characters (plan id ${planId.length})`, () => {
      for (let length = 1; length <= 63; length++) {
        const target = `t${letters(length - 1)}`;
        const old = [`${target.slice(0, 40)}-instance-1`, `w${letters(62)}`];
        const instance = rdsNames({ kind: 'rds-instance', target, planId });
        const cluster = rdsNames({ kind: 'aurora-cluster', target, planId, oldMembers: old });
        for (const date of DATES) {
          expect(matchesAny(instance.db, retiredName(target, date))).toBe(true);
          expect(matchesAny(cluster.cluster, retiredName(target, date))).toBe(true);
          for (const m of old) expect(matchesAny(cluster.db, retiredName(m, date))).toBe(true);
        }
        for (const names of [instance.db, cluster.cluster]) {
          expect(matchesAny(names, target)).toBe(true);
          expect(matchesAny(names, testTargetName(target, planId, 'rds-instance'))).toBe(true);
        }
        for (const m of old) expect(matchesAny(cluster.db, m)).toBe(true);
        // The restored clusters' new instances, up to Aurora's 16 and names skipped for collisions.
        for (const name of [target, testTargetName(target, planId, 'aurora-cluster')])
          for (const member of memberNames(name, 32, [])) expect(matchesAny(cluster.db, member)).toBe(true);
        for (const step of ['rp-1a2b3c4d', 'copy-1a2b3c4d', 'kept-1a2b3c4d', 'rp'])
          for (const max of [63, 255])
            expect(matchesAny(instance.snapshot, artifactName(planId, 'failback', step, target, max))).toBe(
              true,
            );
      }
    });

  it('leave out other applications: names that only start like a target, or like its test copy', () => {
    for (const target of ['app', 'orders', 'db', `o${letters(40)}`]) {
      const names = rdsNames({
        kind: 'aurora-cluster',
        target,
        planId: 'shop-2026-11',
        oldMembers: [`${target}-1`],
      });
      for (const stranger of [
        `${target}x`,
        `${target}-reporting`,
        `${target}-pre-failback`,
        `${target}-pre-failback-2026120`,
        `x${target}`,
        'application-prod',
        `${target}-fbtest-other-plan`,
      ]) {
        expect(matchesAny(names.cluster, stranger), `${stranger} (cluster)`).toBe(false);
        expect(matchesAny(names.db, stranger), `${stranger} (instance)`).toBe(false);
      }
      expect(matchesAny(names.snapshot, 'rds:orders-2026-12-01')).toBe(false);
      expect(matchesAny(names.snapshot, 'fb-shop-2026-12-tf-rp-orders')).toBe(false);
    }
  });

  it('fits a pattern the way fit() shortens: the whole name when it fits, else the kept head and a hash', () => {
    expect(fittedPattern('abc-', 2)).toBe('abc-??');
    const long = `${'a'.repeat(62)}-`;
    expect(fittedPattern(long, 2)).toBe(`${'a'.repeat(54)}-????????`);
    expect(planSnapshotPattern('shop-2026-11')).toBe('fb-shop-2026-11-*');
  });

  it('as ARNs of the primary account and region, in its partition', () => {
    const arns = rdsNameArns(
      rdsNames({ kind: 'rds-instance', target: 'Orders', planId: 'p1' }),
      '111122223333',
      'us-gov-west-1',
    );
    expect(arns).toEqual([
      'arn:aws-us-gov:rds:us-gov-west-1:111122223333:db:orders',
      'arn:aws-us-gov:rds:us-gov-west-1:111122223333:db:orders-fbtest-p1',
      'arn:aws-us-gov:rds:us-gov-west-1:111122223333:db:orders-pre-failback-????????',
      'arn:aws-us-gov:rds:us-gov-west-1:111122223333:snapshot:fb-p1-*',
      'arn:aws-us-gov:rds:us-gov-west-1:111122223333:cluster-snapshot:fb-p1-*',
    ]);
  });
});
