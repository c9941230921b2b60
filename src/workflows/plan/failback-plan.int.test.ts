import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventory, type Inventory } from '../../../scripts/scenario/inventory.js';
import { seedScenario, type Scenario } from '../../../scripts/scenario/seed.js';
import { startPlan, waitForGate, waitForStage, waitForStatus } from '../../../test/support/plans.js';
import { recordPlanHistories } from '../../../test/support/record-history.js';
import {
  expectPrimaryFailedBack,
  expectRecoveryConcluded,
  expectUnchanged,
  recordValue,
} from '../../../test/support/scenario-checks.js';
import {
  startTestWorker,
  testClient,
  uniqueTaskQueue,
  type RunningWorker,
} from '../../../test/support/temporal.js';
import type { Gate, Stage } from '../../domain/contract.js';
import { abortSignal, approveSignal, dnsCutoverCompleteSignal } from '../../domain/messages.js';
import { windowOpenNow } from '../../domain/window-times.js';

// The whole plan with the real activities against the emulator (cross-account and cross-region),
// signals through the Temporal client; both environments are checked in the emulator afterwards.
let accountSeq = 0;
function accounts() {
  const base = 420_000_000_000 + (Date.now() % 1_000_000) * 100 + ++accountSeq * 2;
  return {
    primary: { accountId: String(base), region: 'us-east-1' },
    recovery: { accountId: String(base + 1), region: 'us-west-2' },
  };
}

async function seed(planId: string, dns: 'manual' | 'route53'): Promise<Scenario> {
  const scenario = await seedScenario({
    planId,
    ...accounts(),
    ec2Instances: 2,
    auroraReaders: 1,
    tables: [
      { name: 'orders', shape: 'orders', items: 400 },
      { name: 'customers', shape: 'customers', items: 60 },
      { name: 'audit', shape: 'audit', items: 0 },
    ],
    dns,
  });
  scenario.spec.maintenanceWindow = windowOpenNow(Date.now(), 3);
  return scenario;
}

const both = async (s: Scenario): Promise<[Inventory, Inventory]> =>
  Promise.all([
    inventory(s.spec.primary.accountId, s.spec.primary.region),
    inventory(s.spec.recovery.accountId, s.spec.recovery.region),
  ]);

describe('failbackPlan with the real activities', { timeout: 420_000 }, () => {
  let client: Client;
  let connection: Connection;
  let worker: RunningWorker;
  const taskQueue = uniqueTaskQueue('plan');

  beforeAll(async () => {
    ({ client, connection } = await testClient());
    worker = await startTestWorker(taskQueue);
  });
  afterAll(async () => {
    await worker?.stop();
    await connection?.close();
  });

  async function approve(handle: WorkflowHandle, gate: Gate) {
    await waitForGate(handle, gate, 180_000);
    await handle.signal(approveSignal, { gate, by: 'ana', comment: `checked ${gate}` });
  }

  for (const dns of ['manual', 'route53'] as const) {
    it(`fails the application back end to end (${dns} DNS)`, async () => {
      const scenario = await seed(`e2e-${dns}-${Date.now().toString(36)}`, dns);
      const [primaryBefore, recoveryBefore] = await both(scenario);
      const handle = await startPlan(client, taskQueue, scenario.spec);
      await approve(handle, 'primary-ready');
      await approve(handle, 'test-failback');
      await approve(handle, 'failback');
      if (dns === 'manual') {
        await waitForStatus(handle, (s) => s.waitingFor?.kind === 'dns-cutover', 'dns cutover', 180_000);
        await handle.signal(dnsCutoverCompleteSignal, {
          by: 'ana',
          details: 'CNAME flipped at the registrar',
        });
      }
      await approve(handle, 'primary-validated');
      const final = await waitForStage(handle, 'completed', 180_000);

      expect(final.timeline.map((t) => t.stage)).toEqual<Stage[]>([
        'preflight',
        'awaiting-primary-ready',
        'access-stack',
        'test-failback',
        'awaiting-test-validation',
        'awaiting-window',
        'failback',
        'awaiting-dns-cutover',
        'awaiting-primary-validation',
        'conclude-recovery',
        'cleanup',
        'completed',
      ]);
      expect(final.audit.map((a) => `${a.action}:${a.gate ?? ''}:${a.by}:${a.outcome}`)).toEqual([
        'start::test-operator:accepted',
        'approve:primary-ready:ana:accepted',
        'approve:test-failback:ana:accepted',
        'approve:failback:ana:accepted',
        ...(dns === 'manual' ? ['dnsCutoverComplete::ana:accepted'] : []),
        'approve:primary-validated:ana:accepted',
      ]);
      expect(final.errors).toEqual([]);
      for (const r of final.resources) {
        expect(r.verification?.ok, `${r.key} verified`).toBe(true);
        expect(
          Date.parse(r.recoveryPoint!.capturedAt),
          `${r.key}: final recovery point after quiesce`,
        ).toBeGreaterThanOrEqual(Date.parse(final.measurements.quiescedAt!) - 1000);
      }

      const [primaryAfter, recoveryAfter] = await both(scenario);
      expectPrimaryFailedBack(primaryBefore, primaryAfter, recoveryBefore, scenario);
      expectRecoveryConcluded(recoveryAfter, scenario);
      if (dns === 'route53') {
        const { primary } = scenario.spec;
        expect(
          await recordValue(
            primary.accountId,
            primary.region,
            scenario.hostedZoneId!,
            scenario.dnsRecord!.name,
          ),
        ).toBe(scenario.dnsRecord!.primaryValue);
        expect(final.dns.previousRecords?.[0]?.value).toBe(scenario.dnsRecord!.recoveryValue);
      }
      await recordPlanHistories(client, handle.workflowId, `real-complete-${dns}-run-owned`);
    });
  }

  // Abort at a stage: primary is as it was before the plan, recovery's live resources untouched.
  const aborts: Array<{ at: Stage; gates: Gate[]; midPhase?: boolean }> = [
    { at: 'awaiting-test-validation', gates: ['primary-ready'] },
    // In the middle of the failback: activities are cancelled, what they made is found by its tags.
    { at: 'failback', gates: ['primary-ready', 'test-failback', 'failback'], midPhase: true },
    { at: 'awaiting-primary-validation', gates: ['primary-ready', 'test-failback', 'failback'] },
  ];
  for (const { at, gates, midPhase } of aborts) {
    it(`aborted in ${at}, leaves primary as it was and recovery unchanged`, async () => {
      const scenario = await seed(
        `abort-${at.replace(/[^a-z]/g, '').slice(-8)}-${Date.now().toString(36)}`,
        'route53',
      );
      const [primaryBefore, recoveryBefore] = await both(scenario);
      const handle = await startPlan(client, taskQueue, scenario.spec);
      for (const gate of gates) await approve(handle, gate);
      if (midPhase)
        await waitForStatus(
          handle,
          (s) => s.stage === at && s.activePhase !== undefined,
          `${at} running`,
          180_000,
        );
      else await waitForStage(handle, at, 180_000);
      await handle.signal(abortSignal, { by: 'ana', reason: `abort test in ${at}` });
      const final = await waitForStage(handle, 'aborted', 180_000);
      expect(final.outcome).toMatchObject({ result: 'aborted' });
      const [primaryAfter, recoveryAfter] = await both(scenario);
      expectUnchanged(primaryBefore, primaryAfter, 'primary', scenario.spec.planId);
      expectUnchanged(recoveryBefore, recoveryAfter, 'recovery', scenario.spec.planId);
      expect(primaryAfter.stacks).toEqual([]);
      const { primary } = scenario.spec;
      expect(
        await recordValue(
          primary.accountId,
          primary.region,
          scenario.hostedZoneId!,
          scenario.dnsRecord!.name,
        ),
      ).toBe(scenario.dnsRecord!.recoveryValue);
      await recordPlanHistories(client, handle.workflowId, `real-abort-${at}-run-owned`);
    });
  }

  it('finishes with no duplicate resource when the worker stops mid-phase and another takes over', async () => {
    const scenario = await seed(`restart-${Date.now().toString(36)}`, 'manual');
    scenario.spec.options = { ...scenario.spec.options, testFailback: false };
    const [primaryBefore, recoveryBefore] = await both(scenario);
    const queue = uniqueTaskQueue('restart');
    let first = await startTestWorker(queue);
    const handle = await startPlan(client, queue, scenario.spec);
    await approve(handle, 'primary-ready');
    await approve(handle, 'failback');
    await waitForStatus(
      handle,
      (s) => s.stage === 'failback' && s.activePhase !== undefined,
      'failback running',
      180_000,
    );
    await first.stop(); // in-flight activities are cancelled: their retries run on the next worker
    first = await startTestWorker(queue);
    try {
      await waitForStatus(handle, (s) => s.waitingFor?.kind === 'dns-cutover', 'dns cutover', 240_000);
      await handle.signal(dnsCutoverCompleteSignal, { by: 'ana' });
      await approve(handle, 'primary-validated');
      await waitForStage(handle, 'completed', 180_000);
    } finally {
      await first.stop();
    }
    const [primaryAfter] = await both(scenario);
    expectPrimaryFailedBack(primaryBefore, primaryAfter, recoveryBefore, scenario);
  });
});
