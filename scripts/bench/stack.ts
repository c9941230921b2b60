import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { type EmulatorAdmin, type TimingModel } from '../../emulator/client.js';
import { TASK_QUEUE } from '../../src/domain/contract.js';
import { startEmulator } from '../stack/emulator.js';
import { ensureTemporalCli } from '../stack/install.js';
import { LOG_DIR } from '../stack/paths.js';
import type { ManagedProcess } from '../stack/process.js';
import { startNodeService, waitForWorker } from '../stack/services.js';
import { startTemporalDevServer } from '../stack/temporal-server.js';

/** What a benchmark runs against: Temporal, the emulator, and one worker whose usage it measures. */
export interface BenchStack {
  client: Client;
  taskQueue: string;
  emulator: EmulatorAdmin;
  /** The emulator's profile as it answers GET /_emulator/profile (the lower bound's input). */
  model: TimingModel;
  /** The worker process (its /proc entry is read for CPU and memory). */
  workerPid: number;
  /** The emulator's process: when it runs out of CPU, every AWS call waits (reported beside the worker). */
  emulatorPid: number;
  /** The AWS SDK endpoint the runbook baseline uses too. */
  awsEndpoint: string;
  stop(): Promise<void>;
}

export interface StackOptions {
  profile: string;
  scale?: number;
  log: (line: string) => void;
}

/**
 * A fresh stack for one benchmark: a headless Temporal dev server in memory, the emulator with the
 * timing profile, and the product's worker as its own process (`src/main/worker.ts`) with
 * FAILBACK_TIME_SCALE equal to the emulator's scale, so its polling follows the emulator's clock.
 */
export async function startBenchStack(options: StackOptions): Promise<BenchStack> {
  const runDir = path.join(LOG_DIR, `bench-${process.pid}`);
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  };
  try {
    options.log(`starting Temporal (in memory) and the emulator (${options.profile})…`);
    const [temporal, emulator] = await Promise.all([
      startTemporalDevServer({
        dbFile: ':memory:',
        uiPort: false,
        logFile: path.join(runDir, 'temporal.log'),
      }),
      startEmulator({
        profile: options.profile,
        ...(options.scale === undefined ? {} : { scale: options.scale }),
        logFile: path.join(runDir, 'emulator.log'),
      }),
    ]);
    stops.push(
      () => temporal.stop(),
      () => emulator.stop(),
    );
    const model = await emulator.admin.profile();

    options.log(`starting the worker (FAILBACK_TIME_SCALE=${model.scale})…`);
    const worker: ManagedProcess = startNodeService(
      'worker',
      'src/main/worker.ts',
      {
        ...process.env,
        TEMPORAL_ADDRESS: temporal.address,
        TEMPORAL_NAMESPACE: temporal.namespace,
        FAILBACK_TASK_QUEUE: TASK_QUEUE,
        AWS_ENDPOINT_URL: emulator.endpoint,
        AWS_ACCESS_KEY_ID: 'bench',
        AWS_SECRET_ACCESS_KEY: 'bench',
        AWS_REGION: 'us-east-1',
        FAILBACK_TIME_SCALE: String(model.scale),
        FAILBACK_WORKER_METRICS_PORT: '0',
        FAILBACK_LOG_PRETTY: 'false',
      },
      path.relative(LOG_DIR, path.join(runDir, 'worker.log')),
    );
    stops.push(() => worker.stop());
    const cli = await ensureTemporalCli();
    await waitForWorker(cli, temporal.address, temporal.namespace, TASK_QUEUE, worker);

    const connection = await Connection.connect({ address: temporal.address });
    stops.push(() => connection.close());
    options.log(`stack up (logs in ${runDir})`);
    return {
      client: new Client({ connection, namespace: temporal.namespace }),
      taskQueue: TASK_QUEUE,
      emulator: emulator.admin,
      model,
      workerPid: worker.pid,
      emulatorPid: emulator.process.pid,
      awsEndpoint: emulator.endpoint,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
