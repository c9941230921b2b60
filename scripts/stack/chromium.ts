import { existsSync } from 'node:fs';
import { StackError, step } from './log.js';
import { run, whichCommand } from './run.js';

const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/**
 * The browser of the Web UI test: Debian's `chromium` package, driven by playwright-core through
 * `executablePath` (playwright's own browser download cannot work without internet). CHROMIUM_PATH
 * names another binary; otherwise the package is installed with apt-get (root only) when missing.
 */
export function ensureChromium(): string {
  const override = process.env.CHROMIUM_PATH;
  if (override) {
    if (!existsSync(override)) throw new StackError(`CHROMIUM_PATH=${override} does not exist`);
    return override;
  }
  if (existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  const aptGet = whichCommand('apt-get');
  if (!aptGet) {
    throw new StackError(
      'the Web UI test needs Chromium: install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH',
    );
  }
  if (process.getuid?.() !== 0) {
    throw new StackError(
      'the Web UI test needs Chromium and only root can install it here: run `sudo apt-get install -y chromium` once, or set CHROMIUM_PATH',
    );
  }
  step('installing Chromium from Debian for the Web UI test (apt-get, once; about a minute)…');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run(aptGet, ['update'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  run(aptGet, ['install', '-y', '--no-install-recommends', 'chromium'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (!existsSync(DEBIAN_CHROMIUM))
    throw new StackError(`apt-get installed chromium but ${DEBIAN_CHROMIUM} is missing`);
  step(`Chromium installed: ${run(DEBIAN_CHROMIUM, ['--version']).trim()}`);
  return DEBIAN_CHROMIUM;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    process.stdout.write(`${ensureChromium()}\n`);
  } catch (error) {
    step(`chromium install failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
