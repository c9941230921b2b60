import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import type { ProbeEnvironmentInput, ProbeEnvironmentResult } from '../activities/probe.js';

const { probeEnvironment } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5, initialInterval: '1 second' },
});

/**
 * A read-only diagnostic: can the worker reach this environment the way a plan will? Operators run it
 * before a plan (temporal workflow start --type environmentProbe); it is also the platform's smoke test.
 */
export async function environmentProbe(input: ProbeEnvironmentInput): Promise<ProbeEnvironmentResult> {
  return probeEnvironment(input);
}
