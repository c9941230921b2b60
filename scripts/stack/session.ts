import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { STATE_DIR } from './paths.js';

/**
 * What a running `npm start` offers other local tools (`npm run demo`): where the API, Temporal and the
 * emulator listen, and the demo tokens it generated. A git-ignored file, readable by its owner only,
 * removed when that `npm start` stops. FAILBACK_SESSION_FILE moves it.
 */
export interface StackSession {
  /** The `npm start` process (scripts/start.ts): the session is stale once it is gone. */
  pid: number;
  apiUrl: string;
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  awsEndpoint: string;
  uiUrl?: string;
  /** FAILBACK_TIME_SCALE given to the worker and API (the emulator's clock). */
  timeScale?: number;
  /** Only tokens `npm start` generated itself; tokens from FAILBACK_API_TOKENS are never written. */
  tokens?: { viewer: string; operator: string; approver: string };
  startedAt: string;
}

export function sessionFile(): string {
  return process.env.FAILBACK_SESSION_FILE || path.join(STATE_DIR, 'npm-start.json');
}

export function writeSession(session: StackSession): void {
  const file = sessionFile();
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
}

/** The session file's content, or undefined when there is none (or it is not ours to read). */
export function readSession(): StackSession | undefined {
  try {
    return JSON.parse(readFileSync(sessionFile(), 'utf8')) as StackSession;
  } catch {
    return undefined;
  }
}

/** Removes the file if it still describes the process `pid` (another `npm start` may have replaced it). */
export function removeSession(pid: number): void {
  if (readSession()?.pid === pid) rmSync(sessionFile(), { force: true });
}
