import type { Client, Connection } from '@temporalio/client';
import type { Activities } from '../../activities/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gate } from '../../domain/contract.js';
import { approveSignal, phaseStatusQuery } from '../../domain/messages.js';
import { phaseWorkflowId } from '../../domain/naming.js';
import type { PlanSpec } from '../../domain/plan-spec.js';
import { QUOTA_LIMITS } from '../../domain/resources.js';
import { windowOpenNow } from '../../domain/window-times.js';
import { fakeActivities } from '../../../test/support/fake-activities.js';
import { startPlan, waitForGate, waitForStatus } from '../../../test/support/plans.js';
import { validSpec } from '../../../test/support/specs.js';
import {
  startWorkerWith,
  testClient,
  uniqueTaskQueue,
  type RunningWorker,
} from '../../../test/support/temporal.js';

// AWS counts an AMI copy as one EBS snapshot copy per volume against the 20 concurrent copies of a
// destination region (the emulator refuses past that with ResourceLimitExceeded). Eight instances of
// three volumes each are 24 snapshot copies: given one slot each, all eight copy at once and AWS
// refuses; counted in units, at most six (18 copies) are in flight. Canned activities (the copy is
// a wait that counts the snapshot copies in flight), the real workflows and coordinator.
const EBS_LIMIT = QUOTA_LIMITS['ebs-copy'];
const VOLUMES = 3;
const INSTANCES = 8;
const FITTING = Math.floor(EBS_LIMIT / VOLUMES); // 6

describe('copy slots counted per volume', { timeout: 240_000 }, () => {
  let client: Client;
  let connection: Connection;
  let worker: RunningWorker;
  const taskQueue = uniqueTaskQueue('slot-units');
  let inFlight = 0;
  let peak = 0;
  let copiesGo = false;

  beforeAll(async () => {
    ({ client, connection } = await testClient());
    const fake = fakeActivities().activities;
    const activities: Activities = {
      ...fake,
      async preflightPlan(input) {
        const out = await fake.preflightPlan(input);
        // What the real preflight records of an EC2 source: its volumes and their GiB.
        const resources = out.resources.map((r) => ({
          ...r,
          sourceDetails: { volumes: VOLUMES, sizeGiB: 30 * VOLUMES },
        }));
        return { ...out, resources };
      },
      async copyRecoveryPoint(input) {
        const snapshots = Number(input.resource.sourceDetails?.volumes ?? 1);
        inFlight += snapshots;
        peak = Math.max(peak, inFlight);
        try {
          // Held until the test has seen who copies and who waits (no timing involved).
          while (!copiesGo) await new Promise((r) => setTimeout(r, 50));
          return await fake.copyRecoveryPoint(input);
        } finally {
          inFlight -= snapshots;
        }
      },
    };
    worker = await startWorkerWith(taskQueue, activities);
  }, 180_000);
  afterAll(async () => {
    await worker?.stop();
    await connection?.close();
  });

  const spec = (): PlanSpec => ({
    ...validSpec(),
    planId: `units-${Date.now().toString(36)}`,
    application: 'fleet',
    maintenanceWindow: windowOpenNow(Date.now(), 3),
    resources: Array.from({ length: INSTANCES }, (_, i) => ({
      kind: 'ec2-instance' as const,
      source: `i-${(0xabc000 + i).toString(16).padStart(17, '0')}`,
      target: `fleet-web-${i}`,
    })),
    options: { testFailback: false, concurrency: INSTANCES },
  });

  it('never has more snapshot copies in flight than the region allows', async () => {
    const plan = spec();
    const planId = plan.planId;
    const handle = await startPlan(client, taskQueue, plan);
    for (const gate of ['primary-ready', 'failback'] as Gate[]) {
      await waitForGate(handle, gate);
      await handle.signal(approveSignal, { gate, by: 'ana' });
    }
    // As many three-volume copies as fit in the 20 start (18 snapshot copies); the other two wait.
    const phase = client.workflow.getHandle(phaseWorkflowId(planId, 'failback'));
    const deadline = Date.now() + 120_000;
    let slots: Record<string, { limit: number; inUse: number; waiting: number }> | undefined;
    for (;;) {
      slots = (await phase.query(phaseStatusQuery).catch(() => undefined))?.copySlots;
      if (inFlight === FITTING * VOLUMES && slots?.['ebs-copy']?.waiting === INSTANCES - FITTING) break;
      if (Date.now() > deadline)
        throw new Error(`timed out: ${inFlight} snapshot copies in flight, slots ${JSON.stringify(slots)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(slots!['ebs-copy']).toEqual({
      limit: EBS_LIMIT,
      inUse: FITTING * VOLUMES,
      waiting: INSTANCES - FITTING,
    });
    expect(peak).toBe(FITTING * VOLUMES);
    copiesGo = true;
    const final = await waitForStatus(
      handle,
      (st) => st.waitingFor?.kind === 'dns-cutover',
      'dns cutover',
      180_000,
    );
    expect(final.resources.every((r) => r.state === 'succeeded')).toBe(true);
    expect(peak).toBeLessThanOrEqual(EBS_LIMIT);
    await handle.terminate('test done');
  });
});
