import { inject } from 'vitest';
import { EmulatorAdmin, type CallMatcher } from '../../emulator/client.js';

/**
 * Runs `step` with its first product call matching `call` held before AWS sees it, runs `meanwhile`
 * (what another attempt does in that gap), then lets the call go on. Returns the step's promise, boxed
 * so that awaiting this does not await the step (a rejection is the test's to assert).
 */
export async function withCallHeld<T>(
  call: CallMatcher & { account: string },
  step: () => Promise<T>,
  meanwhile: () => Promise<unknown>,
): Promise<{ step: Promise<T> }> {
  const admin = new EmulatorAdmin(inject('awsEndpoint'));
  const hold = await admin.addHold({ action: 'hold-before', caller: 'product', timeoutMs: 60_000, ...call });
  const running = step();
  running.catch(() => undefined);
  try {
    await admin.waitForHold(hold.id);
    await meanwhile();
  } finally {
    await admin.releaseHold(hold.id);
    await admin.removeHolds({ id: hold.id });
  }
  return { step: running };
}
