import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './paths.js';
import { NODE_RUNTIME } from './versions.js';

const read = (file: string) => readFileSync(path.join(REPO_ROOT, file), 'utf8');
const major = (version: string) => Number(/(\d+)/.exec(version)![1]);

describe('Node 22', () => {
  it('is what package.json, the Dockerfile and the pinned runtime agree on', () => {
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    expect(major(engines)).toBe(NODE_RUNTIME.minimumMajor);
    expect(major(NODE_RUNTIME.version)).toBe(NODE_RUNTIME.minimumMajor);
    const bases = [...read('Dockerfile').matchAll(/^FROM node:(\d+)/gm)].map((m) => Number(m[1]));
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toBe(NODE_RUNTIME.minimumMajor);
  });

  it('every npm script that runs the product or the tests goes through the runtime launcher', () => {
    const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['start', 'demo', 'bench', 'test'])
      expect(scripts[name], name).toContain('scripts/stack/node-runtime.ts');
  });

  it('runs these tests, when they were started by the launcher (npm test)', () => {
    const given = process.env.FAILBACK_NODE_RUNTIME;
    if (!given) return; // `npx vitest` by hand on this machine's own Node: nothing to compare with
    expect(major(process.version)).toBeGreaterThanOrEqual(NODE_RUNTIME.minimumMajor);
    expect(process.execPath).toBe(given);
  });
});
