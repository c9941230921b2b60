import { phaseStatusQuery } from '../../src/domain/messages.js';
import type { PlanStatus } from '../../src/domain/status.js';
import { callsIn, difference, expectedIntervals, isDescribe, sum, type CallCounts } from './aws-calls.js';
import { figures, planHistories, type PlanHistory } from './histories.js';
import { lowerBound, type LowerBound } from './lower-bound.js';
import type { Mix } from './mix.js';
import { PlanDriver } from './plan-driver.js';
import { sampleUsage } from './process-usage.js';
import { seedBenchScenario } from './seed.js';
import type { BenchStack } from './stack.js';

export interface PlanRunOptions {
  size: number;
  mix: Mix;
  itemsPerTable: number;
  concurrency: number;
  log: (line: string) => void;
}

export interface TemporalCost {
  workflows: number;
  activities: number;
  activityRetries: Record<string, number>;
  /** The failbackPlan workflow itself. */
  planEvents: number;
  /** The failback phase workflow (the parent of the per-resource workflows). */
  failbackPhaseEvents: number;
  resourceWorkflowEvents: { workflows: number; events: number };
  /** Failback phase + its resource workflows, per resource. */
  failbackEventsPerResource: number;
  /** Every workflow of the plan (preflight to cleanup), per resource. */
  planEventsPerResource: number;
  byType: Record<string, { workflows: number; events: number }>;
}

export interface PlanRunResult {
  size: number;
  mix: Mix;
  planId: string;
  /** From the `failback` approval to the plan's restore-complete point (every resource verified). */
  wallMs: number;
  lowerBound: LowerBound;
  wallOverLowerBound: number;
  resourcesVerified: number;
  seedMs: number;
  /** The whole plan, start to completed (preflight, access stack, conclude recovery and cleanup included). */
  planMs: number;
  temporal: TemporalCost;
  aws: {
    /** Calls during the failback (approval to restore complete), by operation. */
    calls: CallCounts;
    callsPerResource: number;
    describeCalls: number;
    /** Describe calls per resource per expected-duration interval (aws-calls.ts). */
    describesPerResourceInterval: number;
    throttlesInjected: number;
    quotaRejections: number;
  };
  worker: { cpuSeconds: number; peakRssBytes: number };
  /** The emulator's CPU during the failback: near the wall time, it was the bottleneck. */
  emulator: { cpuSeconds: number; peakRssBytes: number };
  /** Where the time went: per kind, the mean and the longest duration of each pipeline step. */
  steps: StepFigures;
  /** Resources that failed with a throttling error (the plan parks; the run then fails). */
  throttlingFailures: number;
}

export type StepFigures = Record<string, Record<string, { meanMs: number; maxMs: number }>>;

/** Per kind and step, from the resources' own step timings in the plan's status. */
function stepFigures(status: PlanStatus): StepFigures {
  const samples: Record<string, Record<string, number[]>> = {};
  for (const r of status.resources) {
    for (const t of r.timings?.failback ?? []) {
      if (!t.finishedAt) continue;
      ((samples[r.kind] ??= {})[t.step] ??= []).push(Date.parse(t.finishedAt) - Date.parse(t.startedAt));
    }
  }
  const figures: StepFigures = {};
  for (const [kind, steps] of Object.entries(samples)) {
    figures[kind] = {};
    for (const [step, ms] of Object.entries(steps)) {
      figures[kind][step] = { meanMs: ms.reduce((a, b) => a + b, 0) / ms.length, maxMs: Math.max(...ms) };
    }
  }
  return figures;
}

const failbackOf = (histories: PlanHistory[]) =>
  histories.find((h) => h.type === 'failback') ?? { workflowId: '', type: 'failback', events: [] };

function temporalCost(histories: PlanHistory[], size: number): TemporalCost {
  const f = figures(histories);
  const phase = failbackOf(histories);
  const resources = histories.filter(
    (h) => h.type === 'resourceFailback' && h.workflowId.startsWith(`${phase.workflowId}-`),
  );
  const resourceEvents = resources.reduce((n, h) => n + h.events.length, 0);
  return {
    workflows: f.workflows,
    activities: f.activities,
    activityRetries: f.activityRetries,
    planEvents: f.parentEvents,
    failbackPhaseEvents: phase.events.length,
    resourceWorkflowEvents: { workflows: resources.length, events: resourceEvents },
    failbackEventsPerResource: (phase.events.length + resourceEvents) / size,
    planEventsPerResource: f.totalEvents / size,
    byType: f.byType,
  };
}

/**
 * One benchmark plan: seeds it, runs it to completion with every gate approved at once, and measures
 * the failback (approval → restore complete) against the emulator's lower bound, with its Temporal,
 * AWS and worker costs.
 */
export async function runPlan(stack: BenchStack, options: PlanRunOptions): Promise<PlanRunResult> {
  const { log, size } = options;
  const planId = `bench-${size}-${Date.now().toString(36)}`;
  const seedStarted = Date.now();
  const scenario = await seedBenchScenario({
    planId,
    mix: options.mix,
    itemsPerTable: options.itemsPerTable,
    concurrency: options.concurrency,
    log,
    admin: stack.emulator,
  });
  const seedMs = Date.now() - seedStarted;
  const bound = lowerBound(stack.model, options.mix, scenario.topology, scenario.sizes);
  log(
    `seeded in ${(seedMs / 1000).toFixed(1)} s; lower bound ${(bound.ms / 1000).toFixed(2)} s (${bound.dominant})`,
  );

  // Generous bounds: a plan 20× slower than its lower bound is a broken run, not a result.
  const patience = 120_000 + 20 * bound.ms + size * 1000;
  const planStarted = Date.now();
  const plan = await PlanDriver.start(stack.client, stack.taskQueue, scenario.spec, stack.model.scale);
  await plan.waitForGate('primary-ready', patience);
  await plan.approve('primary-ready');
  await plan.waitForGate('failback', patience);

  const accounts = [scenario.primary.accountId, scenario.recovery.accountId];
  const callsBefore = await callsIn(stack.emulator, accounts);
  const eventsBefore = await stack.emulator.events();
  const sinceSeq = eventsBefore.at(-1)?.seq ?? 0;
  const usage = sampleUsage(stack.workerPid);
  const emulatorUsage = sampleUsage(stack.emulatorPid);
  const approvedAt = Date.now();
  await plan.approve('failback');
  log(`failback approved: ${size} resources in flight (concurrency ${options.concurrency})`);
  const progress = async () => {
    const status = await plan.status();
    const phase = status.activePhase;
    if (!phase) return;
    const detail = await stack.client.workflow.getHandle(phase.workflowId).query(phaseStatusQuery);
    const states: Record<string, number> = {};
    for (const r of detail.resources) states[r.state] = (states[r.state] ?? 0) + 1;
    const slots = Object.entries(detail.copySlots)
      .map(([quota, s]) => `${quota} ${s.inUse}/${s.limit} (+${s.waiting} waiting)`)
      .join(', ');
    log(
      `  ${((Date.now() - approvedAt) / 1000).toFixed(0)} s: ${JSON.stringify(states)}; copy slots ${slots}`,
    );
  };
  await plan.waitUntil('restore complete', (at) => at.stage === 'awaiting-dns-cutover', patience, progress);
  const status = await plan.status();
  const workerUsage = usage.stop();
  const emulatorCpu = emulatorUsage.stop();
  const callsAfter = await callsIn(stack.emulator, accounts);
  const restoredAt = Date.parse(status.measurements.restoreCompletedAt ?? new Date().toISOString());
  const wallMs = restoredAt - approvedAt;
  log(
    `restore complete after ${(wallMs / 1000).toFixed(2)} s (${(wallMs / bound.ms).toFixed(2)} × the lower bound)`,
  );

  const events = (await stack.emulator.events({ since: sinceSeq })).filter((e) =>
    accounts.includes(e.account),
  );
  await plan.confirmDnsCutover();
  await plan.waitForGate('primary-validated', patience);
  await plan.approve('primary-validated');
  await plan.waitUntil('plan completed', (at) => at.stage === 'completed', patience);
  const planMs = Date.now() - planStarted;
  log(`plan completed (${(planMs / 1000).toFixed(1)} s in all); reading ${size}+ workflow histories…`);

  const histories = await planHistories(stack.client, plan.handle.workflowId);
  const calls = difference(callsAfter, callsBefore);
  const describeCalls = sum(calls, isDescribe);
  const verified = status.resources.filter((r) => r.verification?.ok).length;
  return {
    size,
    mix: options.mix,
    planId,
    wallMs,
    lowerBound: bound,
    wallOverLowerBound: wallMs / bound.ms,
    resourcesVerified: verified,
    seedMs,
    planMs,
    temporal: temporalCost(histories, size),
    aws: {
      calls,
      callsPerResource: sum(calls) / size,
      describeCalls,
      describesPerResourceInterval:
        describeCalls / expectedIntervals(stack.model, options.mix, scenario.topology),
      throttlesInjected: events.filter((e) => e.type === 'fault' && e.detail.faultType === 'throttle').length,
      quotaRejections: events.filter((e) => e.type === 'quota').length,
    },
    worker: workerUsage,
    emulator: emulatorCpu,
    steps: stepFigures(status),
    throttlingFailures: status.resources.filter((r) => r.lastError?.type === 'Throttled').length,
  };
}
