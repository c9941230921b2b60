import { describe, expect, it } from 'vitest';
import {
  artifactName,
  clientToken,
  fit,
  retiredName,
  safeName,
  shortHash,
  testTargetName,
} from './naming.js';

describe('naming', () => {
  it('is deterministic and short', () => {
    expect(shortHash('abc')).toBe(shortHash('abc'));
    expect(shortHash('abc')).not.toBe(shortHash('abd'));
    expect(shortHash('x')).toMatch(/^[0-9a-f]{8}$/);
  });

  it('fits long names under the limit and keeps them distinct', () => {
    const a = fit('a'.repeat(100) + 'x', 63);
    const b = fit('a'.repeat(100) + 'y', 63);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
    expect(fit('short', 63)).toBe('short');
  });

  it('makes names valid for EC2, RDS and DynamoDB', () => {
    expect(safeName('Shop_DB..1')).toBe('shop-db-1');
    expect(safeName('1abc')).toBe('r-1abc');
    expect(artifactName('shop-2026-11', 'failback', 'snap', 'shop-db')).toBe(
      'fb-shop-2026-11-fb-snap-shop-db',
    );
    expect(artifactName('p', 'failback', 'snap', 'x'.repeat(300), 255).length).toBeLessThanOrEqual(255);
  });

  it('follows the design for test and retired names', () => {
    expect(testTargetName('shop-db', 'shop-2026-11')).toBe('shop-db-fbtest-shop-2026-11');
    expect(retiredName('shop-db', '2026-11-28T02:00:00Z')).toBe('shop-db-pre-failback-20261128');
  });

  it('lets a target be as long as AWS allows: derived names shorten deterministically and stay distinct', () => {
    const planId = 'p'.repeat(32);
    const a = `${'d'.repeat(62)}a`; // 63: the longest RDS identifier
    const b = `${'d'.repeat(62)}b`;
    for (const kind of ['rds-instance', 'aurora-cluster'] as const) {
      const name = testTargetName(a, planId, kind);
      expect(name.length).toBeLessThanOrEqual(63);
      expect(name).toMatch(/^[a-z][a-z0-9-]*[a-z0-9]$/);
      expect(name).not.toMatch(/--/);
      expect(testTargetName(a, planId, kind)).toBe(name);
      expect(testTargetName(b, planId, kind)).not.toBe(name);
    }
    expect(testTargetName('t'.repeat(255), planId, 'dynamodb-table').length).toBeLessThanOrEqual(255);
    expect(testTargetName('web', planId, 'ec2-instance')).toBe(`web-fbtest-${planId}`);
    const retired = retiredName(a, '2026-11-28T02:00:00Z');
    expect(retired.length).toBeLessThanOrEqual(63);
    expect(retired).not.toBe(retiredName(b, '2026-11-28T02:00:00Z'));
    expect(retired).not.toBe(retiredName(a, '2026-11-29T02:00:00Z'));
  });

  it('keeps client tokens within 64 characters', () => {
    expect(clientToken('p'.repeat(32), 'test-failback', 'run', 'n'.repeat(64)).length).toBeLessThanOrEqual(
      64,
    );
  });
});
