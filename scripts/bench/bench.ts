import os from 'node:os';
import type { TimingModel } from '../../emulator/client.js';
import { mixFor } from './mix.js';
import { runPlan, type PlanRunResult } from './run-plan.js';
import { runRunbook, type RunbookResult } from './runbook/index.js';
import type { BenchStack } from './stack.js';

export interface BenchOptions {
  /** Plan sizes (resources), e.g. 10, 100, 500. */
  sizes: number[];
  /** Sizes of the sequential runbook baseline (empty: none). */
  runbookSizes: number[];
  itemsPerTable: number;
  /** Resources in flight per plan (plan option `concurrency`). */
  concurrency: number;
  log: (line: string) => void;
  /** Called with the result so far after every plan and runbook (the CLI rewrites BENCHMARKS.md). */
  onPartial?: (partial: BenchResult) => void;
}

/** A size that did not finish: the run goes on with the others and the report says so. */
export interface BenchFailure {
  what: 'plan' | 'runbook';
  size: number;
  error: string;
}

export interface RunbookFigure {
  size: number;
  /** Measured, or extrapolated linearly from the largest measured size. */
  runbookMs: number;
  extrapolated: boolean;
  oursMs: number;
  runbookOverOurs: number;
}

export interface BenchResult {
  startedAt: string;
  finishedAt: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memoryGiB: number;
    platform: string;
    node: string;
    /** 1, 5 and 15 minute load averages: other work on the machine skews the timings. */
    loadAverage: { atStart: number[]; atEnd: number[] };
  };
  command: string;
  profile: { name: string; scale: number; quotas: TimingModel['quotas'] };
  concurrency: number;
  plans: PlanRunResult[];
  runbooks: RunbookResult[];
  comparison: RunbookFigure[];
  failures: BenchFailure[];
}

const loadAverage = () => os.loadavg().map((l) => Math.round(l * 100) / 100);

function machine(loadAtStart: number[]): BenchResult['machine'] {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverage: { atStart: loadAtStart, atEnd: loadAverage() },
  };
}

/**
 * runbook / ours per plan size: measured where the runbook ran at that size, else extrapolated from
 * the largest measured runbook (sequential, so linear in the resources of each kind: the per-kind
 * times are scaled by the size's mix).
 */
export function compare(plans: PlanRunResult[], runbooks: RunbookResult[]): RunbookFigure[] {
  const largest = [...runbooks].sort((a, b) => b.size - a.size)[0];
  if (!largest) return [];
  return plans.map((plan) => {
    const measured = runbooks.find((r) => r.size === plan.size);
    let runbookMs: number;
    if (measured) runbookMs = measured.wallMs;
    else {
      const mix = mixFor(plan.size);
      runbookMs = (Object.keys(mix) as Array<keyof typeof mix>).reduce(
        (ms, kind) => ms + (largest.perKindMs[kind] ?? 0) * mix[kind],
        0,
      );
    }
    return {
      size: plan.size,
      runbookMs,
      extrapolated: !measured,
      oursMs: plan.wallMs,
      runbookOverOurs: runbookMs / plan.wallMs,
    };
  });
}

/**
 * The benchmark on a running stack: the plans up to the largest runbook size, the runbooks, then the larger plans. A size
 * that fails is recorded and the run goes on: a long run keeps what it measured.
 */
export async function runBench(
  stack: BenchStack,
  options: BenchOptions,
  command: string,
): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const loadAtStart = loadAverage();
  const plans: PlanRunResult[] = [];
  const runbooks: RunbookResult[] = [];
  const failures: BenchFailure[] = [];
  const result = (): BenchResult => ({
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: machine(loadAtStart),
    command,
    profile: { name: stack.model.name, scale: stack.model.scale, quotas: stack.model.quotas },
    concurrency: options.concurrency,
    plans: [...plans],
    runbooks: [...runbooks],
    comparison: compare(plans, runbooks),
    failures: [...failures],
  });
  const attempt = async (what: BenchFailure['what'], size: number, run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      options.log(`${what} of ${size} resources failed: ${message}`);
      failures.push({ what, size, error: message });
    }
    options.onPartial?.(result());
  };
  const runPlanOf = (size: number) =>
    attempt('plan', size, async () => {
      options.log(`— plan of ${size} resources`);
      plans.push(
        await runPlan(stack, {
          size,
          mix: mixFor(size),
          itemsPerTable: options.itemsPerTable,
          concurrency: options.concurrency,
          log: options.log,
        }),
      );
    });
  const runRunbookOf = (size: number) =>
    attempt('runbook', size, async () => {
      options.log(`— runbook baseline, ${size} resources one after another`);
      runbooks.push(
        await runRunbook(stack, {
          size,
          mix: mixFor(size),
          itemsPerTable: options.itemsPerTable,
          log: options.log,
        }),
      );
    });
  // The plans the runbooks are measured at, then the runbooks, then the larger plans: the longest
  // part of a run comes last, and whatever is cut short keeps the comparisons measured before it.
  const sizes = [...options.sizes].sort((a, b) => a - b);
  const largestRunbook = Math.max(0, ...options.runbookSizes);
  for (const size of sizes.filter((n) => n <= largestRunbook)) await runPlanOf(size);
  for (const size of [...options.runbookSizes].sort((a, b) => a - b)) await runRunbookOf(size);
  for (const size of sizes.filter((n) => n > largestRunbook)) await runPlanOf(size);
  return result();
}
