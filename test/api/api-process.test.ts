import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/stack/paths.js';

/** The API's entry point refuses to start without usable tokens, in one line that says why. */
function startApi(tokens: string | undefined) {
  const env: NodeJS.ProcessEnv = { ...process.env, FAILBACK_API_PORT: '0', TEMPORAL_ADDRESS: '127.0.0.1:1' };
  delete env.FAILBACK_API_TOKENS;
  if (tokens !== undefined) env.FAILBACK_API_TOKENS = tokens;
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'src/main/api.ts')], {
    cwd: REPO_ROOT,
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('the API process', { timeout: 30_000 }, () => {
  it('refuses to start without FAILBACK_API_TOKENS', () => {
    const result = startApi(undefined);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^api: FAILBACK_API_TOKENS is not set: /m);
  });

  it('refuses tokens it cannot use, naming the entry', () => {
    const result = startApi(JSON.stringify([{ token: 'short', name: 'olga', roles: ['admin'] }]));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('entry 0 (olga): token must be at least 16 characters');
    expect(result.stderr).toContain("entry 0 (olga): unknown role 'admin'");
  });
});
