import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { EmulatorAdmin, LoggedRequest } from '../../emulator/client.js';
import { exactInventory, type ExactInventory } from '../../scripts/scenario/exact/index.js';
import type { Scenario } from '../../scripts/scenario/seed.js';
import type { ResourceKind } from '../../src/domain/contract.js';
import { boundedAll } from '../../src/workflows/bounded.js';
import { startPlan } from '../support/plans.js';
import type { Sides } from './calls.js';
import { driveToAbort, type DriveOutcome } from './drive.js';
import { judge } from './judge.js';
import { enumeratePoints, holdFor, type AbortPoint, type RecordedRun } from './points.js';
import { seedVariant, type Variant } from './variants.js';

export interface MatrixContext {
  client: Client;
  taskQueue: string;
  admin: EmulatorAdmin;
}

export interface CaseResult {
  point: AbortPoint;
  ok: boolean;
  planId: string;
  /** Differences from the documented state, and the plan ending anywhere but `aborted`. */
  unexpected: string[];
  kept: string[];
  notes: string[];
  /** What the rule held when the abort was sent (operation and names), for the report. */
  held?: string;
  finalStage?: string;
  errors: string[];
  seconds: number;
}

const shortId = () => randomBytes(3).toString('hex');

/** Where each case's inventories go (git-ignored), so a difference can be read in full. */
export const RESULTS_DIR = path.resolve('test-results', 'abort-matrix');

function keepEvidence(planId: string, evidence: object): void {
  const dir = path.join(RESULTS_DIR, 'cases');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, `${planId}.json`), JSON.stringify(evidence, null, 1));
}

async function inventories(sides: Sides): Promise<{ primary: ExactInventory; recovery: ExactInventory }> {
  const [primary, recovery] = await Promise.all([
    exactInventory(sides.primary.accountId, sides.primary.region),
    // One account in two regions: its global resources (IAM, Route 53) are primary's.
    exactInventory(sides.recovery.accountId, sides.recovery.region, {
      global: sides.recovery.accountId !== sides.primary.accountId,
    }),
  ]);
  return { primary, recovery };
}

/** Waits until the plan's activities have stopped calling AWS in these accounts (one that ran on
 * beside the compensation would change what the inventory sees after it). */
async function quiet(admin: EmulatorAdmin, sides: Sides, quietMs = 2_000, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const accounts = [...new Set([sides.primary.accountId, sides.recovery.accountId])];
    const last = Math.max(
      0,
      ...(await Promise.all(accounts.map((a) => admin.requests({ account: a, caller: 'product' }))))
        .flatMap((r) => r.requests)
        .map((r) => r.time * 1000),
    );
    if (Date.now() - last >= quietMs || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function productCalls(admin: EmulatorAdmin, sides: Sides, since: number): Promise<LoggedRequest[]> {
  const accounts = [...new Set([sides.primary.accountId, sides.recovery.accountId])];
  const lists = await Promise.all(
    accounts.map((a) => admin.requests({ account: a, since, caller: 'product' })),
  );
  return lists.flatMap((l) => l.requests).sort((a, b) => a.seq - b.seq);
}

/** A plan that never settles (a compensation waiting forever) is terminated, so that its polling
 * stops before the inventory (what it left is what the case reports). */
async function stopIfUnsettled(handle: WorkflowHandle, outcome: DriveOutcome): Promise<void> {
  if (outcome.settled) return;
  await handle.terminate('abort matrix: the plan did not settle after the abort').catch(() => undefined);
}

const kindsOf = (scenario: Scenario): ResourceKind[] => (scenario.spec.resources ?? []).map((r) => r.kind);

function result(
  point: AbortPoint,
  planId: string,
  scenario: Scenario,
  before: { primary: ExactInventory; recovery: ExactInventory },
  after: { primary: ExactInventory; recovery: ExactInventory },
  outcome: DriveOutcome,
  startedAt: number,
): CaseResult {
  const judgement = judge(
    {
      planId,
      kinds: kindsOf(scenario),
      failbackStarted: point.failbackStarted,
      trafficServed: point.trafficServed,
    },
    { before: before.primary, after: after.primary },
    { before: before.recovery, after: after.recovery },
  );
  const final = outcome.final;
  const unexpected = [...judgement.unexpected];
  if (final?.stage !== 'aborted')
    unexpected.unshift(`the plan ended in ${final?.stage ?? 'no answer to its status query'}, not aborted`);
  if (outcome.notReached) unexpected.unshift('the abort point was not reached in this run');
  const held = outcome.trigger?.request;
  keepEvidence(planId, { point, outcome, before, after, judgement });
  return {
    point,
    ok: unexpected.length === 0,
    planId,
    unexpected,
    kept: judgement.kept,
    notes: outcome.notes,
    ...(held ? { held: `${held.operation} ${held.params.slice(0, 160)}` } : {}),
    ...(final ? { finalStage: final.stage } : {}),
    errors: (final?.errors ?? []).map(
      (e) => `${e.type}: ${e.message}${e.resource ? ` (${e.resource})` : ''}`,
    ),
    seconds: Math.round((Date.now() - startedAt) / 100) / 10,
  };
}

/**
 * The clean run: the plan up to the primary-validated gate, its calls read from the request log; then
 * the abort there (after the DNS cutover), judged like any other point.
 */
export async function recordRun(
  ctx: MatrixContext,
  variant: Variant,
): Promise<{ run: RecordedRun; atGate: CaseResult }> {
  const startedAt = Date.now();
  const planId = `am-${variant.id}-rec-${shortId()}`;
  const { scenario, sides } = await seedVariant(variant, planId);
  const before = await inventories(sides);
  const since = (await ctx.admin.requests({ since: Number.MAX_SAFE_INTEGER })).last;
  const handle = await startPlan(ctx.client, ctx.taskQueue, scenario.spec);
  let calls: LoggedRequest[] = [];
  let timeline: RecordedRun['timeline'] = [];
  const outcome = await driveToAbort(handle, {
    admin: ctx.admin,
    beforeAbort: async (status) => {
      calls = await productCalls(ctx.admin, sides, since);
      timeline = (status?.timeline ?? []).map((t) => ({ stage: t.stage, at: t.at }));
    },
  });
  await stopIfUnsettled(handle, outcome);
  await quiet(ctx.admin, sides);
  const after = await inventories(sides);
  const run: RecordedRun = { variant: variant.id, planId, sides, calls, timeline };
  const gate = enumeratePoints(run).find((p) => p.mode === 'at-gate')!;
  return { run, atGate: result(gate, planId, scenario, before, after, outcome, startedAt) };
}

/** One abort point on a fresh seed of the variant. */
export async function runCase(ctx: MatrixContext, variant: Variant, point: AbortPoint): Promise<CaseResult> {
  const startedAt = Date.now();
  const planId = `am-${variant.id}-${shortId()}`;
  const { scenario, sides } = await seedVariant(variant, planId);
  const before = await inventories(sides);
  const holdId = `abort-matrix-${planId}`;
  const hold = holdFor(point, sides, holdId)!;
  const accounts = [...new Set([sides.primary.accountId, sides.recovery.accountId])];
  if (hold.durations)
    for (const account of accounts)
      await ctx.admin.setAccountSettings(account, { durationsMs: hold.durations });
  await ctx.admin.addHold({ ...hold.rule, timeoutMs: 120_000 });
  let outcome: DriveOutcome;
  try {
    const handle = await startPlan(ctx.client, ctx.taskQueue, scenario.spec);
    outcome = await driveToAbort(handle, { admin: ctx.admin, holdId });
    await stopIfUnsettled(handle, outcome);
  } finally {
    await ctx.admin.removeHolds({ id: holdId });
  }
  await quiet(ctx.admin, sides);
  if (hold.durations) for (const account of accounts) await ctx.admin.clearAccountSettings(account);
  const after = await inventories(sides);
  return result(point, planId, scenario, before, after, outcome, startedAt);
}

export interface VariantResult {
  variant: Variant;
  points: AbortPoint[];
  results: CaseResult[];
  /** The clean run's mutating calls, for the report. */
  recordedCalls: number;
}

/** The variant's matrix: the clean run, then every chosen point on a fresh seed, a few at once. */
export async function runVariant(
  ctx: MatrixContext,
  variant: Variant,
  options: {
    choose?: (points: AbortPoint[]) => AbortPoint[];
    concurrency?: number;
    log?: (line: string) => void;
  },
): Promise<VariantResult> {
  const log = options.log ?? (() => undefined);
  const { run, atGate } = await recordRun(ctx, variant);
  const points = enumeratePoints(run);
  const chosen = (options.choose ?? ((p) => p))(points.filter((p) => p.mode !== 'at-gate'));
  log(`${variant.id}: ${points.length} abort points recorded, running ${chosen.length + 1}`);
  log(`${atGate.ok ? 'restored' : 'NOT RESTORED'}  ${atGate.point.id} (${atGate.seconds} s)`);
  const results = await boundedAll(chosen, options.concurrency ?? 3, async (point) => {
    const r = await runCase(ctx, variant, point);
    log(`${r.ok ? 'restored' : 'NOT RESTORED'}  ${point.id} (${r.seconds} s)`);
    return r;
  });
  return { variant, points, results: [atGate, ...results], recordedCalls: run.calls.length };
}
