import type { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveSignal } from '../../domain/messages.js';
import type { PlanSpec, ResourceSpec } from '../../domain/plan-spec.js';
import { fakeActivities } from '../../../test/support/fake-activities.js';
import { figures, planHistories } from '../../../scripts/bench/histories.js';
import { startPlan, waitForGate, waitForStage } from '../../../test/support/plans.js';
import { validSpec } from '../../../test/support/specs.js';
import {
  startWorkerWith,
  testClient,
  uniqueTaskQueue,
  type RunningWorker,
} from '../../../test/support/temporal.js';
import { windowOpenNow } from '../../domain/window-times.js';

/** The benchmark's mix: 60% EC2, 15% RDS, 5% Aurora, 20% DynamoDB. */
export function mixedResources(count: number): ResourceSpec[] {
  return Array.from({ length: count }, (_, i): ResourceSpec => {
    const slot = i % 20;
    const hex = i.toString(16).padStart(8, '0');
    if (slot < 12) return { kind: 'ec2-instance', source: `i-${hex}0000abcd`, target: `web-${i}` };
    if (slot < 15) return { kind: 'rds-instance', source: `db-${i}`, target: `db-${i}` };
    if (slot < 16) return { kind: 'aurora-cluster', source: `aurora-${i}`, target: `aurora-${i}` };
    return { kind: 'dynamodb-table', source: `table-${i}`, target: `table-${i}` };
  });
}

// How much history a plan writes (DESIGN.md §3: the parent's history must not grow per resource step
// or polling attempt). Canned activities: the workflow code and its events are the real ones.
// Measured 2026-11-25 (200 resources, cross-region, test failback on, 60/15/5/20 mix): parent 115
// events; 31.8 events per resourceFailback run; 96.4 events per resource over the whole plan (two copy
// phases, quiesce, test cleanup, conclude, cleanup; phase workflows 1827-2589 events each).
describe('history size of a 200-resource plan', { timeout: 600_000 }, () => {
  let client: Client;
  let connection: Connection;
  let worker: RunningWorker;
  const taskQueue = uniqueTaskQueue('history');

  beforeAll(async () => {
    ({ client, connection } = await testClient());
    worker = await startWorkerWith(taskQueue, fakeActivities().activities, {
      maxConcurrentWorkflowTaskExecutions: 40,
    });
  });
  afterAll(async () => {
    await worker?.stop();
    await connection?.close();
  });

  it('keeps the parent small and the events per resource bounded', async () => {
    const count = 200;
    const spec: PlanSpec = {
      ...validSpec(),
      planId: `history-${Date.now().toString(36)}`,
      resources: mixedResources(count),
      maintenanceWindow: windowOpenNow(Date.now()),
      dnsCutover: {
        mode: 'route53',
        hostedZoneId: 'Z123',
        records: [{ name: 'shop.example.com', type: 'A', value: '10.0.0.1', ttl: 60 }],
      },
      options: { concurrency: 64 },
    };
    const handle = await startPlan(client, taskQueue, spec);
    for (const gate of ['primary-ready', 'test-failback', 'failback', 'primary-validated'] as const) {
      await waitForGate(handle, gate, 300_000);
      await handle.signal(approveSignal, { gate, by: 'ana' });
    }
    await waitForStage(handle, 'completed', 300_000);

    const f = figures(await planHistories(client, handle.workflowId));
    const perResource = f.totalEvents / count;
    const resourceChildren = f.byType.resourceFailback!;
    const perPipeline = resourceChildren.events / resourceChildren.workflows;
    console.log(
      `[history] ${count} resources: parent ${f.parentEvents} events, ${f.workflows} workflows, ${f.totalEvents} events in all = ` +
        `${perResource.toFixed(1)} per resource (two copy phases + cleanup phases); per resource pipeline run ${perPipeline.toFixed(1)}; ` +
        `by type ${JSON.stringify(f.byType)}`,
    );
    // The parent grows with phases and operator messages, not with resources or polling.
    expect(f.parentEvents).toBeLessThan(300);
    // Per resource and copy phase (one resourceFailback run plus its share of the phase workflow).
    expect(perPipeline).toBeLessThanOrEqual(36);
    expect(perResource).toBeLessThanOrEqual(110);
  });
});
