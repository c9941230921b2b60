import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StepInput } from '../../../domain/resources.js';
import { createSeededTable, mixedItem, putItems, runStep } from '../../../../test/support/dynamodb.js';
import {
  ensurePlanRoles,
  inspectors,
  preparedPlan,
  resolved,
  topologies,
  unique,
} from '../../../../test/support/kinds.js';

/**
 * Item 6 of issue 14: in a test failback the recovery table stays in use — the application keeps
 * writing while the copy is made and verified. The test copy is verified against the recovery point it
 * was made from (decision 0037), so writes to the live table after the recovery point do not fail it;
 * a copy that differs from its recovery point still does.
 */
const [sameAccount, crossAccount] = topologies('eu-north-1', 'eu-south-1');
const CASES = [
  { method: 'restore', topology: sameAccount! },
  { method: 'export-import', topology: crossAccount! },
  { method: 'scan-copy', topology: crossAccount! },
];

describe.each(CASES)('test failback of a table in use ($method)', ({ method, topology }) => {
  beforeAll(() => ensurePlanRoles(topology));

  it('verifies against the recovery point while the source takes writes; a damaged copy fails', async () => {
    const aws = inspectors(topology);
    const table = unique('orders');
    await createSeededTable(aws.recovery, table, 120, { pitr: true });
    const plan = await preparedPlan(topology, unique('p'));
    const input: StepInput = {
      plan,
      phase: 'test-failback',
      resource: resolved('dynamodb-table', table, table, { copyMethod: method }),
    };

    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    // The application goes on: new and changed items in the live recovery table.
    await putItems(aws.recovery, table, [
      mixedItem(5_000),
      mixedItem(5_001),
      { ...mixedItem(3), status: { S: 'changed' } },
    ]);
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    const restore = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    await putItems(aws.recovery, table, [mixedItem(5_002)]);
    const verification = await runStep('verifyRestore', { ...input, restore, recoveryPoint });
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verification.ok).toBe(true);

    // The check can fail: an item missing from the copy is found.
    const gone = mixedItem(7);
    await aws.primary.dynamodb.send(
      new DeleteItemCommand({ TableName: restore.restored.name, Key: { pk: gone.pk!, sk: gone.sk! } }),
    );
    const damaged = await runStep('verifyRestore', { ...input, restore, recoveryPoint });
    expect(damaged.ok).toBe(false);
    expect(damaged.checks.find((c) => c.name === 'item-count')?.ok).toBe(false);
    await runStep('removeTestCopy', input);
  });
});
