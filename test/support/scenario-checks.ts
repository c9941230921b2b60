import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { expect } from 'vitest';
import { seedingClientConfig } from '../../scripts/scenario/accounts.js';
import type { Inventory } from '../../scripts/scenario/inventory.js';
import type { Scenario } from '../../scripts/scenario/seed.js';

const PLAN = 'failback:plan-id';
const PHASE = 'failback:phase';
const KEEP = 'failback:keep';
/** What a finished plan leaves on what it restored, instead of its ownership tags (decision 0035). */
const RESTORED_BY = 'failback:restored-by';

function expectHandedOver(tags: Record<string, string>, planId: string, what: string): void {
  expect(tags[RESTORED_BY], `${what}: provenance`).toBe(planId);
  expect(tags[PLAN], `${what}: no ownership tag left`).toBeUndefined();
}

/** Every resource of an inventory with its tags, for "nothing tagged X is left" checks. */
function tagged(inv: Inventory) {
  return [
    ...inv.instances
      .filter((i) => i.state !== 'terminated')
      .map((r) => ({ kind: 'instance', id: r.id, tags: r.tags })),
    ...inv.images.map((r) => ({ kind: 'image', id: r.id, tags: r.tags })),
    ...inv.snapshots.map((r) => ({ kind: 'snapshot', id: r.id, tags: r.tags })),
    ...inv.dbInstances.map((r) => ({ kind: 'db', id: r.id, tags: r.tags })),
    ...inv.dbSnapshots.map((r) => ({ kind: 'db-snapshot', id: r.id, tags: r.tags })),
    ...inv.clusters.map((r) => ({ kind: 'cluster', id: r.id, tags: r.tags })),
    ...inv.clusterSnapshots.map((r) => ({ kind: 'cluster-snapshot', id: r.id, tags: r.tags })),
    ...inv.tables.map((r) => ({ kind: 'table', id: r.name, tags: r.tags })),
    ...inv.buckets.map((r) => ({ kind: 'bucket', id: r.name, tags: r.tags })),
  ];
}

/** No test copy and no intermediate of the plan survives (kept backups excepted). */
export function expectNoLeftovers(inv: Inventory, planId: string, where: string): void {
  const left = tagged(inv).filter(
    (r) => r.tags[PLAN] === planId && r.tags[KEEP] !== 'true' && r.tags[PHASE] !== 'failback',
  );
  expect(left, `${where}: test copies or intermediates left`).toEqual([]);
  expect(
    tagged(inv).filter((r) => r.id.includes('-fbtest-')),
    `${where}: test copies`,
  ).toEqual([]);
}

/**
 * Primary after a complete failback: each target is the plan's new copy, each stale resource is
 * still there (renamed, stopped or backed up), the tables hold the recovery data.
 */
export function expectPrimaryFailedBack(
  before: Inventory,
  after: Inventory,
  recoveryBefore: Inventory,
  scenario: Scenario,
): void {
  const planId = scenario.spec.planId;
  for (const r of scenario.spec.resources ?? []) {
    if (r.kind === 'ec2-instance') {
      const live = after.instances.filter((i) => i.name === r.target && i.state === 'running');
      expect(live, `one running ${r.target}`).toHaveLength(1);
      expectHandedOver(live[0]!.tags, planId, r.target);
      const old = before.instances.find((i) => i.name === r.target)!;
      expect(
        after.instances.find((i) => i.id === old.id),
        `stale ${r.target} kept`,
      ).toMatchObject({ state: 'stopped' });
    }
    if (r.kind === 'rds-instance') {
      const live = after.dbInstances.find((d) => d.id === r.target)!;
      expectHandedOver(live.tags, planId, r.target);
      const old = before.dbInstances.find((d) => d.id === r.target)!;
      const retired = after.dbInstances.find((d) => d.resourceId === old.resourceId);
      expect(retired?.id, `stale ${r.target} renamed, not deleted`).toMatch(
        new RegExp(`^${r.target}-pre-failback-\\d{8}`),
      );
    }
    if (r.kind === 'aurora-cluster') {
      const live = after.clusters.find((c) => c.id === r.target)!;
      expectHandedOver(live.tags, planId, r.target);
      const source = recoveryBefore.clusters.find((c) => c.id === r.source)!;
      expect(live.members.length, `${r.target}: writer and readers`).toBe(source.members.length);
      const old = before.clusters.find((c) => c.id === r.target)!;
      expect(after.clusters.find((c) => c.resourceId === old.resourceId)?.id).toMatch(
        new RegExp(`^${r.target}-pre-failback-`),
      );
    }
    if (r.kind === 'dynamodb-table') {
      const source = recoveryBefore.tables.find((t) => t.name === r.source)!;
      expect(after.tables.find((t) => t.name === r.target)?.items, `${r.target} items`).toBe(source.items);
      if (before.tables.some((t) => t.name === r.target)) {
        expect(
          after.backups.some((b) => b.table === r.target),
          `${r.target}: the stale table was backed up`,
        ).toBe(true);
      }
    }
  }
  expectNoLeftovers(after, planId, 'primary');
  expect(after.stacks, 'access stack deleted').toEqual([]);
}

/**
 * Recovery after conclude: back to its pilot-light state. No live copy is left (instances terminated,
 * no DB instance, cluster or table), the roles it had are still there, and what remains of the plan is
 * exactly its final backups: one kept per resource, made in conclude-recovery, nothing else.
 */
export function expectRecoveryConcluded(after: Inventory, scenario: Scenario, before?: Inventory): void {
  expect(
    after.instances.filter((i) => i.state !== 'terminated'),
    'recovery instances',
  ).toEqual([]);
  expect(after.dbInstances, 'recovery DB instances').toEqual([]);
  expect(after.clusters, 'recovery clusters').toEqual([]);
  expect(after.tables, 'recovery tables').toEqual([]);
  const planId = scenario.spec.planId;
  const kept = tagged(after).filter((r) => r.tags[KEEP] === 'true');
  for (const r of kept) {
    expect(r.tags[PLAN], `${r.kind} ${r.id}: kept by this plan`).toBe(planId);
    expect(r.tags[PHASE], `${r.kind} ${r.id}: a final backup`).toBe('conclude-recovery');
  }
  const resources = scenario.spec.resources ?? [];
  const count = (kind: string) => resources.filter((r) => r.kind === kind).length;
  expect(kept.filter((r) => r.kind === 'image').length, 'a final AMI per instance').toBe(
    count('ec2-instance'),
  );
  expect(kept.filter((r) => r.kind === 'db-snapshot').length, 'a final snapshot per DB').toBe(
    count('rds-instance'),
  );
  expect(kept.filter((r) => r.kind === 'cluster-snapshot').length, 'a final snapshot per cluster').toBe(
    count('aurora-cluster'),
  );
  expect(after.backups.map((b) => b.table).sort(), 'a final backup per table, and no other backup').toEqual(
    resources
      .filter((r) => r.kind === 'dynamodb-table')
      .map((r) => r.source)
      .sort(),
  );
  if (before) expect(after.roles, 'recovery roles kept').toEqual(before.roles);
  expectNoLeftovers(after, planId, 'recovery');
}

/**
 * Nothing that existed in primary before the plan is gone: instances (by id), AMIs and snapshots,
 * DB instances and clusters (by resource id: a rename keeps it), manual snapshots, tables (the name
 * holds the new copy; the old table's backup is checked apart), backups, buckets and roles.
 */
export function expectNothingDestroyed(before: Inventory, after: Inventory, where: string): void {
  const missing = (what: string, ids: string[], still: string[]) =>
    expect(
      ids.filter((id) => !still.includes(id)),
      `${where}: ${what} that existed before the plan and are gone`,
    ).toEqual([]);
  const alive = (inv: Inventory) => inv.instances.filter((i) => i.state !== 'terminated').map((i) => i.id);
  missing('instances', alive(before), alive(after));
  missing(
    'AMIs',
    before.images.map((i) => i.id),
    after.images.map((i) => i.id),
  );
  missing(
    'snapshots',
    before.snapshots.map((s) => s.id),
    after.snapshots.map((s) => s.id),
  );
  missing(
    'DB instances',
    before.dbInstances.map((d) => d.resourceId),
    after.dbInstances.map((d) => d.resourceId),
  );
  missing(
    'clusters',
    before.clusters.map((c) => c.resourceId),
    after.clusters.map((c) => c.resourceId),
  );
  missing(
    'DB snapshots',
    before.dbSnapshots.map((s) => s.id),
    after.dbSnapshots.map((s) => s.id),
  );
  missing(
    'cluster snapshots',
    before.clusterSnapshots.map((s) => s.id),
    after.clusterSnapshots.map((s) => s.id),
  );
  missing(
    'tables',
    before.tables.map((t) => t.name),
    after.tables.map((t) => t.name),
  );
  missing(
    'backups',
    before.backups.map((b) => b.arn),
    after.backups.map((b) => b.arn),
  );
  missing(
    'buckets',
    before.buckets.map((b) => b.name),
    after.buckets.map((b) => b.name),
  );
  missing('roles', before.roles, after.roles);
}

/** The identity of everything that existed before, compared after an abort. */
export function expectUnchanged(before: Inventory, after: Inventory, where: string, planId: string): void {
  const pick = (inv: Inventory) => ({
    instances: inv.instances
      .filter((i) => i.tags[PLAN] !== planId && i.state !== 'terminated')
      .map((i) => `${i.id}:${i.name}:${i.state}`)
      .sort(),
    dbs: inv.dbInstances
      .filter((d) => d.tags[PLAN] !== planId)
      .map((d) => `${d.resourceId}:${d.id}`)
      .sort(),
    clusters: inv.clusters
      .filter((c) => c.tags[PLAN] !== planId)
      .map((c) => `${c.resourceId}:${c.id}`)
      .sort(),
    tables: inv.tables.map((t) => `${t.name}:${t.items}`).sort(),
    roles: inv.roles.filter((r) => !r.startsWith('failback-access-')),
  });
  expect(pick(after), `${where} as before the plan`).toEqual(pick(before));
  const created = tagged(after).filter((r) => r.tags[PLAN] === planId && r.tags[KEEP] !== 'true');
  expect(created, `${where}: nothing the plan made is left but kept backups`).toEqual([]);
}

export async function recordValue(
  accountId: string,
  region: string,
  hostedZoneId: string,
  name: string,
): Promise<string | undefined> {
  const route53 = new Route53Client(seedingClientConfig(accountId, region));
  try {
    const out = await route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: hostedZoneId }));
    const set = out.ResourceRecordSets?.find((r) => r.Name?.replace(/\.$/, '') === name && r.Type === 'A');
    return set?.ResourceRecords?.[0]?.Value;
  } finally {
    route53.destroy();
  }
}
