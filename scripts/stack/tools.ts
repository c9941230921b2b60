import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StackError, step } from './log.js';
import { CACHE_DIR } from './paths.js';
import { run, whichCommand } from './run.js';

/** Tools the tests use beside the servers, each pinned and installed once into .cache/tools/. */
export const TOOLS_DIR = path.join(CACHE_DIR, 'tools');
export const GO_CACHE_DIR = path.join(CACHE_DIR, 'go');

const PYTHON = process.env.PYTHON ?? 'python3';

export interface PythonTool {
  name: string;
  /** The pip requirement, pinned (name==version). */
  requirement: string;
  /** The console script the package installs. */
  script: string;
}

/** A PyPI tool in a venv of its own (pinned; pip checks the wheels' hashes against PyPI's index). */
export function ensurePythonTool(tool: PythonTool): string {
  const dir = path.join(TOOLS_DIR, `${tool.name}-${tool.requirement.split('==')[1]}`);
  const binary = path.join(dir, 'bin', tool.script);
  const marker = path.join(dir, '.installed');
  if (existsSync(marker) && existsSync(binary)) return binary;
  step(`installing ${tool.requirement} from PyPI into ${dir} (once)…`);
  mkdirSync(TOOLS_DIR, { recursive: true });
  if (!existsSync(path.join(dir, 'bin', 'python'))) run(PYTHON, ['-m', 'venv', dir]);
  run(
    path.join(dir, 'bin', 'python'),
    ['-m', 'pip', 'install', '--progress-bar', 'off', '--disable-pip-version-check', tool.requirement],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  if (!existsSync(binary)) throw new StackError(`${tool.requirement} installed no ${tool.script}`);
  writeFileSync(marker, `${new Date().toISOString()}\n`);
  return binary;
}

/** The environment of every `go` command the scripts run: caches in .cache/go/, this Go only. */
export function goEnvironment(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOMODCACHE: path.join(GO_CACHE_DIR, 'mod'),
    GOCACHE: path.join(GO_CACHE_DIR, 'build'),
    GOPATH: path.join(GO_CACHE_DIR, 'path'),
    // Module files read-only by default would make the cache impossible to delete with rm -rf.
    GOFLAGS: '-modcacherw -buildvcs=false',
    GOTOOLCHAIN: 'local',
  };
}

export function requireGo(why: string): string {
  const go = whichCommand('go');
  if (!go)
    throw new StackError(`${why} needs Go (≥ 1.24) on PATH: install it (Debian: apt-get install golang-go)`);
  return go;
}

export interface GoTool {
  name: string;
  /** module path of the main package */
  module: string;
  version: string;
}

/** A Go tool built from the Go module proxy with `go install` (modules verified against go.sum's database). */
export function ensureGoTool(tool: GoTool): string {
  const bin = path.join(TOOLS_DIR, `${tool.name}-${tool.version}`);
  const binary = path.join(bin, tool.name);
  if (existsSync(binary)) return binary;
  const go = requireGo(tool.name);
  step(`building ${tool.module}@${tool.version} from the Go module proxy (once; a few minutes)…`);
  mkdirSync(bin, { recursive: true });
  run(go, ['install', `${tool.module}@${tool.version}`], {
    env: { ...goEnvironment(), GOBIN: bin },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (!existsSync(binary)) throw new StackError(`go install ${tool.module} left no ${binary}`);
  return binary;
}
