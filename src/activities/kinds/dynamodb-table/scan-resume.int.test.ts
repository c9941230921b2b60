import { withAccessRole } from '../../../../test/support/access.js';
import { MockActivityEnvironment } from '@temporalio/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PlanContext } from '../../../domain/resources.js';
import { asAccount, PRIMARY_ACCOUNT, RECOVERY_ACCOUNT } from '../../../../test/support/aws.js';
import {
  createSeededTable,
  runStep,
  scanCopyTableInput,
  tableFingerprint,
} from '../../../../test/support/dynamodb.js';
import { resourceSteps } from '../../resource-steps.js';
import type { ScanCopyProgress } from './scan-copy.js';

const run = Date.now().toString(36);
const table = `resume-${run}`;
const input = scanCopyTableInput(`resume-${run}`, table);
let plan: PlanContext = input.plan;
type Heartbeat = Partial<ScanCopyProgress> & { copied?: number };

describe('scan copy after a worker crash', () => {
  beforeAll(async () => {
    plan = await withAccessRole(plan);
    input.plan = plan;
    await createSeededTable(asAccount(RECOVERY_ACCOUNT, 'eu-south-1'), table, 1500);
  });

  it('resumes every segment from its last completed page (heartbeat details), and the copy is exact', async () => {
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });

    // First attempt: the worker "dies" (the activity is cancelled) once some pages are copied.
    const first = new MockActivityEnvironment();
    let last: Heartbeat | undefined;
    first.on('heartbeat', (d: Heartbeat) => {
      if (!d.scanCopy) return;
      last = d;
      if ((d.copied ?? 0) >= 500) first.cancel('WORKER_SHUTDOWN');
    });
    await expect(
      first.run(resourceSteps.restoreIntoPrimary, { ...input, copy, recoveryPoint }),
    ).rejects.toBeDefined();
    expect(last?.scanCopy?.segments.some((s) => !s.done)).toBe(true);
    const copiedBefore = last?.copied ?? 0;
    const pagesDone = last?.scanCopy?.segments.filter((s) => s.lastKey || s.done).length ?? 0;
    expect(copiedBefore).toBeGreaterThanOrEqual(500);
    expect(pagesDone).toBeGreaterThan(0);

    // The retry gets the last heartbeat, as Temporal gives it, and carries on from there.
    const firstOfRetry: Heartbeat[] = [];
    const restore = await runStep(
      'restoreIntoPrimary',
      { ...input, copy, recoveryPoint },
      { heartbeatDetails: last },
      (d) => {
        const beat = d as Heartbeat;
        // The copy's own heartbeats (pollUntil's carry the earlier ones along, with a `what`).
        if (beat.scanCopy && !('what' in beat) && firstOfRetry.length === 0) firstOfRetry.push(beat);
      },
    );
    expect(restore.restored.details?.resumed).toBe(true);
    expect(firstOfRetry[0]?.copied).toBeGreaterThan(copiedBefore);
    expect(restore.restored.details?.copiedItems).toBe(1500);

    // Verification scans the copy in full: it must heartbeat as it goes (a large table's scans outlast
    // the heartbeat timeout, and an attempt that does not beat is restarted, forever). A test copy is
    // proved against what the copy read (decision 0037): the live source is not scanned again.
    const verifyBeats: Array<{ verifying?: string; scanned?: number }> = [];
    const verification = await runStep('verifyRestore', { ...input, restore, recoveryPoint }, {}, (d) =>
      verifyBeats.push(d as { verifying?: string; scanned?: number }),
    );
    expect(verification.ok).toBe(true);
    const scanned = (name: string) => verifyBeats.filter((b) => b.verifying === name).map((b) => b.scanned);
    expect(scanned(table)).toEqual([]);
    expect(scanned(restore.restored.name).length).toBeGreaterThanOrEqual(4); // a beat per page of every segment
    expect(Math.max(...(scanned(restore.restored.name) as number[]))).toBe(1500);
    expect(verification.checks.find((c) => c.name === 'content-hash')?.ok).toBe(true);
    expect(await tableFingerprint(asAccount(PRIMARY_ACCOUNT, 'eu-north-1'), restore.restored.name)).toEqual(
      await tableFingerprint(asAccount(RECOVERY_ACCOUNT, 'eu-south-1'), table),
    );
    await runStep('removeTestCopy', input);
  });
});
