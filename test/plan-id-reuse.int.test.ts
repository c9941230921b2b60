import type { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedingClientConfig } from '../scripts/scenario/accounts.js';
import { inventory, type Inventory } from '../scripts/scenario/inventory.js';
import { seedScenario, type Scenario } from '../scripts/scenario/seed.js';
import { laterWrites, writeItems, type TableSeed } from '../scripts/scenario/tables.js';
import { planWorkflowId } from '../src/domain/contract.js';
import { windowOpenNow } from '../src/domain/window-times.js';
import type { PlanContext, ResolvedResource, Retirement, Restored } from '../src/domain/resources.js';
import { resourceKey } from '../src/domain/naming.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { accessRole, specDatabaseGrants, newRun } from './support/access.js';
import { scanTable, type TableContent } from './support/data-checks.js';
import { runStep } from './support/dynamodb.js';
import { drive } from './support/plan-driver.js';
import { recordPlanHistories } from './support/record-history.js';
import { startPlan, waitForStage } from './support/plans.js';
import { startTestWorker, testClient, uniqueTaskQueue, type RunningWorker } from './support/temporal.js';

/**
 * Item 1 of issue 14, reproduced as the issue did: a plan completes; its history is deleted with the
 * Temporal client (so Temporal no longer refuses its id); production in primary keeps changing; a new
 * plan with the same id starts. Its preflight must refuse, naming every resource the earlier plan
 * restored; and if its steps run anyway (the second half: the same steps, as a new run of the plan),
 * they adopt nothing and their compensation destroys nothing — inventories and table contents read back
 * with the SDK as the accounts themselves see them.
 */
const TABLES: TableSeed[] = [
  { name: 'orders', shape: 'orders', items: 30, pitr: true },
  { name: 'customers', shape: 'customers', items: 12 },
];

let seq = 0;
function accounts() {
  const base = 480_000_000_000 + (Date.now() % 1_000_000) * 100 + ++seq * 2;
  return {
    primary: { accountId: String(base), region: 'us-east-1' },
    recovery: { accountId: String(base + 1), region: 'us-west-2' },
  };
}

async function contents(where: { accountId: string; region: string }) {
  const out: Record<string, Omit<TableContent, 'items'>> = {};
  for (const t of TABLES) {
    const { count, hash } = await scanTable(where, t.name);
    out[t.name] = { count, hash };
  }
  return out;
}

/** What an abort must leave exactly as it was: every resource, its identity, state and tags. */
function identity(inv: Inventory) {
  const alive = inv.instances.filter((i) => i.state !== 'terminated');
  return {
    instances: alive
      .map((i) => ({ id: i.id, state: i.state, tags: i.tags }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    dbInstances: inv.dbInstances
      .map((d) => ({ id: d.id, resourceId: d.resourceId, tags: d.tags }))
      .sort((a, b) => a.id.localeCompare(b.id)),
    clusters: inv.clusters.map((c) => ({
      id: c.id,
      resourceId: c.resourceId,
      members: c.members,
      tags: c.tags,
    })),
    dbSnapshots: inv.dbSnapshots.map((s) => s.id).sort(),
    clusterSnapshots: inv.clusterSnapshots.map((s) => s.id).sort(),
    tables: inv.tables
      .map((t) => ({ name: t.name, items: t.items, tags: t.tags }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    images: inv.images.map((i) => i.id).sort(),
  };
}

describe('a plan id reused after the first plan’s history is deleted', { timeout: 900_000 }, () => {
  let client: Client;
  let connection: Connection;
  let worker: RunningWorker;
  const taskQueue = uniqueTaskQueue('reuse');

  beforeAll(async () => {
    ({ client, connection } = await testClient());
    worker = await startTestWorker(taskQueue);
  });
  afterAll(async () => {
    await worker?.stop();
    await connection?.close();
  });

  it('preflight refuses, naming what the earlier plan restored; run anyway, it adopts and destroys nothing', async () => {
    const planId = `reuse-${Date.now().toString(36)}`;
    const where = accounts();
    const seed = {
      planId,
      ...where,
      ec2Instances: 1,
      rdsInstances: 1,
      auroraClusters: 1,
      auroraReaders: 1,
      tables: TABLES,
      encryption: false,
    } as const;
    const first: Scenario = await seedScenario(seed);
    const spec = { ...first.spec, maintenanceWindow: windowOpenNow(Date.now()) };

    // 1. The first plan fails the application back and completes.
    const a = await startPlan(client, taskQueue, spec);
    const done = await drive(a, { timeoutMs: 400_000 });
    expect(done.stage, JSON.stringify(done.errors)).toBe('completed');
    const restored = Object.fromEntries(done.resources.map((r) => [r.key, r.restored?.id ?? '']));
    // A complete plan that records its run (patched 'plan-run-ownership'), for the replay test.
    await recordPlanHistories(client, a.workflowId, 'real-complete-plan-run');

    // 2. Production goes on in primary: new orders after the failback.
    const primaryDb = new DynamoDBClient(seedingClientConfig(where.primary.accountId, where.primary.region));
    await writeItems(primaryDb, 'orders', laterWrites(TABLES[0]!, 40));
    primaryDb.destroy();

    // 3. The first plan's history is deleted: Temporal forgets the id.
    await connection.workflowService.deleteWorkflowExecution({
      namespace: inject('temporalNamespace'),
      workflowExecution: { workflowId: planWorkflowId(planId) },
    });
    // Deletion is asynchronous in the server (a task queue of its own): under a loaded machine it has
    // taken over 20 s, so the bound is generous.
    const deadline = Date.now() + 180_000;
    for (;;) {
      const gone = await a.describe().then(
        () => false,
        () => true,
      );
      if (gone) break;
      if (Date.now() > deadline) throw new Error('the deleted history is still there after 180 s');
      await new Promise((r) => setTimeout(r, 250));
    }

    // A new incident: the application fails over again, to the same place (recovery re-seeded).
    const second = await seedScenario({ ...seed, stalePrimary: false });
    const before = await inventory(where.primary.accountId, where.primary.region);
    const tablesBefore = await contents(where.primary);
    expect(tablesBefore.orders?.count).toBe(30 + 40);

    // 4. A new plan with the same id: preflight refuses, naming each resource and the earlier plan.
    const b = await startPlan(client, taskQueue, {
      ...second.spec,
      maintenanceWindow: windowOpenNow(Date.now()),
    });
    const parked = await waitForStage(b, 'needs-attention', 120_000);
    const messages = parked.errors
      .filter((e) => e.type === 'PreflightFailed')
      .map((e) => e.message)
      .join('\n');
    for (const id of [restored['ec2-instance:shop-web'], 'shop-db', 'shop-aurora', 'orders', 'customers'])
      expect(messages, `preflight names ${id}`).toContain(id);
    expect(messages).toContain(`restored by an earlier plan ${planId}`);
    expect(parked.resources.some((r) => r.state === 'running' || r.restored)).toBe(false);
    await b.signal('abort', { by: 'olga', reason: 'the plan id was used before' });
    expect((await drive(b)).stage).toBe('aborted');
    expect(identity(await inventory(where.primary.accountId, where.primary.region))).toEqual(
      identity(before),
    );

    // 5. The same steps run anyway, as a new run of the plan (what a preflight that passed would have
    // let happen): the failback of every resource, then its compensation (nothing served traffic).
    const plan: PlanContext = newRun({
      planId,
      application: 'shop',
      // The databases' names, as preflight grants them (decision 0045).
      primary: await accessRole(planId, second.spec.primary, await specDatabaseGrants(second.spec)),
      recovery: second.spec.recovery,
    });
    const resources: ResolvedResource[] = (second.spec.resources ?? []).map((r) => ({
      key: resourceKey(r),
      kind: r.kind,
      source: r.source,
      target: r.target,
    }));
    const outcomes: Array<{ key: string; restored?: Restored; retirement?: Retirement; error?: string }> = [];
    for (const resource of resources) {
      const input = { plan, phase: 'failback' as const, resource };
      try {
        const { quiescedAt } = await runStep('quiesceSource', input);
        const recoveryPoint = await runStep('takeRecoveryPoint', { ...input, quiescedAt });
        const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
        const { restore } = await runStep('restoreAndVerify', { ...input, copy, recoveryPoint, quiescedAt });
        outcomes.push({
          key: resource.key,
          restored: restore.restored,
          ...(restore.retirement ? { retirement: restore.retirement } : {}),
        });
      } catch (error) {
        outcomes.push({ key: resource.key, error: (error as Error).message });
      }
    }
    // Adopted nothing: whatever it restored is a new resource, never one the earlier plan made.
    for (const o of outcomes) {
      if (!o.restored) continue;
      const earlier = restored[o.key];
      if (o.key.startsWith('ec2-instance')) expect(o.restored.id, o.key).not.toBe(earlier);
      const after = await inventory(where.primary.accountId, where.primary.region);
      if (o.key.startsWith('dynamodb-table'))
        expect(after.tables.find((t) => t.name === o.restored!.name)?.tags['failback:plan-run']).toBe(
          plan.planRun,
        );
    }
    for (const o of outcomes) {
      const resource = resources.find((r) => r.key === o.key)!;
      await runStep('compensateResource', {
        plan,
        phase: 'failback',
        resource,
        trafficServed: false,
        ...(o.retirement ? { retirement: o.retirement } : {}),
        ...(o.restored ? { restored: o.restored } : {}),
      });
    }
    // Destroyed nothing: primary is exactly as before, every table's content too.
    expect(identity(await inventory(where.primary.accountId, where.primary.region))).toEqual(
      identity(before),
    );
    expect(await contents(where.primary)).toEqual(tablesBefore);
  });
});
