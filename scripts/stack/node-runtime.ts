/**
 * Node.js 22 for the product, the tests and the scripts, on a machine whose own Node is older.
 *
 * `node --import tsx scripts/stack/node-runtime.ts <command> [args…]` runs the command with a Node of
 * at least NODE_RUNTIME.minimumMajor first on PATH: this one if it is recent enough, else the pinned
 * binary from the npm registry, installed once into .cache/node/. Every `node` the command starts
 * (vitest, `#!/usr/bin/env node` scripts, process.execPath of children) is then that Node.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { StackError, step } from './log.js';
import { CACHE_DIR, DOWNLOAD_DIR } from './paths.js';
import { run, whichCommand } from './run.js';
import { NODE_RUNTIME } from './versions.js';

const major = (version: string) => Number(version.replace(/^v/, '').split('.')[0]);

/** The folder whose bin/node is the pinned Node (installed on first use). */
export function nodeRuntimeDir(): string {
  return path.join(CACHE_DIR, 'node', NODE_RUNTIME.version);
}

/** A `node` binary of the supported major: the current one when recent enough, else the pinned one. */
export function ensureNodeRuntime(): string {
  if (major(process.versions.node) >= NODE_RUNTIME.minimumMajor) return process.execPath;
  const binary = path.join(nodeRuntimeDir(), 'bin', 'node');
  if (existsSync(binary)) return binary;
  const platform = `${process.platform}-${process.arch}`;
  const pkg = NODE_RUNTIME.packages[platform];
  if (!pkg) {
    throw new StackError(
      `this machine has Node ${process.versions.node}; the project needs Node ${NODE_RUNTIME.minimumMajor} and ` +
        `ships no Node for ${platform}: install Node ${NODE_RUNTIME.minimumMajor} LTS (README, Requirements)`,
    );
  }
  const npm = whichCommand('npm');
  if (!npm) throw new StackError('npm is needed to fetch Node 22 from the npm registry');
  step(
    `this machine has Node ${process.versions.node}: fetching Node ${NODE_RUNTIME.version} (${pkg.name}, ~50 MB, once)…`,
  );
  mkdirSync(DOWNLOAD_DIR, { recursive: true });
  run(npm, ['pack', '--silent', '--pack-destination', DOWNLOAD_DIR, `${pkg.name}@${NODE_RUNTIME.version}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tarball = path.join(DOWNLOAD_DIR, `${pkg.name}-${NODE_RUNTIME.version}.tgz`);
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  if (integrity !== pkg.integrity) {
    rmSync(tarball, { force: true });
    throw new StackError(
      `${path.basename(tarball)} has ${integrity}, expected ${pkg.integrity}; refusing it`,
    );
  }
  const partial = `${nodeRuntimeDir()}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  run('tar', ['xzf', tarball, '-C', partial, '--strip-components=1', 'package/bin/node', 'package/LICENSE']);
  const version = run(path.join(partial, 'bin', 'node'), ['--version']).trim();
  if (version !== `v${NODE_RUNTIME.version}`)
    throw new StackError(`the unpacked Node reports ${version}, expected v${NODE_RUNTIME.version}`);
  renameSync(partial, nodeRuntimeDir());
  rmSync(tarball, { force: true });
  step(`Node ${NODE_RUNTIME.version} installed in ${nodeRuntimeDir()}`);
  return binary;
}

/** Runs `command` with the supported Node first on PATH; exits with its code, passes signals on. */
function runWithNodeRuntime(command: string, args: string[]): void {
  const node = ensureNodeRuntime();
  const env = {
    ...process.env,
    PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`,
    // What the command was given, so a test can check it runs on it.
    FAILBACK_NODE_RUNTIME: node,
  };
  const child = spawn(command === 'node' ? node : command, args, { stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => child.kill(signal));
  }
  // `kill <npm pid>` ends npm without passing a signal on: the command must not outlive it.
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) child.kill('SIGTERM');
  }, 500).unref();
  child.once('error', (error) => {
    step(`could not start ${command}: ${error.message}`);
    process.exit(127);
  });
  child.once('exit', (code, signal) => process.exit(code ?? (signal ? 128 + 15 : 1)));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [command, ...args] = process.argv.slice(2);
  try {
    if (!command || command === '--install') process.stdout.write(`${ensureNodeRuntime()}\n`);
    else runWithNodeRuntime(command, args);
  } catch (error) {
    step(`Node runtime: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
