import type { Client, Connection } from '@temporalio/client';
import type { Activities } from '../../activities/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gate } from '../../domain/contract.js';
import { approveSignal } from '../../domain/messages.js';
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

describe('copy slots counted per volume', { timeout: 240_000 }, () => {
  let client: Client;
  let connection: Connection;
  let worker: RunningWorker;
  const taskQueue = uniqueTaskQueue('slot-units');
  let inFlight = 0;
  let peak = 0;

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
          await new Promise((r) => setTimeout(r, 400));
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
    const handle = await startPlan(client, taskQueue, spec());
    for (const gate of ['primary-ready', 'failback'] as Gate[]) {
      await waitForGate(handle, gate);
      await handle.signal(approveSignal, { gate, by: 'ana' });
    }
    const final = await waitForStatus(
      handle,
      (st) => st.waitingFor?.kind === 'dns-cutover',
      'dns cutover',
      180_000,
    );
    expect(final.resources.every((r) => r.state === 'succeeded')).toBe(true);
    expect(peak).toBeLessThanOrEqual(EBS_LIMIT);
    // Not one at a time either: as many three-volume copies as fit in the 20.
    expect(peak).toBe(Math.floor(EBS_LIMIT / VOLUMES) * VOLUMES);
    await handle.terminate('test done');
  });
});
