import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { SEARCH_ATTRIBUTE_NAMES } from '../../src/domain/search-attributes.js';
import { ensureTemporalCli } from './install.js';
import { step } from './log.js';
import { LOG_DIR, STATE_DIR } from './paths.js';
import { freePort, isPortOpen, startProcess, waitUntil, type ManagedProcess } from './process.js';

export interface TemporalDevServer {
  /** host:port of the frontend gRPC service */
  address: string;
  namespace: string;
  /** Web UI base URL, or undefined when started headless */
  uiUrl: string | undefined;
  cli: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export interface TemporalDevServerOptions {
  port?: number;
  /** false: headless (no Web UI) */
  uiPort?: number | false;
  /** SQLite file so a restart keeps the plans; ':memory:' keeps nothing. */
  dbFile?: string;
  namespace?: string;
  logFile?: string;
}

/**
 * Starts `temporal server start-dev` on 127.0.0.1 with the plan's search attributes registered, and
 * returns once the frontend answers operator calls (and the UI, when enabled, answers HTTP).
 */
export async function startTemporalDevServer(
  options: TemporalDevServerOptions = {},
): Promise<TemporalDevServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, attempt);
    } catch (error) {
      // The dev server picks free ports for its internal services itself; on a busy machine another
      // process can take one before it binds, and it exits. Fresh ports (ours are given) fix that.
      if (attempt >= START_ATTEMPTS || !(error instanceof PortRaceError)) throw error;
      step(
        `Temporal dev server lost a port to another process; starting it again (${attempt + 1}/${START_ATTEMPTS})…`,
      );
    }
  }
}

const START_ATTEMPTS = 3;

/** The server exited because one of the ports it picked itself was taken meanwhile. */
class PortRaceError extends Error {}

function bindFailed(logFile: string): boolean {
  try {
    return readFileSync(logFile, 'utf8').includes('address already in use');
  } catch {
    return false;
  }
}

async function startOnce(options: TemporalDevServerOptions, attempt: number): Promise<TemporalDevServer> {
  const cli = await ensureTemporalCli();
  const port = options.port ?? (await freePort());
  const uiPort = options.uiPort === false ? undefined : (options.uiPort ?? (await freePort()));
  const namespace = options.namespace ?? 'default';
  const dbFile = options.dbFile ?? path.join(STATE_DIR, 'temporal.sqlite');
  const address = `127.0.0.1:${port}`;
  if (await isPortOpen(port))
    throw new Error(`port ${port} is already in use: is another Temporal server running?`);

  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  args.push('--http-port', String(await freePort()), '--metrics-port', String(await freePort()));
  if (dbFile !== ':memory:') {
    mkdirSync(path.dirname(dbFile), { recursive: true });
    args.push('--db-filename', dbFile);
  }
  if (namespace !== 'default') args.push('--namespace', namespace);
  if (uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(uiPort), '--ui-ip', '127.0.0.1', '--ui-disable-news-fetch');
  for (const name of SEARCH_ATTRIBUTE_NAMES) args.push('--search-attribute', `${name}=Keyword`);

  step(
    `starting Temporal dev server on ${address}${uiPort ? `, Web UI on http://127.0.0.1:${uiPort}` : ''}…`,
  );
  const given = options.logFile ?? path.join(LOG_DIR, `temporal-${port}.log`);
  const logFile = attempt === 1 ? given : given.replace(/(\.log)?$/, `.${attempt}.log`);
  const proc = startProcess('temporal', cli, args, { logFile });
  const probe = async (): Promise<boolean> => {
    const result = spawnSync(
      cli,
      ['operator', 'search-attribute', 'list', '--address', address, '--namespace', namespace, '-o', 'json'],
      {
        encoding: 'utf8',
        timeout: 5000,
      },
    );
    return result.status === 0 && SEARCH_ATTRIBUTE_NAMES.every((n) => result.stdout.includes(n));
  };
  try {
    await waitUntil('Temporal dev server', probe, { timeoutMs: 60_000, process: proc, intervalMs: 300 });
  } catch (error) {
    if (bindFailed(logFile)) {
      await proc.stop();
      throw new PortRaceError(error instanceof Error ? error.message : String(error));
    }
    throw error;
  }
  const uiUrl = uiPort ? `http://127.0.0.1:${uiPort}` : undefined;
  if (uiUrl) {
    await waitUntil('Temporal Web UI', async () => (await fetch(uiUrl)).ok, {
      timeoutMs: 30_000,
      process: proc,
    });
  }
  return { address, namespace, uiUrl, cli, process: proc, stop: () => proc.stop() };
}
