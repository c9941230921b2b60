import { Context } from '@temporalio/activity';
import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gate } from '../../domain/contract.js';
import { approveSignal } from '../../domain/messages.js';
import { copySlotCoordinatorId } from '../../domain/naming.js';
import type { PlanSpec } from '../../domain/plan-spec.js';
import type { RegionSlotsSnapshot } from '../../domain/region-copy-slots.js';
import { QUOTA_LIMITS } from '../../domain/resources.js';
import { windowOpenNow } from '../../domain/window-times.js';
import { ActivityControl } from '../../../test/support/activity-control.js';
import { fakeActivities } from '../../../test/support/fake-activities.js';
import { startPlan, waitForGate, waitForStatus } from '../../../test/support/plans.js';
import { validSpec } from '../../../test/support/specs.js';
import {
  startWorkerWith,
  testClient,
  uniqueTaskQueue,
  type RunningWorker,
} from '../../../test/support/temporal.js';
import { regionCopySlotsQuery } from './messages.js';

// Issue 16, item 3: AWS counts concurrent cross-region DB snapshot copies per account and destination
// region (5), not per plan. Two plans into the same primary account and region, 7 cross-region RDS
// copies each, with copies that take a while: at no moment may more than 5 be in flight in all; a
// plan that dies holding slots gives them back. Canned activities (the copy is a wait), the real
// workflows and the real coordinator.
const RDS_LIMIT = QUOTA_LIMITS['rds-copy'];
const PER_PLAN = RDS_LIMIT + 2;

describe('copy-slot coordinator', { timeout: 240_000 }, () => {
  let client: Client;
  let connection: Connection;
  let worker: RunningWorker;
  const control = new ActivityControl();
  const taskQueue = uniqueTaskQueue('copy-slots');
  const coordinatorId = copySlotCoordinatorId(taskQueue, '111111111111', 'us-east-1');
  let inFlight = 0;
  let dyingCopies = 0;
  let hogGoes = false;
  let peak = 0;
  const copiesByPlan = new Map<string, number>();
  let overlapped = false;
  let n = 0;

  beforeAll(async () => {
    ({ client, connection } = await testClient());
    const fake = fakeActivities().activities;
    worker = await startWorkerWith(
      taskQueue,
      control.wrap({
        ...fake,
        async copyRecoveryPoint(input) {
          const plan = input.plan.planId;
          // The dying plan's copies are counted apart: they outlive its workflow until cancelled.
          const dying = plan.startsWith('slots-dead');
          if (dying) dyingCopies++;
          else inFlight++;
          peak = Math.max(peak, inFlight);
          copiesByPlan.set(plan, (copiesByPlan.get(plan) ?? 0) + 1);
          if ([...copiesByPlan.values()].filter((c) => c > 0).length > 1) overlapped = true;
          try {
            await new Promise((r) => setTimeout(r, 300));
            // The dying plan's copies never finish (until its workflow is gone: cancelled at heartbeat).
            const blocked = () => plan.startsWith('slots-dead') || (plan.startsWith('slots-hog') && !hogGoes);
            while (blocked() && !Context.current().cancellationSignal.aborted) {
              Context.current().heartbeat();
              await new Promise((r) => setTimeout(r, 50));
            }
            return await fake.copyRecoveryPoint(input);
          } finally {
            if (dying) dyingCopies--;
            else inFlight--;
            copiesByPlan.set(plan, copiesByPlan.get(plan)! - 1);
          }
        },
      }),
    );
  }, 180_000);
  afterAll(async () => {
    control.releaseAll();
    await worker?.stop();
    await connection?.close();
  });

  const spec = (app: string): PlanSpec => ({
    ...validSpec(),
    planId: `slots-${app}-${Date.now().toString(36)}-${++n}`,
    application: app,
    maintenanceWindow: windowOpenNow(Date.now(), 3),
    resources: Array.from({ length: PER_PLAN }, (_, i) => ({
      kind: 'rds-instance' as const,
      source: `${app}-db-${i}`,
      target: `${app}-db-${i}`,
    })),
    options: { testFailback: false, concurrency: PER_PLAN },
  });

  async function approve(handle: WorkflowHandle, ...gates: Gate[]) {
    for (const gate of gates) {
      await waitForGate(handle, gate);
      await handle.signal(approveSignal, { gate, by: 'ana' });
    }
  }

  const slotsNow = (): Promise<RegionSlotsSnapshot> =>
    client.workflow.getHandle(coordinatorId).query(regionCopySlotsQuery);

  async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const value = await read().catch(() => undefined);
      if (value !== undefined && done(value)) return value;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('recovers the slots of a plan terminated while it held them, then ends when idle', async () => {
    const s = spec('dead');
    const handle = await startPlan(client, taskQueue, s);
    await approve(handle, 'primary-ready', 'failback');
    const busy = await until('slots in use', slotsNow, (x) => x['rds-copy']!.inUse === RDS_LIMIT);
    expect(busy['rds-copy']!.plans[s.planId]).toEqual({ inUse: RDS_LIMIT, waiting: 0 });
    // Terminated as an operator might in the Web UI: no release is ever sent; children go with it.
    await handle.terminate('operator terminated the plan');
    await until(
      'slots given back',
      slotsNow,
      (x) => x['rds-copy']!.inUse === 0 && x['rds-copy']!.waiting === 0,
    );
    const ended = await until(
      'the idle coordinator to end',
      () => client.workflow.getHandle(coordinatorId).describe(),
      (d) => d.status.name !== 'RUNNING',
    );
    expect(ended.status.name).toBe('COMPLETED');
    // Its activities learn of the termination at their next heartbeat and stop.
    await until(
      'the dead plan’s copies to stop',
      async () => dyingCopies,
      (c) => c === 0,
    );
  });

  it('never lets two plans into one account and region exceed the quota together', async () => {
    peak = 0;
    overlapped = false;
    const [a, b] = [spec('shop'), spec('blog')];
    const handles = await Promise.all([a, b].map((s) => startPlan(client, taskQueue, s)));
    await Promise.all(handles.map((h) => approve(h, 'primary-ready', 'failback')));
    const finals = await Promise.all(
      handles.map((h) =>
        waitForStatus(h, (st) => st.waitingFor?.kind === 'dns-cutover', 'dns cutover', 180_000),
      ),
    );
    for (const final of finals) {
      expect(final.resources).toHaveLength(PER_PLAN);
      expect(final.resources.every((r) => r.state === 'succeeded')).toBe(true);
    }
    // Each plan alone may hold the whole quota; together they must share it.
    expect(peak).toBe(RDS_LIMIT);
    expect(overlapped).toBe(true);
    // Releases are signals sent as the phases end: every slot comes back (or the coordinator ended idle).
    await until(
      'every slot back',
      async () => (await slotsNow().catch(() => undefined)) ?? 'ended',
      (x) => x === 'ended' || (x['rds-copy']!.inUse === 0 && x['rds-copy']!.waiting === 0),
    );
    await Promise.all(handles.map((h) => h.terminate('test done')));
  });

  it('gets every request granted after the coordinator is terminated with requests queued', async () => {
    const [hog, lost] = [spec('hog'), spec('lost')];
    const hogHandle = await startPlan(client, taskQueue, hog);
    await approve(hogHandle, 'primary-ready', 'failback');
    await until(
      'the hog to hold every slot',
      slotsNow,
      (x) => x['rds-copy']!.plans[hog.planId]?.inUse === RDS_LIMIT,
    );
    const lostHandle = await startPlan(client, taskQueue, lost);
    await approve(lostHandle, 'primary-ready', 'failback');
    await until(
      'the other plan to queue',
      slotsNow,
      (x) => x['rds-copy']!.plans[lost.planId]?.waiting === RDS_LIMIT,
    );
    // An operator terminates the coordinator: its queue is gone; the phases send theirs again.
    await client.workflow.getHandle(coordinatorId).terminate('operator terminated the coordinator');
    hogGoes = true;
    const finals = await Promise.all(
      [hogHandle, lostHandle].map((h) =>
        waitForStatus(h, (st) => st.waitingFor?.kind === 'dns-cutover', 'dns cutover', 120_000),
      ),
    );
    for (const final of finals) expect(final.resources.every((r) => r.state === 'succeeded')).toBe(true);
    await Promise.all([hogHandle, lostHandle].map((h) => h.terminate('test done')));
  });
});
