import { gzipSync } from 'node:zlib';
import { ListImportsCommand } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StepInput } from '../../../domain/resources.js';
import { createSeededTable, runStep, tableFingerprint } from '../../../../test/support/dynamodb.js';
import {
  ensurePlanRoles,
  failureType,
  inspectors,
  preparedPlan,
  resolved,
  topologies,
  unique,
} from '../../../../test/support/kinds.js';

/**
 * Item 13 of issue 14 (ImportTable): a fixed ClientToken answers the same import for 8 hours, a FAILED
 * one too (the emulator honours it as AWS does). After an import failed and its cause was removed, the
 * retried restore must import again under the next token generation — not be handed the failed import
 * again — and the copy verifies.
 */
const [, crossAccount] = topologies('us-east-2', 'us-west-1');
const topology = crossAccount!;

describe('ImportTable retried after a failed import', () => {
  beforeAll(() => ensurePlanRoles(topology));

  it('imports again under a new token once the cause is removed, and verifies', async () => {
    const aws = inspectors(topology);
    const table = unique('orders');
    await createSeededTable(aws.recovery, table, 60, { pitr: true });
    const plan = await preparedPlan(topology, unique('p'));
    const input: StepInput = {
      plan,
      phase: 'test-failback',
      resource: resolved('dynamodb-table', table, table, { copyMethod: 'export-import' }),
    };
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });

    // A file that is not DynamoDB JSON among the data files: the import fails (FAILED, item errors).
    const bucket = String(copy.details?.bucket);
    const bad = `${String(copy.details?.prefix)}zz-not-dynamodb.json.gz`;
    await aws.recovery.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: bad, Body: gzipSync('this is not json\n') }),
    );
    expect(await failureType(runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint }))).toBe(
      'InvalidParameter',
    );

    // The cause is removed; the person retries.
    await aws.recovery.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: bad }));
    const restore = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    const verification = await runStep('verifyRestore', { ...input, restore, recoveryPoint });
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
    expect((await tableFingerprint(aws.primary, restore.restored.name)).count).toBe(60);
    const imports = await aws.primary.dynamodb.send(
      new ListImportsCommand({ TableArn: restore.restored.arn ?? '' }),
    );
    expect(imports.ImportSummaryList?.map((i) => i.ImportStatus).sort()).toEqual(['COMPLETED', 'FAILED']);
    await runStep('removeTestCopy', input);
  });
});
