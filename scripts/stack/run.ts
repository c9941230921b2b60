import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { StackError } from './log.js';

/** Runs a short command to completion; output is returned, failures name the command. */
export function run(cmd: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new StackError(
      code === 'ENOENT'
        ? `'${cmd}' is not installed or not on PATH`
        : `${cmd} failed: ${result.error.message}`,
    );
  }
  if (result.status !== 0) {
    const output = `${String(result.stdout ?? '')}${String(result.stderr ?? '')}`
      .trim()
      .split('\n')
      .slice(-15);
    throw new StackError(`${cmd} ${args.join(' ')} exited with ${result.status}:\n${output.join('\n')}`);
  }
  return String(result.stdout ?? '');
}

export function commandExists(cmd: string): boolean {
  const result = spawnSync('sh', ['-c', `command -v "${cmd}"`], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim().length > 0;
}

export function whichCommand(cmd: string): string | undefined {
  const result = spawnSync('sh', ['-c', `command -v "${cmd}"`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}
