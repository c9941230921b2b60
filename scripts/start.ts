/**
 * `npm start`: the whole service on one machine — Temporal dev server (with Web UI), the AWS emulator
 * in demo mode (unless AWS_ENDPOINT_URL names another endpoint), the worker and the API. Ctrl-C or
 * SIGTERM stops every process it started, in reverse order.
 */
import { loadConfig } from '../src/config/index.js';
import { demoTokens, describeDemoTokens } from './stack/demo-tokens.js';
import { startEmulator, timeScaleOf } from './stack/emulator.js';
import { ensureTemporalCli } from './stack/install.js';
import { step } from './stack/log.js';
import { freePort, isPortOpen, waitUntil, type ManagedProcess } from './stack/process.js';
import { startNodeService, waitForWorker } from './stack/services.js';
import { removeSession, writeSession } from './stack/session.js';
import { startTemporalDevServer } from './stack/temporal-server.js';

const started: ManagedProcess[] = [];
let shuttingDown: Promise<never> | undefined;

/** Stops everything once, in reverse start order; later calls wait for the first. */
function shutdown(code: number, why: string): Promise<never> {
  shuttingDown ??= (async () => {
    step(`${why}: stopping ${started.length} process(es)…`);
    removeSession(process.pid);
    for (const proc of [...started].reverse()) {
      await proc.stop();
      step(`stopped ${proc.name}`);
    }
    step('everything stopped');
    process.exit(code);
  })();
  return shuttingDown;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void shutdown(0, `received ${signal}`));
}

// `kill <npm pid>` ends npm without passing the signal on: notice being orphaned and stop as well.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown(0, 'the parent process (npm) is gone');
}, 500).unref();

function watch(proc: ManagedProcess): ManagedProcess {
  started.push(proc);
  void proc.exited.then((code) => {
    if (!shuttingDown) void shutdown(1, `${proc.name} exited unexpectedly (${code})`);
  });
  return proc;
}

/** Host and port of a TEMPORAL_ADDRESS that we may start a dev server on (loopback only). */
function localTarget(address: string): number | undefined {
  const match = /^(127\.0\.0\.1|localhost):(\d+)$/.exec(address);
  return match ? Number(match[2]) : undefined;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const env: NodeJS.ProcessEnv = { ...process.env };
  const cli = await ensureTemporalCli();

  let temporalAddress = config.temporal.address;
  let uiUrl: string | undefined;
  const localPort = localTarget(temporalAddress);
  if (localPort !== undefined && !(await isPortOpen(localPort))) {
    const uiPort = Number(process.env.TEMPORAL_UI_PORT || localPort + 1000);
    const server = await startTemporalDevServer({
      port: localPort,
      uiPort,
      namespace: config.temporal.namespace,
      ...(process.env.TEMPORAL_DB_FILE ? { dbFile: process.env.TEMPORAL_DB_FILE } : {}),
    });
    watch(server.process);
    temporalAddress = server.address;
    uiUrl = server.uiUrl;
    step(`Temporal log: ${server.process.logFile}`);
  } else {
    step(`using the Temporal server at ${temporalAddress} (not started here)`);
  }
  env.TEMPORAL_ADDRESS = temporalAddress;

  let awsEndpoint = config.aws.endpointUrl;
  if (!awsEndpoint) {
    const emulator = await startEmulator({
      port: Number(process.env.AWS_EMULATOR_PORT || 4566),
      profile: process.env.FAILBACK_EMULATOR_PROFILE || 'demo',
    });
    watch(emulator.process);
    awsEndpoint = emulator.endpoint;
    env.AWS_ENDPOINT_URL = awsEndpoint;
    // Unknown keys are the orchestrator's own principal in the emulator (emulator/README.md, "Who is
    // calling"); these also keep the SDK's credential chain from searching further.
    env.AWS_ACCESS_KEY_ID ??= 'demo';
    env.AWS_SECRET_ACCESS_KEY ??= 'demo';
    env.AWS_REGION ??= 'us-east-1';
    // Workers poll on the emulator's clock, and the API passes it to the plans it starts as tuning.
    env.FAILBACK_TIME_SCALE ||= String(timeScaleOf(await emulator.admin.profile()));
    step(`emulator log: ${emulator.process.logFile} (FAILBACK_TIME_SCALE=${env.FAILBACK_TIME_SCALE})`);
  } else {
    step(`using the AWS endpoint ${awsEndpoint} (no emulator started)`);
  }

  const tokens = config.api.tokens ? undefined : demoTokens();
  if (tokens) env.FAILBACK_API_TOKENS = JSON.stringify(tokens);
  // The SDK's Prometheus endpoint: the documented default unless that port is taken (another run).
  const metricsPort =
    config.worker.metricsPort === undefined
      ? undefined
      : process.env.FAILBACK_WORKER_METRICS_PORT || !(await isPortOpen(config.worker.metricsPort))
        ? config.worker.metricsPort
        : await freePort();
  env.FAILBACK_WORKER_METRICS_PORT = String(metricsPort ?? 0);

  step('starting the worker and the API…');
  const worker = watch(startNodeService('worker', 'src/main/worker.ts', env));
  const api = watch(startNodeService('api', 'src/main/api.ts', env));
  const apiUrl = `http://${config.api.host}:${config.api.port}`;
  await waitUntil('API', async () => (await fetch(`${apiUrl}/healthz`)).ok, {
    timeoutMs: 60_000,
    process: api,
  });
  await waitForWorker(cli, temporalAddress, config.temporal.namespace, config.temporal.taskQueue, worker);

  const lines = [
    `  API:            ${apiUrl}   (docs: ${apiUrl}/docs)`,
    `  Temporal:       ${temporalAddress}   namespace ${config.temporal.namespace}, task queue ${config.temporal.taskQueue}`,
    ...(uiUrl ? [`  Temporal UI:    ${uiUrl}`] : []),
    `  AWS endpoint:   ${awsEndpoint}${config.aws.endpointUrl ? '' : '   (emulator, demo mode)'}`,
    ...(metricsPort ? [`  Worker metrics: http://127.0.0.1:${metricsPort}/metrics`] : []),
    ...(tokens ? describeDemoTokens(tokens, apiUrl, temporalAddress) : []),
  ];
  const byRole = (role: 'viewer' | 'operator' | 'approver') =>
    tokens?.find((t) => t.roles.includes(role))?.token;
  writeSession({
    pid: process.pid,
    apiUrl,
    temporalAddress,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    awsEndpoint,
    ...(uiUrl ? { uiUrl } : {}),
    ...(env.FAILBACK_TIME_SCALE ? { timeScale: Number(env.FAILBACK_TIME_SCALE) } : {}),
    ...(tokens
      ? {
          tokens: { viewer: byRole('viewer')!, operator: byRole('operator')!, approver: byRole('approver')! },
        }
      : {}),
    startedAt: new Date().toISOString(),
  });
  process.stdout.write(
    `\n${lines.join('\n')}\n\nFailback orchestrator ready. Try \`npm run demo\` in another terminal. Press Ctrl-C to stop.\n\n`,
  );
}

main().catch((error: unknown) => {
  step(`start failed: ${error instanceof Error ? error.message : String(error)}`);
  void shutdown(1, 'start failed');
});
