import { beforeAll, describe, expect, it } from 'vitest';
import { createSeededTable, tableFingerprint } from '../../../../test/support/dynamodb.js';
import {
  crashOnce,
  ensurePlanRoles,
  failureType,
  inspectors,
  planEnvironments,
  preparedPlan,
  resolved,
  runStep,
  stepInput,
  topologies,
  unique,
} from '../../../../test/support/kinds.js';

/**
 * The review of issue 14's fixes: the failback's retirement of the old primary table reused a kept
 * backup of the plan-derived name without asking which table it holds. An attempt backs up and
 * deletes the old table, then dies; before the retry, an application (or IaC) re-creates a table under
 * the name and writes to it. The retry must not delete that table on the strength of the first
 * table's backup: it parks (NameConflict), and the re-created table stays with its items.
 */
const [topology] = topologies('eu-north-1', 'eu-south-1');

describe('dynamodb-table retirement of a table re-created between attempts', () => {
  beforeAll(() => ensurePlanRoles(topology!));

  it('parks instead of deleting a table the kept backup does not hold', async () => {
    const aws = inspectors(topology!);
    const table = unique('ledger');
    await Promise.all([createSeededTable(aws.recovery, table, 20), createSeededTable(aws.primary, table, 5)]);
    const plan = await preparedPlan(topology!, unique('p'));
    const input = stepInput(plan, 'failback', resolved('dynamodb-table', table, table));
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });

    // The first attempt backs up and deletes the old table, then dies.
    await crashOnce(planEnvironments(plan).primary.dynamodb, 'DeleteTableCommand', () =>
      runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint }),
    );
    // Meanwhile an application re-creates the table and writes 7 items of its own.
    await createSeededTable(aws.primary, table, 7);
    const before = await tableFingerprint(aws.primary, table);

    expect(await failureType(runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint }))).toBe(
      'NameConflict',
    );
    expect(await tableFingerprint(aws.primary, table)).toEqual(before);
    expect(before.count).toBe(7);
  });
});
