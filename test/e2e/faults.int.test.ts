import { describe, expect, it } from 'vitest';
import { expectFailedBackWithoutLoss } from './support/assertions.js';
import { runEndToEnd } from './support/run-plan.js';

// The same failback with 12% of the scenario accounts' AWS calls throttled or failing with a 5xx
// (emulator fault rules scoped to those accounts): retries absorb them, the proof is the same.
describe('end to end under faults', () => {
  it('fails back without loss while AWS throttles and fails a share of calls', async () => {
    const run = await runEndToEnd({ name: 'faults', faultRate: 0.12 });
    const codes = new Set(run.faultEvents.map((e) => e.code));
    const services = new Set(run.faultEvents.map((e) => e.service));
    expect(run.faultEvents.length, 'faults were injected').toBeGreaterThan(50);
    expect([...services].sort()).toEqual(expect.arrayContaining(['dynamodb', 'ec2', 'rds']));
    expect(codes.size, `several kinds of fault: ${[...codes].join(', ')}`).toBeGreaterThanOrEqual(3);
    await expectFailedBackWithoutLoss(run);
  }, 900_000);
});
