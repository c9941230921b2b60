import closeWithGrace from 'close-with-grace';
import { buildApp } from '../api/app.js';
import { PlanGateway } from '../api/temporal/plans.js';
import { connectTemporal, isTemporalReachable } from '../clients/temporal.js';
import { loadConfig, requireApiTokens } from '../config/index.js';
import { createLogger } from '../logging.js';
import { startTracing } from '../observability/tracing.js';

/** `node dist/src/main/api.js`: the HTTP API. */
async function main(): Promise<void> {
  const config = loadConfig();
  const tokens = requireApiTokens(config);
  const logger = createLogger(config.log, 'api');
  const tracing = startTracing('failback-api');
  const { client, connection } = await connectTemporal(config.temporal, { traced: tracing !== undefined });
  const gateway = new PlanGateway({
    client,
    taskQueue: config.temporal.taskQueue,
    ...(config.plans.timeScale ? { tuning: { timeScale: config.plans.timeScale } } : {}),
    ...(config.aws.endpointUrl ? { awsEndpoint: config.aws.endpointUrl } : {}),
  });
  const app = await buildApp({
    logger,
    tokens,
    gateway,
    temporalReachable: () => isTemporalReachable(connection),
    ...(tracing ? { tracer: tracing.tracer } : {}),
  });
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    await app.close();
    await connection.close();
    await tracing?.shutdown();
  });
  const address = await app.listen({ host: config.api.host, port: config.api.port });
  logger.info(
    {
      address,
      temporal: config.temporal.describe,
      tokens: tokens.map((t) => `${t.name} (${t.roles.join(', ')})`),
    },
    'api listening',
  );
}

main().catch((error: unknown) => {
  // A configuration mistake is one clear line; anything else keeps its stack.
  console.error(error instanceof Error && /^FAILBACK_/.test(error.message) ? `api: ${error.message}` : error);
  process.exit(1);
});
