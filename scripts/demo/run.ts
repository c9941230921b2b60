import { createInterface } from 'node:readline/promises';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EmulatorAdmin, type TimingModel } from '../../emulator/client.js';
import type { PlanDetail } from '../../src/api/schemas/plans.js';
import type { PlanReport } from '../../src/api/schemas/report.js';
import type { PreflightReport } from '../../src/domain/resources.js';
import type { PlanStatus, WaitingFor } from '../../src/domain/status.js';
import { seedingClientConfig } from '../scenario/accounts.js';
import { seedScenario, type Scenario } from '../scenario/seed.js';
import { DEFAULT_TABLES, laterWrites, writeItems } from '../scenario/tables.js';
import { DemoApi } from './api.js';
import type { DemoConnection } from './connection.js';
import { humanDuration } from '../../src/api/report/time.js';
import { ProgressDisplay } from './display.js';
import { stepDurations } from './eta.js';
import { HOUR_MS, windowFrom } from '../../src/domain/window-times.js';

export interface DemoOptions {
  /** Approve every gate and confirm the DNS cutover as the demo operator, without asking. */
  yes: boolean;
  /** Items of the orders table. */
  orders: number;
  /** Items the application writes into each recovery table before the maintenance window. */
  laterItems: number;
  pollMs: number;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream & { isTTY?: boolean };
}

const QUESTIONS: Record<string, string> = {
  'primary-ready':
    'Is primary ready (malicious changes reverted, services healthy)? Approve gate primary-ready',
  'test-failback':
    'The test copies are restored in primary under test names. Approve gate test-failback (they are removed next)',
  failback: 'Approve the failback itself, to run in the maintenance window',
  'primary-validated':
    'Does the application work in primary? Approve primary-validated (recovery is then concluded: no way back)',
};

/** Fresh account ids and plan id for each run: demos can repeat against one emulator. */
function demoIdentity(now = new Date()) {
  const stamp = String(Math.floor(now.getTime() / 1000) % 100_000_000).padStart(8, '0');
  return {
    planId: `demo-${now.toISOString().replace(/\D/g, '').slice(2, 14)}`,
    primary: { accountId: `1000${stamp}`, region: 'us-east-1' },
    recovery: { accountId: `2000${stamp}`, region: 'us-west-2' },
  };
}

/**
 * The demo (issue 7): seeds an application that failed over into the emulator, runs its failback plan
 * through the HTTP API, shows progress per stage and resource, asks at each gate (or approves with
 * --yes), writes new data into recovery before the window, and prints the report. Returns the exit code.
 */
export async function runDemo(connection: DemoConnection, options: DemoOptions): Promise<number> {
  const out = options.output;
  const say = (line = '') => out.write(`${line}\n`);
  process.env.AWS_ENDPOINT_URL = connection.awsEndpoint;
  const api = new DemoApi(connection);
  const identity = demoIdentity();
  const tables = DEFAULT_TABLES.map((t) => (t.name === 'orders' ? { ...t, items: options.orders } : t));

  say(`Seeding an application that failed over, into the emulator at ${connection.awsEndpoint}:`);
  const seeded = Date.now();
  const scenario = await seedScenario({
    planId: identity.planId,
    primary: identity.primary,
    recovery: identity.recovery,
    tables,
    log: (message) => say(`  ${message}`),
  });
  say(
    `  done in ${((Date.now() - seeded) / 1000).toFixed(1)} s: recovery ${identity.recovery.accountId} ${identity.recovery.region}, primary ${identity.primary.accountId} ${identity.primary.region}`,
  );

  const preflight = await api.call<PreflightReport>('operator', 'POST', '/v1/preflight', scenario.spec);
  say(
    `Preflight: ${preflight.ok ? 'ok' : 'PROBLEMS'}; would create ${preflight.wouldCreate.length}, retire ${preflight.wouldRetire.length}, copy ${preflight.wouldCopy.length}`,
  );
  for (const f of preflight.findings.filter((x) => x.severity !== 'info'))
    say(`  ${f.severity}: ${f.message}`);
  if (!preflight.ok) return 1;
  await api.call('operator', 'POST', '/v1/plans', scenario.spec);
  say(`Plan ${identity.planId} started (Temporal workflow failback-${identity.planId}).`);
  say('');

  const rl = options.yes
    ? undefined
    : createInterface({ input: options.input, output: out, terminal: false });
  const display = new ProgressDisplay(out);
  // The ETA: the test failback's recorded step durations, else the emulator's timing profile.
  const model: TimingModel | undefined = await new EmulatorAdmin(connection.awsEndpoint)
    .profile()
    .catch(() => undefined);
  const note = (line = '') => display.message(line);
  const ask = async (question: string, choices: string): Promise<string> => {
    display.release();
    if (!rl) {
      say(`${question}? → yes (--yes, as the demo's approver)`);
      return 'y';
    }
    const answer = (await rl.question(`${question}? ${choices} `)).trim().toLowerCase();
    return answer[0] ?? 'y';
  };
  const handled = new Set<string>();
  const plan = `/v1/plans/${identity.planId}`;
  try {
    for (;;) {
      const detail = await api.call<PlanDetail>('viewer', 'GET', plan);
      const status = detail.status as PlanStatus | null;
      if (status) {
        display.durations = stepDurations(status, model);
        display.update(detail);
      }
      if (status?.stage === 'completed') break;
      if (status && ['aborted', 'failed'].includes(status.stage)) {
        note(`The plan ended ${status.stage}: ${status.outcome?.reason ?? ''}`);
        return 1;
      }
      const waiting = status?.waitingFor;
      const key = waiting
        ? `${waiting.kind}:${waiting.kind === 'gate' ? waiting.gate : ''}:${waiting.since}`
        : '';
      if (waiting && !handled.has(key)) {
        handled.add(key);
        const go = await act(waiting, status, scenario, tables, options, api, plan, ask, note);
        if (go !== undefined) return go;
      }
      await new Promise((r) => setTimeout(r, options.pollMs));
    }
  } finally {
    rl?.close();
  }

  const report = await api.call<PlanReport>('viewer', 'GET', `${plan}/report`);
  const markdown = await api.call<string>('viewer', 'GET', `${plan}/report?format=markdown`);
  say('');
  say(markdown);
  say(
    `Failback complete: ${report.dataChecks.verified} of ${report.resources.length} resources verified, ` +
      `RTO ${humanDuration(report.rto.toPrimaryValidatedSeconds)} to primary validated, RPO ${humanDuration(report.rpo.seconds)} ` +
      `(${report.environment.kind === 'emulator' ? `emulator, time scale ${report.environment.timeScale}` : 'AWS'}).`,
  );
  return 0;
}

/** One person's step for what the plan waits for; a number ends the demo with that exit code. */
async function act(
  waiting: WaitingFor,
  status: PlanStatus | null | undefined,
  scenario: Scenario,
  tables: typeof DEFAULT_TABLES,
  options: DemoOptions,
  api: DemoApi,
  plan: string,
  ask: (question: string, choices: string) => Promise<string>,
  say: (line?: string) => void,
): Promise<number | undefined> {
  const leave = (what: string, code = 0) => {
    say(
      `Leaving the plan waiting for ${what}. Continue it with the API or the temporal CLI (README, "Operating a failback").`,
    );
    return code;
  };
  if (waiting.kind === 'gate') {
    const answer = await ask(
      QUESTIONS[waiting.gate] ?? `Approve ${waiting.gate}`,
      '[Y]es / [n]o (reject: the plan is undone) / [q]uit',
    );
    if (answer === 'q') return leave(`gate ${waiting.gate}`);
    const decision = answer === 'n' ? 'reject' : 'approve';
    await api.call('approver', 'POST', `${plan}/approvals`, {
      gate: waiting.gate,
      decision,
      comment: decision === 'approve' ? 'approved in the demo' : 'rejected in the demo',
    });
    return undefined;
  }
  if (waiting.kind === 'maintenance-window' && !waiting.start) {
    const { recovery } = scenario.spec;
    const dynamodb = new DynamoDBClient(seedingClientConfig(recovery.accountId, recovery.region));
    try {
      let written = 0;
      for (const table of tables) {
        const items = laterWrites(table, options.laterItems);
        await writeItems(dynamodb, table.name, items);
        written += items.length;
      }
      say(
        `The application keeps working in recovery: ${written} items written or changed there since the test failback; the failback must carry them.`,
      );
    } finally {
      dynamodb.destroy();
    }
    const window = windowFrom(Date.now(), 0, 2 * HOUR_MS);
    await api.call('operator', 'POST', `${plan}/maintenance-window`, window);
    say(`Maintenance window set by the operator: ${window.start} → ${window.end}`);
    return undefined;
  }
  if (waiting.kind === 'dns-cutover') {
    const { name, primaryValue } = scenario.dnsRecord;
    const answer = await ask(
      `Point ${name} at primary (${primaryValue}) now, then confirm the DNS cutover`,
      '[Y]es / [q]uit',
    );
    if (answer === 'q') return leave('the DNS cutover');
    await api.call('approver', 'POST', `${plan}/dns-cutover`, {
      details: `${name} A ${primaryValue} (demo)`,
    });
    return undefined;
  }
  if (waiting.kind === 'operator') {
    for (const e of status?.errors ?? []) say(`  ${e.type}: ${e.message} — ${e.action}`);
    if (options.yes) return leave('an operator (needs-attention)', 1);
    const answer = await ask(
      'The plan needs attention: retry the failed step, or abort',
      '[r]etry / [a]bort / [q]uit',
    );
    if (answer === 'r') await api.call('operator', 'POST', `${plan}/retry`);
    else if (answer === 'a')
      await api.call('operator', 'POST', `${plan}/abort`, { reason: 'aborted in the demo' });
    else return leave('an operator');
  }
  return undefined;
}
