import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestApi, TOKENS, type TestApi } from '../../test/support/api.js';
import { startTestWorker, uniqueTaskQueue, type RunningWorker } from '../../test/support/temporal.js';
import { REPO_ROOT } from '../stack/paths.js';

/**
 * `npm run demo -- --yes` as a person runs it, without a terminal (so its progress is one line per
 * change), against the integration stack: the API on a loopback port, a worker, the emulator.
 */
const taskQueue = uniqueTaskQueue('demo');
let api: TestApi;
let worker: RunningWorker;
let apiUrl: string;

beforeAll(async () => {
  worker = await startTestWorker(taskQueue);
  api = await startTestApi(taskQueue);
  apiUrl = await api.app.listen({ host: '127.0.0.1', port: 0 });
});

afterAll(async () => {
  await api?.close();
  await worker?.stop();
});

function runDemo(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  const child = spawn('npm', ['run', '--silent', 'demo', '--', ...args], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      API: apiUrl,
      OPERATOR_TOKEN: TOKENS.operator.token,
      APPROVER_TOKEN: TOKENS.approver.token,
      VIEWER_TOKEN: TOKENS.viewer.token,
      AWS_ENDPOINT_URL: inject('awsEndpoint'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, output })));
}

describe('npm run demo', () => {
  it('--yes seeds the application, runs the plan through every gate and prints the report', async () => {
    const { code, output } = await runDemo([
      '--yes',
      '--orders',
      '300',
      '--later-items',
      '20',
      '--poll-ms',
      '200',
      '--no-start',
    ]);
    expect(code, output).toBe(0);
    const planId = /Plan (demo-\d{12}) started/.exec(output)?.[1];
    expect(planId, output).toBeDefined();
    for (const gate of ['primary-ready', 'test-failback', 'failback', 'primary-validated'])
      expect(output).toMatch(new RegExp(`${gate}.*→ yes \\(--yes`));
    expect(output).toMatch(/confirm the DNS cutover\? → yes/);
    expect(output).toMatch(/items written or changed there since the test failback/);
    expect(output).toContain('stage failback');
    expect(output).toMatch(/ {2}dynamodb-table:orders: failback .*\(/);
    expect(output).toContain(`# Failback report: ${planId}`);
    expect(output).toMatch(/Failback complete: 8 of 8 resources verified/);
    // Without a terminal: no cursor movement, and a progress line per change rather than a flood.
    expect(output).not.toContain('\x1b[');
    expect(output.split('\n').length).toBeLessThan(600);
  }, 600_000);

  it('refuses an endpoint that is not the emulator: the demo creates resources', async () => {
    const { code, output } = await runDemo(['--yes', '--no-start'], { AWS_ENDPOINT_URL: apiUrl });
    expect(code).toBe(1);
    expect(output).toContain('is not the AWS emulator');
  }, 120_000);
});
