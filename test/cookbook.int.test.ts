import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PlanDetail, PlanSummary } from '../src/api/schemas/plans.js';
import type { PlanStatus } from '../src/domain/status.js';
import { eventually, newPlanId, startTestApi, TOKENS, type TestApi } from './support/api.js';
import { cookbookCommands, withWindowOpenAt, type CookbookCommand } from './support/cookbook.js';
import { PLAN_NAMES, RULES, type PlanName, type Rule } from './support/cookbook-rules.js';
import { fakeActivities } from './support/fake-activities.js';
import { validSpec } from './support/specs.js';
import { startWorkerWith, uniqueTaskQueue, type RunningWorker } from './support/temporal.js';

/**
 * Runs every command of README.md's "Operating a failback", as written there, with curl and the real
 * `temporal` binary against a real Temporal server and the API on a loopback port. The commands drive
 * real plan workflows through their gates; the plans' AWS steps are the canned activities of the
 * workflow tests, since this checks the commands, not AWS. Each command is matched by exactly one rule
 * (support/cookbook-rules.ts), which says on which plan it runs, what the plan must be waiting for first, and what must follow.
 */
const run = promisify(execFile);
const taskQueue = uniqueTaskQueue('cookbook');
const plans = Object.fromEntries(
  PLAN_NAMES.map((name) => [name, newPlanId(`book-${name.toLowerCase()}`)]),
) as Record<PlanName, string>;

let api: TestApi;
let worker: RunningWorker;
let apiUrl: string;
let workDir: string;
let binDir: string;

async function statusOf(plan: string): Promise<PlanStatus> {
  const response = await api.request('viewer', { method: 'GET', url: `/v1/plans/${plan}` });
  expect(response.statusCode, response.body).toBe(200);
  const status = response.json<PlanDetail>().status;
  expect(status).not.toBeNull();
  return status as PlanStatus;
}

async function waitFor(plan: string, before: NonNullable<Rule['before']>): Promise<void> {
  await eventually(async () => {
    const status = await statusOf(plan);
    const w = status.waitingFor;
    if (before.waitingFor) expect(w?.kind === 'gate' ? `gate:${w.gate}` : w?.kind).toBe(before.waitingFor);
    if (before.stage) expect(status.stage).toBe(before.stage);
    if (before.listed) {
      const listed = await api.request('viewer', { method: 'GET', url: `/v1/plans?pageSize=200` });
      const row = listed.json<{ plans: PlanSummary[] }>().plans.find((p) => p.planId === plan);
      expect(row?.stage).toBe(status.stage);
    }
  }, 60_000);
}

const nameOf = (plan: string) => PLAN_NAMES.find((name) => plans[name] === plan)!;

/** Prepares a plan through the API: started, and driven to a gate or to needs-attention. */
async function prepare(plan: string, until: 'started' | 'gate:test-failback' | 'operator'): Promise<void> {
  const started = await api.request('operator', {
    method: 'POST',
    url: '/v1/plans',
    payload: spec(nameOf(plan)),
  });
  expect(started.statusCode, started.body).toBe(201);
  if (until === 'started') return;
  await waitFor(plan, { waitingFor: 'gate:primary-ready' });
  const approve = { gate: 'primary-ready', decision: 'approve' };
  const approved = await api.request('approver', {
    method: 'POST',
    url: `/v1/plans/${plan}/approvals`,
    payload: approve,
  });
  expect(approved.statusCode, approved.body).toBe(202);
  await waitFor(plan, { waitingFor: until });
}

/**
 * The README's plan is `main` (application shop). The others are plans of applications and resources
 * of their own: two active plans on the same application or resources are refused (decision 0033).
 */
const suffix = (name: PlanName) => (name === 'main' ? '' : `-${name.toLowerCase()}`);
const spec = (name: PlanName) => {
  const base = validSpec();
  return {
    ...base,
    planId: plans[name],
    application: `shop${suffix(name)}`,
    resources: base.resources!.map((r) => ({
      ...r,
      source: `${r.source}${suffix(name)}`,
      target: `${r.target}${suffix(name)}`,
    })),
    maintenanceWindow: undefined,
  };
};

beforeAll(async () => {
  // Two injected failures, each taken by the first plan to reach it: the retry plans are prepared first.
  const failOnce = new Set([
    'ensureAccessStack:',
    `takeRecoveryPoint:rds-instance:shop-db${suffix('cliRetry')}`,
  ]);
  worker = await startWorkerWith(taskQueue, fakeActivities({ failOnce }).activities);
  api = await startTestApi(taskQueue);
  apiUrl = await api.app.listen({ host: '127.0.0.1', port: 0 });
  workDir = mkdtempSync(path.join(tmpdir(), 'failback-cookbook-'));
  binDir = path.join(workDir, 'bin');
  mkdirSync(binDir);
  symlinkSync(inject('temporalCli'), path.join(binDir, 'temporal'));
  for (const name of PLAN_NAMES) {
    mkdirSync(path.join(workDir, plans[name]));
    writeFileSync(path.join(workDir, plans[name], 'plan.json'), JSON.stringify(spec(name), null, 2));
  }
  await prepare(plans.retry, 'operator'); // access stack fails: needs-attention
  await prepare(plans.cliRetry, 'operator'); // its test failback fails: needs-attention
  await prepare(plans.reject, 'gate:test-failback');
  await prepare(plans.cliReject, 'gate:test-failback');
  await prepare(plans.abort, 'started');
  await prepare(plans.cliAbort, 'started');
}, 180_000);

afterAll(async () => {
  await api?.close();
  await worker?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

/** The README's window dates become a window open now, so the plan can go on. */
function forThisRun(text: string): string {
  return withWindowOpenAt(text, Date.now()).replace('--task-queue failback ', `--task-queue ${taskQueue} `);
}

async function runCommand(command: CookbookCommand, plan: string): Promise<string> {
  const env = {
    ...process.env,
    PATH: `${binDir}:${process.env.PATH ?? ''}`,
    API: apiUrl,
    PLAN: plan,
    OPERATOR_TOKEN: TOKENS.operator.token,
    APPROVER_TOKEN: TOKENS.approver.token,
    VIEWER_TOKEN: TOKENS.viewer.token,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
  };
  try {
    const { stdout } = await run('bash', ['-c', forThisRun(command.text)], {
      cwd: path.join(workDir, plan),
      env,
      timeout: 60_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    throw new Error(
      `README.md:${command.line} exited ${e.code}:\n${command.text}\n${e.stdout ?? ''}${e.stderr ?? ''}`,
      { cause: error },
    );
  }
}

describe('README "Operating a failback": every command works as written', () => {
  const commands = cookbookCommands(readFileSync('README.md', 'utf8'), 'Operating a failback');

  it('has a rule for each command, and each rule matches exactly one command', () => {
    for (const command of commands) {
      const rules = RULES.filter((r) => r.match.test(command.text));
      expect(rules.length, `README.md:${command.line} ${command.text}`).toBe(1);
    }
    for (const rule of RULES)
      expect(commands.filter((c) => rule.match.test(c.text)).length, String(rule.match)).toBe(1);
  });

  it('runs them in order with curl and the temporal CLI', async () => {
    for (const command of commands) {
      const rule = RULES.find((r) => r.match.test(command.text))!;
      const plan = plans[rule.plan];
      if (rule.before) await waitFor(plan, rule.before);
      const output = await runCommand(command, plan);
      try {
        await rule.after?.({ output, plan, dir: path.join(workDir, plan), statusOf });
      } catch (error) {
        throw new Error(
          `README.md:${command.line}: ${command.text}\noutput: ${output.slice(0, 2000)}\n${String(error)}`,
          { cause: error },
        );
      }
    }
    // The CLI-driven plan went all the way, like the API-driven one.
    await waitFor(plans.cli, { stage: 'completed' });
    await waitFor(plans.abort, { stage: 'aborted' });
    await waitFor(plans.reject, { stage: 'aborted' });
    await waitFor(plans.cliAbort, { stage: 'aborted' });
  }, 600_000);
});
