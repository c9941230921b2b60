import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../scripts/stack/paths.js';
import { buildApp } from '../src/api/app.js';
import type { PlanDetail } from '../src/api/schemas/plans.js';
import { PlanGateway } from '../src/api/temporal/plans.js';
import { connectTemporal, isTemporalReachable } from '../src/clients/temporal.js';
import { loadConfig } from '../src/config/index.js';
import { connectionOptions } from '../src/config/temporal-connection.js';
import { bearer, eventually, newPlanId, TOKENS } from './support/api.js';
import { makeTestPki, type TestPki } from './support/certificates.js';
import { startGrpcTlsProxy, type GrpcTlsProxy } from './support/grpc-tls-proxy.js';
import { validSpec } from './support/specs.js';
import { uniqueTaskQueue } from './support/temporal.js';

/**
 * Temporal beyond localhost: the worker (as deployed, its own process) and the API reach Temporal
 * through a profile of the temporal CLI's TOML file, as they would reach Temporal Cloud or a secured
 * cluster — TLS with a private CA, a client certificate (mTLS), an API key — here a TLS-terminating
 * gRPC proxy on 127.0.0.1 in front of the dev server (which has no TLS of its own).
 */
const API_KEY = `test-api-key-${Date.now()}`;
const taskQueue = uniqueTaskQueue('tls');
let pki: TestPki;
let proxy: GrpcTlsProxy;
let dir: string;
let env: Record<string, string>;
let worker: ChildProcess | undefined;
let workerOutput = '';

const write = (name: string, content: string) => {
  const file = path.join(dir, name);
  writeFileSync(file, content, { mode: 0o600 });
  return file;
};

beforeAll(async () => {
  pki = makeTestPki();
  proxy = await startGrpcTlsProxy({
    upstream: inject('temporalAddress'),
    server: pki.server,
    clientCa: pki.ca.cert,
    apiKey: API_KEY,
  });
  dir = mkdtempSync(path.join(tmpdir(), 'temporal-tls-'));
  const profile = [
    '[profile.secured]',
    `address = "${proxy.address}"`,
    `namespace = "${inject('temporalNamespace')}"`,
    `api_key = "${API_KEY}"`,
    '[profile.secured.tls]',
    `server_ca_cert_path = "${write('ca.pem', pki.ca.cert)}"`,
    `client_cert_path = "${write('client.pem', pki.client.cert)}"`,
    `client_key_path = "${write('client.key', pki.client.key)}"`,
    'server_name = "localhost"',
  ].join('\n');
  env = {
    // Only the profile file says where Temporal is and how to reach it.
    HOME: dir,
    TEMPORAL_CONFIG_FILE: write('temporal.toml', profile),
    TEMPORAL_PROFILE: 'secured',
    FAILBACK_TASK_QUEUE: taskQueue,
  };
});

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((resolve) => worker!.once('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
  }
  await proxy?.close();
});

/** The worker as deployed, configured by the profile alone (no TEMPORAL_ADDRESS of the test run). */
async function startWorkerProcess(): Promise<void> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  for (const name of Object.keys(childEnv))
    if (name.startsWith('TEMPORAL_') && !(name in env)) delete childEnv[name];
  Object.assign(childEnv, {
    FAILBACK_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
    FAILBACK_WORKER_METRICS_PORT: '0',
    FAILBACK_LOG_PRETTY: '0',
  });
  worker = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/main/worker.ts')], {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  for (const stream of [worker.stdout!, worker.stderr!])
    stream.on('data', (d: Buffer) => (workerOutput += d.toString()));
  const deadline = Date.now() + 120_000;
  while (!workerOutput.includes('"msg":"worker started"')) {
    if (worker.exitCode !== null) throw new Error(`worker exited (${worker.exitCode}):\n${workerOutput}`);
    if (Date.now() > deadline) throw new Error(`worker did not start:\n${workerOutput.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Temporal over TLS, mTLS and an API key, from a temp profile file', () => {
  it('the worker and the API run a plan through it', async () => {
    const config = loadConfig(env);
    expect(config.temporal.describe).toBe(`${proxy.address} (mTLS + API key; profile secured)`);
    await startWorkerProcess();
    expect(workerOutput).toContain('mTLS + API key; profile secured');

    const { client, connection } = await connectTemporal(config.temporal);
    const app = await buildApp({
      logger: pino({ level: 'silent' }),
      tokens: Object.values(TOKENS),
      gateway: new PlanGateway({
        client,
        taskQueue: config.temporal.taskQueue,
        tuning: { timeScale: 0.001 },
      }),
      temporalReachable: () => isTemporalReachable(connection),
    });
    try {
      expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
      const planId = newPlanId('tls');
      const started = await app.inject({
        method: 'POST',
        url: '/v1/plans',
        headers: bearer('operator'),
        payload: { ...validSpec(), planId },
      });
      expect(started.statusCode, started.body).toBe(201);
      // The status query is answered by the worker process: both ends went through the proxy.
      const detail = await eventually(async () => {
        const response = await app.inject({ url: `/v1/plans/${planId}`, headers: bearer('viewer') });
        expect(response.statusCode, response.body).toBe(200);
        const body = response.json<PlanDetail>();
        expect(body.status?.timeline.length).toBeGreaterThan(1);
        return body;
      }, 60_000);
      expect(detail.status?.planId).toBe(planId);
      const aborted = await app.inject({
        method: 'POST',
        url: `/v1/plans/${planId}/abort`,
        headers: bearer('operator'),
        payload: { reason: 'end of the TLS test' },
      });
      expect(aborted.statusCode, aborted.body).toBe(202);
    } finally {
      await app.close();
      await connection.close();
    }
    expect(proxy.counts.forwarded).toBeGreaterThan(5);
  });

  it('refuses a client without the API key, and one whose certificate the CA did not sign', async () => {
    const settings = loadConfig(env).temporal;
    const refusedBefore = proxy.counts.unauthenticated;
    const refused = await Connection.connect({
      ...connectionOptions({ ...settings, apiKey: undefined }),
      connectTimeout: '3 seconds',
    }).then(
      () => undefined,
      (error: Error) => error,
    );
    expect(refused).toBeInstanceOf(Error);
    // gRPC 16 UNAUTHENTICATED, with the proxy's reason, under the SDK's "Failed to connect".
    expect(refused?.cause).toMatchObject({ code: 16, details: 'missing or wrong API key' });
    expect(proxy.counts.unauthenticated).toBeGreaterThan(refusedBefore);

    const tls = settings.tls as Exclude<typeof settings.tls, boolean | undefined>;
    const stranger = {
      ...tls,
      clientCertPair: { crt: Buffer.from(pki.stranger.cert), key: Buffer.from(pki.stranger.key) },
    };
    await expect(
      Connection.connect({
        ...connectionOptions({ ...settings, tls: stranger }),
        connectTimeout: '3 seconds',
      }),
    ).rejects.toThrow();
  });
});
