import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestProject } from 'vitest/node';
import { workflowInterceptorModules, workflowsPath } from '../src/worker.js';
import { ensureChromium } from '../scripts/stack/chromium.js';
import { startEmulator } from '../scripts/stack/emulator.js';
import { installStack } from '../scripts/stack/install.js';
import { CACHE_DIR } from '../scripts/stack/paths.js';
import { step } from '../scripts/stack/log.js';
import { startTemporalDevServer } from '../scripts/stack/temporal-server.js';
import { writeFileSync } from 'node:fs';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    temporalUiUrl: string;
    temporalCli: string;
    testServerPath: string;
    awsEndpoint: string;
    workflowBundlePath: string;
    /** Debian's chromium for the Web UI browser test (installed with apt-get when missing). */
    chromiumPath: string;
  }
}

/**
 * Starts the real stack for the integration tests: a Temporal dev server (with its Web UI) and the AWS
 * emulator on free loopback ports, and bundles the workflow code once for every test worker.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const installed = await installStack();
  const chromiumPath = ensureChromium();
  const runDir = path.join(CACHE_DIR, 'test-run', String(process.pid));
  mkdirSync(runDir, { recursive: true });
  const [temporal, emulator, bundle] = await Promise.all([
    startTemporalDevServer({ dbFile: ':memory:', logFile: path.join(runDir, 'temporal.log') }),
    startEmulator({ profile: 'fast', logFile: path.join(runDir, 'emulator.log') }),
    bundleWorkflowCode({
      workflowsPath: workflowsPath(),
      workflowInterceptorModules: workflowInterceptorModules(),
      logger: quietLogger,
    }),
  ]);
  const workflowBundlePath = path.join(runDir, 'workflow-bundle.js');
  writeFileSync(workflowBundlePath, bundle.code);
  project.provide('temporalAddress', temporal.address);
  project.provide('temporalNamespace', temporal.namespace);
  project.provide('temporalUiUrl', temporal.uiUrl ?? '');
  project.provide('temporalCli', installed.temporalCli);
  project.provide('testServerPath', installed.testServer);
  project.provide('awsEndpoint', emulator.endpoint);
  project.provide('workflowBundlePath', workflowBundlePath);
  project.provide('chromiumPath', chromiumPath);
  step(`integration stack up in ${((Date.now() - started) / 1000).toFixed(1)} s (logs in ${runDir})`);
  return async () => {
    await Promise.all([temporal.stop(), emulator.stop()]);
  };
}

const quietLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn(message: string) {
    step(`bundler: ${message}`);
  },
  error(message: string) {
    step(`bundler: ${message}`);
  },
};
