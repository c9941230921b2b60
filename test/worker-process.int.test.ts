import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../scripts/stack/process.js';
import { REPO_ROOT } from '../scripts/stack/paths.js';
import { eventually, newPlanId } from './support/api.js';
import { startPlan } from './support/plans.js';
import { validSpec } from './support/specs.js';
import { testClient, uniqueTaskQueue } from './support/temporal.js';

/**
 * The worker's entry point as deployed: its log lines (the SDK's included) are pino JSON carrying the
 * plan, and the SDK's metrics are served for Prometheus on loopback.
 */
const taskQueue = uniqueTaskQueue('worker-process');
let metricsPort: number;
let output = '';
let worker: ReturnType<typeof spawn>;

beforeAll(async () => {
  metricsPort = await freePort();
  worker = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/main/worker.ts')], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_NAMESPACE: inject('temporalNamespace'),
      FAILBACK_TASK_QUEUE: taskQueue,
      FAILBACK_WORKER_METRICS_PORT: String(metricsPort),
      FAILBACK_LOG_LEVEL: 'debug',
      FAILBACK_LOG_PRETTY: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  worker.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await eventually(async () => expect(output).toContain('"msg":"worker started"'), 120_000, 500);
}, 150_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
  }
});

const lines = () =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('the worker process', () => {
  it('logs JSON lines with planId and workflowId, the SDK’s own lines included', async () => {
    const planId = newPlanId('logs');
    const { client, connection } = await testClient();
    try {
      // A spec breaking a rule: the plan records the errors and ends failed at once (no AWS involved).
      const spec = { ...validSpec(), planId };
      spec.recovery = { ...spec.recovery, accountId: spec.primary.accountId, region: spec.primary.region };
      const handle = await startPlan(client, taskQueue, spec);
      await handle.result();
    } finally {
      await connection.close();
    }
    await eventually(async () => {
      const ours = lines().filter((l) => l.planId === planId);
      expect(ours.length, output.slice(-3000)).toBeGreaterThan(0);
      expect(ours.every((l) => l.workflowId === `failback-${planId}`)).toBe(true);
      expect(ours.some((l) => l.sdk === true && l.name === 'worker')).toBe(true);
    });
    expect(lines().find((l) => l.msg === 'worker started')).toMatchObject({
      level: 30,
      taskQueue,
      metrics: `http://127.0.0.1:${metricsPort}/metrics`,
    });
  });

  it('serves the SDK’s metrics for Prometheus on loopback', async () => {
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(metrics).toMatch(/^# (HELP|TYPE) temporal_/m);
    expect(metrics).toMatch(new RegExp(`temporal_workflow_completed\\{[^}]*task_queue="${taskQueue}"`));
  });
});
