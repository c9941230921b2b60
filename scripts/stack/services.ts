import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { LOG_DIR, REPO_ROOT } from './paths.js';
import { startProcess, waitUntil, type ManagedProcess } from './process.js';

/** Starts one of our own TypeScript entry points (src/main/*.ts) as a child process through tsx. */
export function startNodeService(
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  logFile?: string,
): ManagedProcess {
  return startProcess(name, process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, entry)], {
    env,
    cwd: REPO_ROOT,
    ...(logFile ? { logFile: path.join(LOG_DIR, logFile) } : {}),
  });
}

/** Resolves once some worker polls the task queue (what `temporal task-queue describe` shows). */
export async function waitForWorker(
  cli: string,
  address: string,
  namespace: string,
  taskQueue: string,
  proc: ManagedProcess,
): Promise<void> {
  await waitUntil(
    'worker',
    async () => {
      const result = spawnSync(
        cli,
        [
          'task-queue',
          'describe',
          '--task-queue',
          taskQueue,
          '--address',
          address,
          '--namespace',
          namespace,
          '-o',
          'json',
        ],
        {
          encoding: 'utf8',
          timeout: 5000,
        },
      );
      return result.status === 0 && /"identity"\s*:/.test(result.stdout);
    },
    { timeoutMs: 120_000, process: proc, intervalMs: 500 },
  );
}
