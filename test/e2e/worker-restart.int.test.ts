import { describe, expect, it } from 'vitest';
import { expectFailedBackWithoutLoss } from './support/assertions.js';
import { runEndToEnd } from './support/run-plan.js';

// The same failback with the worker process killed (SIGKILL) while the failback copies, and a new one
// started: Temporal hands the lost activities to it after their heartbeat timeout, the idempotent
// steps adopt what the first attempts made, and the proof is the same (no duplicate, nothing lost).
describe('end to end with a worker crash', () => {
  it('fails back without loss when the worker is killed mid-failback and restarted', async () => {
    const run = await runEndToEnd({ name: 'restart', killWorkerMidFailback: true });
    expect(run.workerStarts).toBe(2);
    await expectFailedBackWithoutLoss(run);
  }, 900_000);
});
