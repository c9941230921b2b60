import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { inject } from 'vitest';

/**
 * Debian's chromium through playwright-core (no browser download): headless, sandbox off (we run as
 * root), and nothing that would reach for the network, which is closed here.
 */
export async function launchChromium(): Promise<BrowserContext & { dispose(): Promise<void> }> {
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'failback-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: inject('chromiumPath'),
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return Object.assign(context, {
    async dispose() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  });
}

/** Where browser tests keep their screenshots (git-ignored; CI can collect it). */
export const ARTIFACTS_DIR = path.resolve('test-results', 'web-ui');
