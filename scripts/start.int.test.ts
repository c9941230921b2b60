import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { descendants, isAlive } from '../test/support/processes.js';
import { freePort, isPortOpen } from './stack/process.js';
import { REPO_ROOT } from './stack/paths.js';
import type { StackSession } from './stack/session.js';

/**
 * `npm start` brings up the whole service, and stopping it leaves no process and no listening port
 * behind: by Ctrl-C (SIGINT to the terminal's process group) and by `kill` (SIGTERM to npm alone).
 */
describe('npm start', () => {
  for (const how of ['Ctrl-C', 'SIGTERM'] as const) {
    it(`reaches its ready line and stops everything on ${how}`, async () => {
      const ports = {
        temporal: await freePort(),
        ui: await freePort(),
        emulator: await freePort(),
        api: await freePort(),
        workerMetrics: await freePort(),
      };
      const dir = mkdtempSync(path.join(tmpdir(), 'failback-start-'));
      const sessionFile = path.join(dir, 'session.json');
      const env = {
        ...process.env,
        TEMPORAL_ADDRESS: `127.0.0.1:${ports.temporal}`,
        TEMPORAL_UI_PORT: String(ports.ui),
        TEMPORAL_DB_FILE: path.join(dir, 'temporal.sqlite'),
        FAILBACK_SESSION_FILE: sessionFile,
        // Unset: npm start derives it from the emulator's demo profile.
        FAILBACK_TIME_SCALE: '',
        AWS_EMULATOR_PORT: String(ports.emulator),
        FAILBACK_API_PORT: String(ports.api),
        AWS_ENDPOINT_URL: '',
        FAILBACK_TASK_QUEUE: '',
        FAILBACK_WORKER_METRICS_PORT: String(ports.workerMetrics),
        FAILBACK_API_TOKENS: '',
      };
      // detached: npm leads its own process group, as a shell job does in a terminal.
      const npm = spawn('npm', ['start'], {
        cwd: REPO_ROOT,
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      npm.stdout.on('data', (d: Buffer) => (output += d.toString()));
      npm.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => npm.once('close', (code) => resolve(code)));

      const deadline = Date.now() + 150_000;
      while (!output.includes('Failback orchestrator ready') && Date.now() < deadline && isAlive(npm.pid!)) {
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(output, output).toContain('Failback orchestrator ready');
      for (const port of Object.values(ports)) expect(await isPortOpen(port), `port ${port}`).toBe(true);
      expect(output).toContain(`http://127.0.0.1:${ports.ui}`);
      await expectDemoTokensWork(output, ports);
      expectSession(sessionFile, output, ports.api);
      const tree = descendants(npm.pid!);
      expect(tree.length).toBeGreaterThanOrEqual(5); // tsx, start.ts, temporal, emulator, worker, api

      if (how === 'Ctrl-C') process.kill(-npm.pid!, 'SIGINT');
      else process.kill(npm.pid!, 'SIGTERM');
      // 'close': npm has exited and every process holding its output (the start script) is gone.
      await exited;
      expect(tree.filter(isAlive), output).toEqual([]);
      for (const port of Object.values(ports))
        expect(await isPortOpen(port), `port ${port} still open`).toBe(false);
      expect(output).toContain('everything stopped');
      expect(existsSync(sessionFile), 'session file removed').toBe(false);
    });
  }
});

/** The demo tokens `npm start` printed open the API by role; the worker serves the SDK's metrics. */
async function expectDemoTokensWork(
  output: string,
  ports: { api: number; workerMetrics: number },
): Promise<void> {
  const exported = /export OPERATOR_TOKEN=(\S+) APPROVER_TOKEN=(\S+) VIEWER_TOKEN=(\S+)/.exec(output);
  expect(exported, output).not.toBeNull();
  const [, operator, approver, viewer] = exported!;
  const api = `http://127.0.0.1:${ports.api}`;
  const list = (token?: string) =>
    fetch(`${api}/v1/plans`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  expect((await list()).status).toBe(401);
  for (const token of [viewer, operator, approver]) expect((await list(token)).status).toBe(200);
  const abort = await fetch(`${api}/v1/plans/no-such-plan/abort`, {
    method: 'POST',
    headers: { authorization: `Bearer ${viewer}`, 'content-type': 'application/json' },
    body: JSON.stringify({ reason: 'x' }),
  });
  expect(abort.status).toBe(403);
  expect(output).toContain(`Worker metrics: http://127.0.0.1:${ports.workerMetrics}/metrics`);
  const metrics = await (await fetch(`http://127.0.0.1:${ports.workerMetrics}/metrics`)).text();
  expect(metrics).toMatch(/temporal_/);
}

/**
 * What `npm run demo` reads: the API, the emulator, the generated tokens (owner-only file), and the
 * demo profile's clock (1/100) that the worker and the API were given as FAILBACK_TIME_SCALE.
 */
function expectSession(file: string, output: string, apiPort: number): void {
  const session = JSON.parse(readFileSync(file, 'utf8')) as StackSession;
  const exported = /export OPERATOR_TOKEN=(\S+) APPROVER_TOKEN=(\S+) VIEWER_TOKEN=(\S+)/.exec(output)!;
  expect(session).toMatchObject({
    apiUrl: `http://127.0.0.1:${apiPort}`,
    timeScale: 0.01,
    tokens: { operator: exported[1], approver: exported[2], viewer: exported[3] },
  });
  expect(session.awsEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(output).toContain('FAILBACK_TIME_SCALE=0.01');
  expect(statSync(file).mode & 0o777, 'readable by its owner only').toBe(0o600);
}
