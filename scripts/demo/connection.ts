import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { EmulatorAdmin } from '../../emulator/client.js';
import { LOG_DIR, REPO_ROOT } from '../stack/paths.js';
import { readSession, sessionFile } from '../stack/session.js';

/** Where the demo finds the service and what it acts as. */
export interface DemoConnection {
  apiUrl: string;
  awsEndpoint: string;
  tokens: { viewer: string; operator: string; approver: string };
  /** Set when the demo started the stack itself: stops it again. */
  stop?: () => Promise<void>;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(3000) })).ok;
  } catch {
    return false;
  }
}

/** The README cookbook's variables, when all of them are set: API, the three tokens, AWS_ENDPOINT_URL. */
function fromEnvironment(env: NodeJS.ProcessEnv): DemoConnection | undefined {
  const { API, OPERATOR_TOKEN, APPROVER_TOKEN, VIEWER_TOKEN, AWS_ENDPOINT_URL } = env;
  if (!API || !OPERATOR_TOKEN || !APPROVER_TOKEN || !VIEWER_TOKEN || !AWS_ENDPOINT_URL) return undefined;
  return {
    apiUrl: API.replace(/\/$/, ''),
    awsEndpoint: AWS_ENDPOINT_URL,
    tokens: { viewer: VIEWER_TOKEN, operator: OPERATOR_TOKEN, approver: APPROVER_TOKEN },
  };
}

/** A running `npm start` of this checkout, from the session file it writes (scripts/stack/session.ts). */
async function fromSession(): Promise<DemoConnection | undefined> {
  const session = readSession();
  if (!session || !isAlive(session.pid) || !(await answers(`${session.apiUrl}/healthz`))) return undefined;
  if (!session.tokens) {
    throw new Error(
      `npm start runs with tokens from FAILBACK_API_TOKENS, which it does not write down: set API, ` +
        `OPERATOR_TOKEN, APPROVER_TOKEN, VIEWER_TOKEN and AWS_ENDPOINT_URL for the demo`,
    );
  }
  return { apiUrl: session.apiUrl, awsEndpoint: session.awsEndpoint, tokens: session.tokens };
}

/** `npm start` in the background for the demo's duration, its output in .cache/logs/demo-start.log. */
async function startStack(log: (message: string) => void): Promise<DemoConnection> {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = path.join(LOG_DIR, 'demo-start.log');
  log(`npm start is not running: starting the service for this demo (output in ${logFile})…`);
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts/start.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, FAILBACK_API_TOKENS: '' },
    stdio: ['ignore', out, out],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode !== null) return;
    child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + 300_000;
  for (;;) {
    const session = readSession();
    if (
      session &&
      session.pid === child.pid &&
      session.tokens &&
      (await answers(`${session.apiUrl}/healthz`))
    ) {
      log(`service ready: API ${session.apiUrl}, Temporal UI ${session.uiUrl ?? '—'}`);
      return { apiUrl: session.apiUrl, awsEndpoint: session.awsEndpoint, tokens: session.tokens, stop };
    }
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}): see ${logFile}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`npm start was not ready after 5 minutes: see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The environment's variables if all are given, else the running `npm start` (its session file), else
 * (unless `start` is false) an `npm start` of the demo's own. The AWS endpoint must be the emulator:
 * the demo creates resources, and never in a real account.
 */
export async function connect(start: boolean, log: (message: string) => void): Promise<DemoConnection> {
  const connection =
    fromEnvironment(process.env) ??
    (await fromSession()) ??
    (start
      ? await startStack(log)
      : (() => {
          throw new Error(
            `no running npm start found (${sessionFile()}): run \`npm start\` in another terminal first`,
          );
        })());
  try {
    await new EmulatorAdmin(connection.awsEndpoint).health();
  } catch {
    await connection.stop?.();
    throw new Error(
      `${connection.awsEndpoint} is not the AWS emulator: the demo seeds resources, so it runs against the emulator only`,
    );
  }
  return connection;
}
