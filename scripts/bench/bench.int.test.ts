import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../stack/paths.js';
import type { BenchResult } from './bench.js';
import { mixFor, mixTotal } from './mix.js';

/**
 * `npm run bench` end to end at a tiny size: its own Temporal dev server, emulator (realistic
 * profile) and worker process, a plan of 4 resources (one of each kind) and a runbook of 4. Checks
 * the report's structure and that its figures agree with each other and with the plan, never how
 * fast anything was.
 */
const SIZE = 4;
const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
const out = path.join(dir, 'BENCHMARKS.md');
let result: BenchResult;
let stderr = '';

/** The child gets its own stack: none of the test run's Temporal, emulator or AWS settings. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(AWS_|TEMPORAL_|FAILBACK_)/.test(key) && key !== 'FAILBACK_CACHE_DIR') continue;
    env[key] = value;
  }
  return env;
}

beforeAll(async () => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(REPO_ROOT, 'scripts/bench/cli.ts'),
      '--sizes',
      String(SIZE),
      '--runbook-sizes',
      String(SIZE),
      '--items',
      '50',
      '--json',
      '--out',
      out,
    ],
    { cwd: REPO_ROOT, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`npm run bench exited with ${code}:\n${stderr.slice(-4000)}`);
  result = JSON.parse(stdout) as BenchResult;
}, 170_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('npm run bench (smoke, 4 resources)', () => {
  it('prints its progress', () => {
    expect(stderr).toContain('[bench] — plan of 4 resources');
    expect(stderr).toContain('[bench] failback approved');
    expect(stderr).toContain('[bench] — runbook baseline, 4 resources');
  });

  it('runs one plan with one resource of each kind, every one verified', () => {
    expect(result.profile.name).toBe('realistic');
    expect(result.profile.scale).toBeCloseTo(1 / 600);
    expect(result.plans).toHaveLength(1);
    const [plan] = result.plans;
    expect(plan!.mix).toEqual(mixFor(SIZE));
    expect(mixTotal(plan!.mix)).toBe(SIZE);
    expect(plan!.mix).toEqual({ ec2: 1, rds: 1, aurora: 1, dynamodb: 1 });
    expect(plan!.resourcesVerified).toBe(SIZE);
    expect(plan!.throttlingFailures).toBe(0);
  });

  it('computes a positive lower bound that the plan does not beat', () => {
    const plan = result.plans[0]!;
    const bound = plan.lowerBound;
    expect(bound.ms).toBeGreaterThan(0);
    const quotaMax = Math.max(0, ...bound.quotaClasses.map((q) => q.totalMs));
    expect(bound.ms).toBe(Math.max(bound.longestChain!.ms, quotaMax));
    expect(Object.keys(bound.chainMs).sort()).toEqual(['aurora', 'dynamodb', 'ec2', 'rds']);
    expect(plan.wallOverLowerBound).toBeCloseTo(plan.wallMs / bound.ms, 6);
    // The bound is built from the emulator's own durations: no schedule can finish before it.
    expect(plan.wallMs).toBeGreaterThanOrEqual(bound.ms);
  });

  it('counts Temporal work for every resource of the plan', () => {
    const { temporal } = result.plans[0]!;
    expect(temporal.resourceWorkflowEvents.workflows).toBe(SIZE);
    expect(temporal.byType.resourceFailback?.workflows).toBe(SIZE);
    expect(temporal.workflows).toBeGreaterThan(SIZE);
    expect(temporal.activities).toBeGreaterThan(SIZE);
    expect(temporal.failbackEventsPerResource).toBeCloseTo(
      (temporal.failbackPhaseEvents + temporal.resourceWorkflowEvents.events) / SIZE,
      6,
    );
    expect(temporal.planEvents).toBeGreaterThan(0);
  });

  it('counts the AWS calls of the failback by operation: one copy per resource that copies', () => {
    const { aws, mix } = result.plans[0]!;
    expect(aws.calls['ec2:CopyImage']).toBe(mix.ec2);
    expect(aws.calls['rds:CopyDBSnapshot']).toBe(mix.rds);
    expect(aws.calls['rds:CopyDBClusterSnapshot']).toBe(mix.aurora);
    expect(aws.calls['ec2:RunInstances']).toBe(mix.ec2);
    const total = Object.values(aws.calls).reduce((a, b) => a + b, 0);
    expect(aws.callsPerResource).toBeCloseTo(total / SIZE, 6);
    expect(aws.describeCalls).toBeGreaterThan(0);
    expect(aws.describeCalls).toBeLessThan(total);
    expect(aws.describesPerResourceInterval).toBeGreaterThan(0);
  });

  it('measures the worker process', () => {
    const { worker } = result.plans[0]!;
    expect(worker.cpuSeconds).toBeGreaterThan(0);
    expect(worker.peakRssBytes).toBeGreaterThan(0);
  });

  it('compares against the runbook measured at the same size', () => {
    expect(result.runbooks).toHaveLength(1);
    const runbook = result.runbooks[0]!;
    expect(runbook.size).toBe(SIZE);
    expect(runbook.calls['ec2:CopyImage']).toBe(1);
    expect(Object.keys(runbook.perKindMs).sort()).toEqual(['aurora', 'dynamodb', 'ec2', 'rds']);
    expect(result.comparison).toEqual([
      {
        size: SIZE,
        runbookMs: runbook.wallMs,
        extrapolated: false,
        oursMs: result.plans[0]!.wallMs,
        runbookOverOurs: runbook.wallMs / result.plans[0]!.wallMs,
      },
    ]);
  });

  it('writes BENCHMARKS.md with the machine, the command and the targets', () => {
    const md = readFileSync(out, 'utf8');
    expect(md).toContain('<!-- bench:results:start');
    expect(md).toContain('<!-- bench:results:end -->');
    expect(md).toContain(`Machine: ${os.cpus().length} ×`);
    expect(md).toContain('npm run bench');
    expect(md).toContain('### Targets');
    for (const target of [
      'wall / lower bound ≤ 1.10',
      'runbook / ours ≥ 20',
      '≤ 40 history events per resource',
    ])
      expect(md).toContain(target);
  });
});
