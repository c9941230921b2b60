/**
 * `npm run test:fuzz [-- --max-time <s>] [--max-examples <n>]`: schemathesis against the API's OpenAPI
 * document, as an operator and as an approver, on a stack of its own (in-memory Temporal, the emulator,
 * the product's worker and API as their own processes, all on 127.0.0.1), bounded in time. Exits 0
 * when it found no server error and nothing the document does not declare; reports in test-results/fuzz/.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { TASK_QUEUE } from '../../src/domain/contract.js';
import { startEmulator } from '../stack/emulator.js';
import { ensureTemporalCli } from '../stack/install.js';
import { step } from '../stack/log.js';
import { LOG_DIR, REPO_ROOT } from '../stack/paths.js';
import { freePort, waitUntil } from '../stack/process.js';
import { startNodeService, waitForWorker } from '../stack/services.js';
import { startTemporalDevServer } from '../stack/temporal-server.js';
import { runSchemathesis } from './schemathesis.js';

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of at least 1');
  return n;
}

const options = new Command('npm run test:fuzz --')
  .option('--max-time <seconds>', 'time budget per token', positive, 150)
  .option('--max-examples <n>', 'examples per operation and phase', positive, 100)
  .option('--seed <n>', 'schemathesis seed', positive, 1)
  .parse()
  .opts<{ maxTime: number; maxExamples: number; seed: number }>();

const runDir = path.join(LOG_DIR, `fuzz-${process.pid}`);
const stops: Array<() => Promise<void>> = [];
let code = 1;
try {
  const [temporal, emulator] = await Promise.all([
    startTemporalDevServer({ dbFile: ':memory:', uiPort: false, logFile: path.join(runDir, 'temporal.log') }),
    startEmulator({ profile: 'fast', logFile: path.join(runDir, 'emulator.log') }),
  ]);
  stops.push(
    () => temporal.stop(),
    () => emulator.stop(),
  );
  const tokens = (['operator', 'approver', 'viewer'] as const).map((role) => ({
    token: randomBytes(24).toString('base64url'),
    name: `fuzz-${role}`,
    roles: [role],
  }));
  const apiPort = await freePort();
  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: temporal.address,
    TEMPORAL_NAMESPACE: temporal.namespace,
    FAILBACK_TASK_QUEUE: TASK_QUEUE,
    AWS_ENDPOINT_URL: emulator.endpoint,
    AWS_ACCESS_KEY_ID: 'fuzz',
    AWS_SECRET_ACCESS_KEY: 'fuzz',
    AWS_REGION: 'us-east-1',
    FAILBACK_TIME_SCALE: '0.001',
    FAILBACK_WORKER_METRICS_PORT: '0',
    FAILBACK_LOG_PRETTY: '0',
    FAILBACK_LOG_LEVEL: 'warn',
    FAILBACK_API_HOST: '127.0.0.1',
    FAILBACK_API_PORT: String(apiPort),
    FAILBACK_API_TOKENS: JSON.stringify(tokens),
  };
  const worker = startNodeService(
    'worker',
    'src/main/worker.ts',
    env,
    path.relative(LOG_DIR, path.join(runDir, 'worker.log')),
  );
  stops.push(() => worker.stop());
  await waitForWorker(await ensureTemporalCli(), temporal.address, temporal.namespace, TASK_QUEUE, worker);
  const api = startNodeService(
    'api',
    'src/main/api.ts',
    env,
    path.relative(LOG_DIR, path.join(runDir, 'api.log')),
  );
  stops.push(() => api.stop());
  const url = `http://127.0.0.1:${apiPort}`;
  await waitUntil('API', async () => (await fetch(`${url}/healthz`)).ok, { timeoutMs: 60_000, process: api });
  step(`stack up (logs in ${runDir}); fuzzing ${url}/openapi.json for ${options.maxTime} s per token…`);

  const results = [];
  for (const role of ['operator', 'approver'] as const) {
    results.push(
      await runSchemathesis({
        openapiUrl: `${url}/openapi.json`,
        label: role,
        token: tokens.find((t) => t.roles[0] === role)!.token,
        maxTimeSeconds: options.maxTime,
        maxExamples: options.maxExamples,
        seed: options.seed,
        reportDir: path.join(REPO_ROOT, 'test-results', 'fuzz'),
        log: (line) => process.stderr.write(`${line}\n`),
      }),
    );
  }
  for (const r of results) process.stdout.write(`\n# ${r.label} (exit ${r.exitCode})\n${r.summary}\n`);
  code = results.every((r) => r.exitCode === 0) ? 0 : 1;
  step(code === 0 ? 'no failures found' : 'schemathesis found failures: see above and test-results/fuzz/');
} catch (error) {
  step(`fuzz run failed: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
}
process.exit(code);
