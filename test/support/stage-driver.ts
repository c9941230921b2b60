import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Gate } from '../../src/domain/contract.js';
import { abortSignal, approveSignal, dnsCutoverCompleteSignal } from '../../src/domain/messages.js';
import type { PlanSpec } from '../../src/domain/plan-spec.js';
import type { PlanStatus } from '../../src/domain/status.js';
import { HOUR_MS, windowFrom, windowOpenNow } from '../../src/domain/window-times.js';
import type { ActivityControl } from './activity-control.js';
import { startPlan, waitForGate, waitForStage, waitForStatus } from './plans.js';
import { validSpec } from './specs.js';

/**
 * Every place a plan can be in when a message arrives (the rows of the stage × message model test),
 * and how a plan with canned activities is brought there: gates approved by signal, an activity held
 * mid-flight to keep the plan inside a working stage, or failed once to park it.
 */
export const ROWS = [
  'preflight',
  'awaiting-primary-ready',
  'access-stack',
  'test-failback',
  'awaiting-test-validation',
  'awaiting-window, before it opens',
  'awaiting-window, open',
  'failback',
  'awaiting-dns-cutover',
  'awaiting-primary-validation',
  'conclude-recovery',
  'cleanup',
  'needs-attention in access-stack',
  'needs-attention in test-failback',
  'needs-attention in failback',
  'aborting, compensating',
  'aborting, needs-attention',
  'aborting, waiting for the DNS rollback',
  'completed',
  'aborted',
  'failed',
] as const;
export type Row = (typeof ROWS)[number];

interface Route {
  /** Gates approved (by signal) on the way, in order. */
  gates: Gate[];
  /** Confirm the manual DNS cutover on the way. */
  dns?: boolean;
  /** Hold this activity (phase/key filter) to stay in the row's stage. */
  hold?: [activity: string, key?: string];
  /** Fail this activity once to park the plan. */
  fail?: [activity: string, key?: string];
  /** Then abort at this gate (the abort rows). */
  abortAt?: Gate;
  /** The window opens in an hour instead of being open. */
  windowLater?: boolean;
  /** The spec breaks a plan rule. */
  invalid?: boolean;
  /** When the plan is there. */
  arrived: (s: PlanStatus) => boolean;
}

const waiting = (kind: string, gate?: string) => (s: PlanStatus) =>
  s.waitingFor?.kind === kind && (!gate || (s.waitingFor.kind === 'gate' && s.waitingFor.gate === gate));
const stage = (name: string) => (s: PlanStatus) => s.stage === name;
const PR: Gate = 'primary-ready';
const TF: Gate = 'test-failback';
const FB: Gate = 'failback';
const PV: Gate = 'primary-validated';

const ROUTES: Record<Row, Route> = {
  preflight: { gates: [], hold: ['preflightPlan'], arrived: stage('preflight') },
  'awaiting-primary-ready': { gates: [], arrived: waiting('gate', PR) },
  'access-stack': { gates: [PR], hold: ['ensureAccessStack'], arrived: stage('access-stack') },
  'test-failback': { gates: [PR], hold: ['takeRecoveryPoint'], arrived: stage('test-failback') },
  'awaiting-test-validation': { gates: [PR], arrived: waiting('gate', TF) },
  'awaiting-window, before it opens': { gates: [PR, TF], windowLater: true, arrived: waiting('gate', FB) },
  'awaiting-window, open': { gates: [PR, TF], arrived: waiting('gate', FB) },
  failback: { gates: [PR, TF, FB], hold: ['quiesceSource'], arrived: stage('failback') },
  'awaiting-dns-cutover': { gates: [PR, TF, FB], arrived: waiting('dns-cutover') },
  'awaiting-primary-validation': { gates: [PR, TF, FB], dns: true, arrived: waiting('gate', PV) },
  'conclude-recovery': {
    gates: [PR, TF, FB, PV],
    dns: true,
    hold: ['concludeRecovery'],
    arrived: stage('conclude-recovery'),
  },
  cleanup: {
    gates: [PR, TF, FB, PV],
    dns: true,
    hold: ['cleanupIntermediates'],
    arrived: stage('cleanup'),
  },
  'needs-attention in access-stack': {
    gates: [PR],
    fail: ['ensureAccessStack'],
    arrived: (s) => s.stage === 'needs-attention' && s.interruptedStage === 'access-stack',
  },
  'needs-attention in test-failback': {
    gates: [PR],
    fail: ['copyRecoveryPoint'],
    arrived: (s) => s.stage === 'needs-attention' && s.interruptedStage === 'test-failback',
  },
  'needs-attention in failback': {
    gates: [PR, TF, FB],
    fail: ['restoreAndVerify', ' failback'],
    arrived: (s) => s.stage === 'needs-attention' && s.interruptedStage === 'failback',
  },
  'aborting, compensating': {
    gates: [PR],
    abortAt: TF,
    hold: ['compensateResource'],
    arrived: (s) => s.stage === 'aborting' && s.activePhase?.phase === 'compensation',
  },
  'aborting, needs-attention': {
    gates: [PR],
    abortAt: TF,
    fail: ['compensateResource'],
    arrived: (s) => s.stage === 'needs-attention' && s.interruptedStage === 'aborting',
  },
  'aborting, waiting for the DNS rollback': {
    gates: [PR, TF, FB],
    dns: true,
    abortAt: PV,
    arrived: waiting('dns-rollback'),
  },
  completed: { gates: [PR, TF, FB, PV], dns: true, arrived: stage('completed') },
  aborted: { gates: [], abortAt: PR, arrived: stage('aborted') },
  failed: { gates: [], invalid: true, arrived: stage('failed') },
};

let counter = 0;

/** A manual-DNS spec (test failback on, two resources) with a plan id of its own. */
export function modelSpec(row: Row): PlanSpec {
  const route = ROUTES[row];
  const now = Date.now();
  const spec: PlanSpec = {
    ...validSpec(now),
    planId: `model-${now.toString(36)}-${++counter}`,
    maintenanceWindow: route.windowLater ? windowFrom(now, HOUR_MS, 3 * HOUR_MS) : windowOpenNow(now, 3),
  };
  // Recovery in primary's own account and region: a rule the API checks and a CLI start skips.
  if (route.invalid)
    spec.recovery = {
      ...spec.recovery,
      accountId: spec.primary.accountId,
      region: spec.primary.region,
      roleArn: `arn:aws:iam::${spec.primary.accountId}:role/dr-recovery`,
    };
  return spec;
}

/** Starts a plan and brings it to `row`; returns it with the status seen there. */
export async function reach(
  client: Client,
  taskQueue: string,
  control: ActivityControl,
  row: Row,
): Promise<{ handle: WorkflowHandle; spec: PlanSpec; at: PlanStatus }> {
  const route = ROUTES[row];
  const spec = modelSpec(row);
  let held: Promise<void> | undefined;
  if (route.hold) held = control.hold(spec.planId, route.hold[0], route.hold[1]);
  if (route.fail) control.failOnce(spec.planId, route.fail[0], route.fail[1]);
  const handle = await startPlan(client, taskQueue, spec);
  for (const gate of route.gates) {
    await waitForGate(handle, gate);
    await handle.signal(approveSignal, { gate, by: 'driver' });
    if (gate === FB && route.dns) {
      await waitForStatus(handle, waiting('dns-cutover'), 'dns cutover');
      await handle.signal(dnsCutoverCompleteSignal, { by: 'driver' });
    }
  }
  if (route.abortAt) {
    await waitForGate(handle, route.abortAt);
    await handle.signal(abortSignal, { by: 'driver', reason: `to reach ${row}` });
  }
  if (held) await held;
  const at = await waitForStatus(handle, route.arrived, row);
  if (route.arrived === ROUTES.completed.arrived) await waitForStage(handle, 'completed');
  return { handle, spec, at };
}
