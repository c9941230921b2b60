import closeWithGrace from 'close-with-grace';
import { buildApp } from '../api/app.js';
import { connectTemporal, isTemporalReachable } from '../clients/temporal.js';
import { loadConfig } from '../config/index.js';
import { createLogger } from '../logging.js';

/** `node dist/src/main/api.js`: the HTTP API. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.log, 'api');
  const { connection } = await connectTemporal(config.temporal);
  const app = await buildApp({ logger, temporalReachable: () => isTemporalReachable(connection) });
  closeWithGrace({ delay: 10_000 }, async ({ err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    await app.close();
    await connection.close();
  });
  const address = await app.listen({ host: config.api.host, port: config.api.port });
  logger.info({ address }, 'api listening');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
