import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { inject } from 'vitest';
import { EmulatorAdmin, type EmulatorEvent } from '../../../emulator/client.js';
import { inventory, type Inventory } from '../../../scripts/scenario/inventory.js';
import { seedScenario, type Scenario } from '../../../scripts/scenario/seed.js';
import { DEFAULT_TABLES, laterWrites, writeItems, type TableSeed } from '../../../scripts/scenario/tables.js';
import { seedingClientConfig } from '../../../scripts/scenario/accounts.js';
import { step } from '../../../scripts/stack/log.js';
import type { PlanDetail } from '../../../src/api/schemas/plans.js';
import type { PlanReport } from '../../../src/api/schemas/report.js';
import type { Item } from '../../../src/activities/kinds/dynamodb-table/content-hash.js';
import type { PreflightReport } from '../../../src/domain/resources.js';
import type { PlanStatus } from '../../../src/domain/status.js';
import { newPlanId, startTestApi } from '../../support/api.js';
import { scanTable, type TableContent } from '../../support/data-checks.js';
import { expectFromRecoveryPointsAfterQuiesce } from '../../support/provenance-checks.js';
import { uniqueTaskQueue } from '../../support/temporal.js';
import { HttpApi } from './http.js';
import { WorkerProcess } from './worker-process.js';
import { workerRole } from './worker-role.js';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { HOUR_MS, windowFrom } from '../../../src/domain/window-times.js';

const run = promisify(execFile);

export interface EndToEndOptions {
  name: string;
  /** Items of the orders table (the application: 10,000). */
  orders?: number;
  /** New items the application writes into each recovery table after the test failback. */
  laterItems?: number;
  /** Throttling and 5xx on this share of the scenario accounts' AWS calls while the plan runs. */
  faultRate?: number;
  /** SIGKILL the worker once mid-failback and start a new one. */
  killWorkerMidFailback?: boolean;
}

export interface EndToEndRun {
  scenario: Scenario;
  tables: TableSeed[];
  before: { primary: Inventory; recovery: Inventory };
  after: { primary: Inventory; recovery: Inventory };
  preflight: PreflightReport;
  /** The plan's status when it waited for the DNS cutover (failback done, recovery still live). */
  atCutover: PlanStatus;
  /** Each recovery table's content at that moment: what primary must hold at the end. */
  recoverySource: Record<string, TableContent>;
  /** The application's writes into recovery, per table, and when the last one was acknowledged. */
  writes: Record<string, Item[]>;
  lastWriteAt: string;
  final: PlanStatus;
  detail: PlanDetail;
  report: PlanReport;
  markdown: string;
  faultEvents: EmulatorEvent[];
  workerStarts: number;
}

let accountSeq = 0;
function accounts() {
  const base = 430_000_000_000 + (Date.now() % 1_000_000) * 100 + ++accountSeq * 2;
  return {
    primary: { accountId: String(base), region: 'us-east-1' },
    recovery: { accountId: String(base + 1), region: 'us-west-2' },
  };
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/**
 * The whole failback of the seeded application through the public surfaces only: every step by the HTTP
 * API (preflight, start, approvals, window), the DNS cutover by `temporal workflow signal`, the worker
 * as its own process. Collects what the assertions need: inventories before and after, the recovery
 * data at the cutover, the report.
 */
export async function runEndToEnd(options: EndToEndOptions): Promise<EndToEndRun> {
  const started = Date.now();
  const log = (message: string) => step(`e2e ${options.name} +${seconds(started)}: ${message}`);
  const tables = DEFAULT_TABLES.map((t) =>
    t.name === 'orders' ? { ...t, items: options.orders ?? t.items } : t,
  );
  const planId = newPlanId(`e2e-${options.name}`);
  // The worker runs as a role under a path; the plan's roles trust it, and so will the access stack.
  const worker = await workerRole(`failback-worker-${planId}`.slice(0, 64));
  const scenario = await seedScenario({
    planId,
    ...accounts(),
    tables,
    log,
    unencryptedAurora: true,
    orchestratorPrincipal: worker.arn,
  });
  const { primary, recovery } = scenario.spec;
  const before = {
    primary: await inventory(primary.accountId, primary.region),
    recovery: await inventory(recovery.accountId, recovery.region),
  };
  log('seeded; inventories taken');

  const taskQueue = uniqueTaskQueue(`e2e-${options.name}`);
  const workerProcess = new WorkerProcess(taskQueue, options.name, worker.env);
  const testApi = await startTestApi(taskQueue);
  const admin = new EmulatorAdmin(inject('awsEndpoint'));
  const faultIds: string[] = [];
  try {
    await workerProcess.start();
    const http = new HttpApi(await testApi.app.listen({ host: '127.0.0.1', port: 0 }));
    if (options.faultRate) {
      for (const account of [primary.accountId, recovery.accountId]) {
        for (const rule of [
          { type: 'throttle' as const, rate: options.faultRate / 2 },
          { type: 'error' as const, status: 500, rate: options.faultRate / 4 },
          { type: 'error' as const, status: 503, rate: options.faultRate / 4 },
        ]) {
          const added = await admin.addFault({ ...rule, account, seed: planId });
          faultIds.push(added.id);
        }
      }
      log(
        `faults on: ${options.faultRate * 100}% of calls in ${primary.accountId} and ${recovery.accountId}`,
      );
    }

    const spec = scenario.spec;
    const preflight = await http.expect<PreflightReport>(200, 'operator', 'POST', '/v1/preflight', spec);
    await http.expect(201, 'operator', 'POST', '/v1/plans', spec);
    const plan = `/v1/plans/${planId}`;
    const statusOf = async () =>
      (await http.expect<PlanDetail>(200, 'viewer', 'GET', plan)).status as PlanStatus;
    const waitFor = async (what: string, done: (s: PlanStatus, d: PlanDetail) => boolean) => {
      const deadline = Date.now() + 600_000;
      for (;;) {
        const detail = await http.expect<PlanDetail>(200, 'viewer', 'GET', plan);
        const status = detail.status as PlanStatus | null;
        if (status && done(status, detail)) return status;
        if (detail.status?.stage === 'needs-attention' || detail.status?.stage === 'failed')
          throw new Error(
            `plan ${detail.status.stage} waiting for ${what}: ${JSON.stringify(detail.status.errors)}`,
          );
        if (Date.now() > deadline) {
          const picture = status && {
            stage: status.stage,
            waitingFor: status.waitingFor,
            errors: status.errors,
            resources: status.resources.map(
              (r) => `${r.key} ${r.state} ${r.step ?? ''} ${r.lastError?.message ?? ''}`,
            ),
            live: detail.activePhase?.detail?.resources,
          };
          throw new Error(`timed out waiting for ${what}: ${JSON.stringify(picture, null, 1)}`);
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const approve = async (gate: string) => {
      await waitFor(`gate ${gate}`, (s) => s.waitingFor?.kind === 'gate' && s.waitingFor.gate === gate);
      await http.expect(202, 'approver', 'POST', `${plan}/approvals`, {
        gate,
        decision: 'approve',
        comment: `e2e: ${gate} checked`,
      });
      log(`approved ${gate}`);
    };

    await approve('primary-ready');
    await approve('test-failback');

    // The application keeps writing in recovery until the window: new items and changed ones.
    await waitFor('the maintenance window', (s) => s.waitingFor?.kind === 'maintenance-window');
    const writes: Record<string, Item[]> = {};
    const dynamodb = new DynamoDBClient(seedingClientConfig(recovery.accountId, recovery.region));
    try {
      for (const table of tables) {
        writes[table.name] = laterWrites(table, options.laterItems ?? 200);
        await writeItems(dynamodb, table.name, writes[table.name]!);
      }
    } finally {
      dynamodb.destroy();
    }
    const lastWriteAt = new Date().toISOString();
    log(`application wrote ${Object.values(writes).flat().length} items into recovery`);
    await http.expect(
      202,
      'operator',
      'POST',
      `${plan}/maintenance-window`,
      windowFrom(Date.now(), 0, 3 * HOUR_MS),
    );
    await approve('failback');

    if (options.killWorkerMidFailback) {
      await waitFor('the failback copying', (s, d) =>
        Boolean(
          s.stage === 'failback' &&
          d.activePhase?.detail?.resources.some((r) =>
            ['copyRecoveryPoint', 'restoreIntoPrimary', 'restoreAndVerify'].includes(r.step ?? ''),
          ),
        ),
      );
      await workerProcess.kill();
      log('worker killed (SIGKILL) mid-failback');
      await new Promise((r) => setTimeout(r, 1000));
      await workerProcess.start();
      log('a new worker started');
    }

    const atCutover = await waitFor('the DNS cutover', (s) => s.waitingFor?.kind === 'dns-cutover');
    // Now, while the intermediates exist: each new resource came from a recovery point after the quiesce.
    await expectFromRecoveryPointsAfterQuiesce(atCutover, primary, recovery);
    const recoverySource: Record<string, TableContent> = {};
    for (const table of tables) recoverySource[table.name] = await scanTable(recovery, table.name);
    log('failback done; recovery data read');
    await run(
      inject('temporalCli'),
      [
        'workflow',
        'signal',
        '--workflow-id',
        `failback-${planId}`,
        '--name',
        'dnsCutoverComplete',
        '--input',
        JSON.stringify({
          by: 'dns-oncall',
          details: `${scenario.dnsRecord.name} A ${scenario.dnsRecord.primaryValue}`,
        }),
        '--address',
        inject('temporalAddress'),
        '--namespace',
        inject('temporalNamespace'),
      ],
      { timeout: 60_000 },
    );
    log('DNS cutover signalled with the temporal CLI');
    await approve('primary-validated');
    await waitFor('completion', (s, d) => s.stage === 'completed' && d.workflowStatus === 'COMPLETED');
    const detail = await http.expect<PlanDetail>(200, 'viewer', 'GET', plan);
    const report = await http.expect<PlanReport>(200, 'viewer', 'GET', `${plan}/report`);
    const markdown = await http.expect<string>(200, 'viewer', 'GET', `${plan}/report?format=markdown`);
    log('completed; report read');

    for (const id of faultIds.splice(0)) await admin.removeFault(id);
    const faultEvents = options.faultRate
      ? [
          ...(await admin.events({ account: primary.accountId, type: 'fault' })),
          ...(await admin.events({ account: recovery.accountId, type: 'fault' })),
        ]
      : [];
    const after = {
      primary: await inventory(primary.accountId, primary.region),
      recovery: await inventory(recovery.accountId, recovery.region),
    };
    log('inventories after taken');
    return {
      scenario,
      tables,
      before,
      after,
      preflight,
      atCutover,
      recoverySource,
      writes,
      lastWriteAt,
      final: await statusOf(),
      detail,
      report,
      markdown,
      faultEvents,
      workerStarts: workerProcess.starts,
    };
  } finally {
    for (const id of faultIds) await admin.removeFault(id).catch(() => undefined);
    await workerProcess.stop();
    await testApi.close();
  }
}
