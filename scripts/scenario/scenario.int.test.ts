import { describe, expect, it } from 'vitest';
import { inventory } from './inventory.js';
import { seedScenario } from './seed.js';

// The seeder the end-to-end test, the demo and the benchmark build their application with.
describe('scenario seeder', () => {
  it('builds the failed-over application in recovery and its stale version in primary', async () => {
    const primary = { accountId: '310000000001', region: 'us-east-1' };
    const recovery = { accountId: '310000000002', region: 'us-west-2' };
    const scenario = await seedScenario({
      planId: 'seed-check',
      primary,
      recovery,
      ec2Instances: 2,
      tables: [
        { name: 'orders', shape: 'orders', items: 300, pitr: true },
        { name: 'customers', shape: 'customers', items: 40 },
        { name: 'audit', shape: 'audit', items: 0 },
      ],
      dns: 'route53',
    });
    expect(scenario.spec.resources?.map((r) => r.kind)).toEqual([
      'ec2-instance',
      'ec2-instance',
      'rds-instance',
      'aurora-cluster',
      'dynamodb-table',
      'dynamodb-table',
      'dynamodb-table',
    ]);
    expect(scenario.spec.dnsCutover).toMatchObject({ mode: 'route53', hostedZoneId: scenario.hostedZoneId });

    const rec = await inventory(recovery.accountId, recovery.region);
    expect(
      rec.instances
        .filter((i) => i.state === 'running')
        .map((i) => i.name)
        .sort(),
    ).toEqual(['shop-web-1', 'shop-web-2']);
    expect(rec.dbInstances.map((d) => d.id).sort()).toEqual([
      'shop-aurora-reader-1',
      'shop-aurora-reader-2',
      'shop-aurora-writer',
      'shop-db',
    ]);
    expect(rec.clusters).toEqual([
      expect.objectContaining({
        id: 'shop-aurora',
        status: 'available',
        members: ['shop-aurora-reader-1', 'shop-aurora-reader-2', 'shop-aurora-writer'],
      }),
    ]);
    expect(Object.fromEntries(rec.tables.map((t) => [t.name, t.items]))).toEqual({
      orders: 300,
      customers: 40,
      audit: 0,
    });
    expect(rec.roles).toContain('dr-recovery');

    const pri = await inventory(primary.accountId, primary.region);
    expect(pri.instances.map((i) => i.name).sort()).toEqual(['shop-web-1', 'shop-web-2']);
    expect(pri.clusters).toEqual([
      expect.objectContaining({
        id: 'shop-aurora',
        members: ['shop-aurora-reader-1', 'shop-aurora-reader-2', 'shop-aurora-writer'],
      }),
    ]);
    expect(Object.fromEntries(pri.tables.map((t) => [t.name, t.items]))).toEqual({
      orders: 30,
      customers: 4,
      audit: 0,
    });
    expect(pri.roles).toContain('dr-standing');
  });
});
