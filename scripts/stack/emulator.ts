import path from 'node:path';
import { EmulatorAdmin, type TimingModel } from '../../emulator/client.js';
import { ensureEmulatorPython } from './install.js';
import { step } from './log.js';
import { LOG_DIR, REPO_ROOT } from './paths.js';
import { freePort, isPortOpen, startProcess, waitUntil, type ManagedProcess } from './process.js';

export interface Emulator {
  /** http://127.0.0.1:<port>: give it to the AWS SDK as the endpoint (AWS_ENDPOINT_URL) */
  endpoint: string;
  port: number;
  process: ManagedProcess;
  /** The admin API: profile, per-account settings, faults, events, call counts, reset. */
  admin: EmulatorAdmin;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  port?: number;
  /** timing profile: fast, realistic, demo or a JSON file (see emulator/README.md) */
  profile?: string;
  /** multiplies the profile's AWS-like durations (realistic: 1/600 unless given) */
  scale?: number;
  /** seed of the fault decisions */
  seed?: string;
  /** Write the server's output here; undefined with `foreground` inherits the terminal. */
  logFile?: string;
  foreground?: boolean;
}

/** The one way everything (tests, npm start, the benchmark) starts the AWS emulator. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const python = ensureEmulatorPython();
  const port = options.port ?? (await freePort());
  if (await isPortOpen(port)) throw new Error(`port ${port} is already in use: is another emulator running?`);
  const args = ['-m', 'failback_emulator', '--host', '127.0.0.1', '--port', String(port)];
  if (options.profile) args.push('--profile', options.profile);
  if (options.scale !== undefined) args.push('--scale', String(options.scale));
  if (options.seed !== undefined) args.push('--seed', options.seed);
  const endpoint = `http://127.0.0.1:${port}`;
  step(`starting the AWS emulator on ${endpoint}${options.profile ? ` (profile ${options.profile})` : ''}…`);
  const logFile = options.foreground
    ? options.logFile
    : (options.logFile ?? path.join(LOG_DIR, `emulator-${port}.log`));
  const proc = startProcess('emulator', python, args, {
    logFile,
    env: { ...process.env, PYTHONPATH: path.join(REPO_ROOT, 'emulator'), PYTHONUNBUFFERED: '1' },
  });
  const admin = new EmulatorAdmin(endpoint);
  await waitUntil('AWS emulator', async () => (await admin.health()).status === 'ok', {
    timeoutMs: 60_000,
    process: proc,
  });
  return { endpoint, port, process: proc, admin, stop: () => proc.stop() };
}

/** The factor of the `fast` profile's absolute durations against AWS's: what the tests poll with. */
const FAST_TIME_SCALE = 0.001;

/**
 * FAILBACK_TIME_SCALE for workers and plans against this emulator: the profile's scale (demo: 0.01,
 * realistic: 1/600), or the tests' 0.001 for a profile of absolute durations (`fast`).
 */
export function timeScaleOf(model: Pick<TimingModel, 'scale'>): number {
  return model.scale > 0 && model.scale < 1 ? model.scale : FAST_TIME_SCALE;
}
