import { describe, it } from 'vitest';
import { expectFailedBackWithoutLoss } from './support/assertions.js';
import { runEndToEnd } from './support/run-plan.js';

// Issue 7: a realistic application (3 instances, RDS, Aurora with a writer and two readers, three
// DynamoDB tables — 10,000 mixed-type orders, customers with a GSI, an empty audit table) failed back
// across accounts and regions through the HTTP API and the temporal CLI, with the application writing
// in recovery until the window; then the proof that no data was lost.
describe('end to end: failback of the seeded application', () => {
  it('leaves primary with exactly the recovery data, nothing destroyed, recovery at pilot light', async () => {
    const run = await runEndToEnd({ name: 'clean' });
    await expectFailedBackWithoutLoss(run);
  }, 900_000);
});
