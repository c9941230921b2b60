import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { StackError } from './log.js';
import { whichCommand } from './run.js';

export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string | undefined;
  /** Resolves with the exit code (or the signal's name) when the process group leader exits. */
  readonly exited: Promise<number | string>;
  /** SIGTERM to the whole process group, then SIGKILL after `graceMs`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Write stdout and stderr here (created with its folder); otherwise they are inherited. */
  logFile?: string;
}

const SETPRIV = process.platform === 'linux' ? whichCommand('setpriv') : undefined;

/**
 * Starts a long-running server in its own process group, so stopping it also stops anything it
 * spawned, and no terminal signal reaches it before its owner decides the shutdown order.
 */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: StartOptions = {},
): ManagedProcess {
  // With setpriv (util-linux), the child also gets SIGTERM if its owner dies without cleaning up.
  if (SETPRIV) {
    args = ['--pdeathsig', 'TERM', '--', command, ...args];
    command = SETPRIV;
  }
  let child: ChildProcess;
  if (options.logFile) {
    mkdirSync(path.dirname(options.logFile), { recursive: true });
    const out = createWriteStream(options.logFile, { flags: 'a' });
    child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(out);
    child.stderr?.pipe(out);
  } else {
    child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
  }
  if (child.pid === undefined) throw new StackError(`could not start ${name} (${command})`);
  const pid = child.pid;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', () => resolve('spawn-error'));
  });
  let alive = true;
  void exited.then(() => {
    alive = false;
  });
  const killGroup = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-pid, signal);
    } catch {
      // the group is already gone
    }
  };
  let stopping: Promise<void> | undefined;
  return {
    name,
    pid,
    logFile: options.logFile,
    exited,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        if (alive) killGroup('SIGTERM');
        const timer = setTimeout(() => killGroup('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
        // Children of the leader that outlived it (same group) must not linger either.
        killGroup('SIGKILL');
      })();
      return stopping;
    },
  };
}

/** A port the OS says is free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export function isPortOpen(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Polls `probe` until it returns true. Fails early, with the log's tail, when the process dies.
 */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; process?: ManagedProcess; intervalMs?: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let dead: number | string | undefined;
  void options.process?.exited.then((code) => (dead = code));
  for (;;) {
    if (dead !== undefined) {
      await new Promise((r) => setTimeout(r, 300)); // let the log stream flush
      throw new StackError(
        `${what}: the process exited (${dead}) before it was ready${logHint(options.process)}`,
      );
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) {
      throw new StackError(
        `${what}: not ready after ${options.timeoutMs / 1000} s${logHint(options.process)}`,
      );
    }
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 200));
  }
}

function logHint(p: ManagedProcess | undefined): string {
  if (!p?.logFile) return '';
  const tail = existsSync(p.logFile)
    ? readFileSync(p.logFile, 'utf8').trim().split('\n').slice(-5).join('\n  ')
    : '';
  return `; see ${p.logFile}${tail ? `:\n  ${tail}` : ''}`;
}
