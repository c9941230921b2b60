import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../scripts/stack/paths.js';
import { freePort, waitUntil, type ManagedProcess } from '../scripts/stack/process.js';
import { startNodeService } from '../scripts/stack/services.js';
import { step } from '../scripts/stack/log.js';
import { goEnvironment, requireGo } from '../scripts/stack/tools.js';
import { eventually, newPlanId, TOKENS } from './support/api.js';
import { validSpec } from './support/specs.js';
import { uniqueTaskQueue } from './support/temporal.js';

/**
 * deploy/monitoring/: the alert rules and the Grafana dashboard load and behave (Prometheus's own
 * rule parser and PromQL engine, deploy/monitoring/check/), and every metric they use is one the API
 * and the worker really export, with a plan parked in needs-attention showing in the API's gauges.
 */
const MONITORING = path.join(REPO_ROOT, 'deploy', 'monitoring');
const processes: ManagedProcess[] = [];
let api: string;
let workerMetrics: string;

beforeAll(async () => {
  const [apiPort, metricsPort] = [await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    FAILBACK_TASK_QUEUE: uniqueTaskQueue('monitoring'),
    FAILBACK_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    FAILBACK_WORKER_METRICS_PORT: String(metricsPort),
    FAILBACK_LOG_PRETTY: '0',
    FAILBACK_API_PORT: String(apiPort),
    FAILBACK_API_TOKENS: JSON.stringify(Object.values(TOKENS)),
  };
  processes.push(startNodeService('worker', 'src/main/worker.ts', env, 'monitoring-worker.log'));
  processes.push(startNodeService('api', 'src/main/api.ts', env, 'monitoring-api.log'));
  api = `http://127.0.0.1:${apiPort}`;
  workerMetrics = `http://127.0.0.1:${metricsPort}/metrics`;
  await waitUntil('API', async () => (await fetch(`${api}/healthz`)).ok, {
    timeoutMs: 60_000,
    process: processes[1]!,
  });
});
afterAll(async () => {
  for (const p of processes.reverse()) await p.stop();
});

/** The metric names a PromQL text selects (identifiers followed by `{`, `[` or a space, not functions). */
function metricNames(text: string): Set<string> {
  return new Set([...text.matchAll(/\b((?:failback|temporal)_[a-z_]+|up)\b/g)].map((m) => m[1]!));
}

describe('monitoring (deploy/monitoring)', () => {
  it('the alert rules load and fire on their scenarios, the dashboard’s queries parse (Prometheus’s code)', () => {
    const go = requireGo('the alert-rule check');
    step(
      'checking deploy/monitoring with Prometheus’s rule parser and PromQL engine (go test; the first run downloads its modules)…',
    );
    const result = spawnSync(go, ['test', '-count=1', './...'], {
      cwd: path.join(MONITORING, 'check'),
      env: goEnvironment(),
      encoding: 'utf8',
      timeout: 900_000,
    });
    expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/^ok\s+failback\.local\/monitoring-check/m);
  }, 960_000);

  it('uses only metrics the API and the worker export; a parked plan shows in the gauges', async () => {
    const planId = newPlanId('monitored');
    const started = await fetch(`${api}/v1/plans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.operator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...validSpec(), planId }),
    });
    expect(started.status).toBe(201);
    // No such resources in the emulator: preflight fails and the plan waits for an operator.
    const apiMetrics = await eventually(async () => {
      const text = await (await fetch(`${api}/metrics`)).text();
      expect(text).toMatch(
        new RegExp(
          `failback_plan_waiting_since_timestamp_seconds\\{[^}]*plan_id="${planId}"[^}]*stage="needs-attention"`,
        ),
      );
      return text;
    }, 90_000);
    expect(apiMetrics).toMatch(/failback_plans\{stage="needs-attention"\} [1-9]/);
    expect(apiMetrics).toMatch(/failback_plans_listed 1/);
    const worker = await (await fetch(workerMetrics)).text();
    const exported = new Set(
      [...`${apiMetrics}\n${worker}`.matchAll(/^([a-z_]+?)(?:_bucket|_sum|_count)?(?:\{| )/gm)].flatMap(
        (m) => [m[1]!, m[0]!.replace(/[{ ]$/, '')],
      ),
    );
    const used = metricNames(
      readFileSync(path.join(MONITORING, 'alerts.yaml'), 'utf8') +
        readFileSync(path.join(MONITORING, 'grafana-dashboard.json'), 'utf8'),
    );
    used.delete('up'); // Prometheus's own, per scrape job
    expect(used.size).toBeGreaterThan(5);
    expect([...used].filter((name) => !exported.has(name))).toEqual([]);
    await fetch(`${api}/v1/plans/${planId}/abort`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.operator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'end of the monitoring test' }),
    });
  }, 180_000);
});
