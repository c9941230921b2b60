import { Client, Connection, type ConnectionLike } from '@temporalio/client';
import type { TemporalConfig } from '../config/index.js';

/**
 * A Temporal client for the API and scripts. `connectTimeout` is short: the API must start (and report
 * not-ready) even while Temporal is down; the connection is lazy and re-dials on its own.
 */
export async function connectTemporal(
  config: TemporalConfig,
): Promise<{ client: Client; connection: Connection }> {
  const connection = Connection.lazy({ address: config.address, connectTimeout: '5 seconds' });
  const client = new Client({ connection, namespace: config.namespace });
  return { client, connection };
}

/** True when the frontend answers within `timeoutMs` (the API's /readyz). */
export async function isTemporalReachable(connection: ConnectionLike, timeoutMs = 2000): Promise<boolean> {
  try {
    await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
    return true;
  } catch {
    return false;
  }
}
