import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config/index.js';
import { connectionOptions } from '../config/temporal-connection.js';
import { createLogger } from '../logging.js';
import { installSdkRuntime } from '../observability/sdk-runtime.js';
import { startTracing } from '../observability/tracing.js';
import { createWorker } from '../worker.js';

/** `node dist/src/main/worker.js`: one worker process on the configured task queue. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.log, 'worker');
  installSdkRuntime(
    logger,
    config.worker.metricsPort
      ? { metricsPort: config.worker.metricsPort, metricsHost: config.worker.metricsHost }
      : {},
  );
  const tracing = startTracing('failback-worker');
  const connection = await NativeConnection.connect(connectionOptions(config.temporal));
  try {
    const worker = await createWorker({
      temporal: config.temporal,
      connection,
      ...(config.worker.workflowBundlePath
        ? { workflowBundle: { codePath: config.worker.workflowBundlePath } }
        : {}),
      overrides: { maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivities },
      ...(tracing ? { tracing } : {}),
    });
    logger.info(
      {
        taskQueue: config.temporal.taskQueue,
        temporal: config.temporal.describe,
        traces: tracing ? 'on' : 'off',
        ...(config.worker.metricsPort
          ? { metrics: `http://${config.worker.metricsHost}:${config.worker.metricsPort}/metrics` }
          : {}),
      },
      'worker started',
    );
    // Runtime's default shutdown signals (SIGINT, SIGTERM, …) drain the worker, then run() resolves.
    await worker.run();
    logger.info('worker stopped');
  } finally {
    await connection.close();
    await tracing?.shutdown();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
