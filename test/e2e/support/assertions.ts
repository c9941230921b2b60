import { expect } from 'vitest';
import { contentOf, backupsOf, expectBackupContent, expectTableContent } from '../../support/data-checks.js';
import {
  expectNothingDestroyed,
  expectPrimaryFailedBack,
  expectRecoveryConcluded,
  recordValue,
} from '../../support/scenario-checks.js';
import { TOKENS } from '../../support/api.js';
import { expectedContent, keyNames } from '../../../scripts/scenario/tables.js';
import type { Stage } from '../../../src/domain/contract.js';
import type { EndToEndRun } from './run-plan.js';

const STAGES: Stage[] = [
  'preflight',
  'awaiting-primary-ready',
  'access-stack',
  'test-failback',
  'awaiting-test-validation',
  'awaiting-window',
  'failback',
  'awaiting-dns-cutover',
  'awaiting-primary-validation',
  'conclude-recovery',
  'cleanup',
  'completed',
];

/**
 * The product's promise after a failback (issue 7): primary holds exactly the recovery environment's
 * latest data, nothing was destroyed on the way, and recovery is back to its pilot light.
 */
export async function expectFailedBackWithoutLoss(run: EndToEndRun): Promise<void> {
  const { scenario, final, before, after } = run;
  const { primary, recovery } = scenario.spec;
  const resources = scenario.spec.resources ?? [];

  // The preflight saw everything it would retire, and the plan went through every stage once.
  expect(run.preflight.ok, JSON.stringify(run.preflight.findings)).toBe(true);
  expect(run.preflight.resources).toHaveLength(resources.length);
  expect(run.preflight.wouldRetire.length).toBe(resources.length);
  expect(final.timeline.map((t) => t.stage)).toEqual(STAGES);
  expect(final.errors, 'no error reached the plan').toEqual([]);
  expect(final.audit.map((a) => `${a.action}:${a.gate ?? ''}:${a.by}:${a.outcome}`)).toEqual([
    `start::${TOKENS.operator.name}:accepted`,
    `approve:primary-ready:${TOKENS.approver.name}:accepted`,
    `approve:test-failback:${TOKENS.approver.name}:accepted`,
    `setMaintenanceWindow::${TOKENS.operator.name}:accepted`,
    `approve:failback:${TOKENS.approver.name}:accepted`,
    'dnsCutoverComplete::dns-oncall:accepted',
    `approve:primary-validated:${TOKENS.approver.name}:accepted`,
  ]);
  for (const r of final.resources) expect(r.verification?.ok, `${r.key} verified by the plan`).toBe(true);
  expect(Date.parse(final.measurements.quiescedAt!), 'quiesced after the last write').toBeGreaterThanOrEqual(
    Date.parse(run.lastWriteAt),
  );

  // Every primary table equals its recovery source at the cutover, which holds the later writes.
  for (const table of run.tables) {
    const keys = keyNames(table.shape);
    const source = run.recoverySource[table.name]!;
    const expected = contentOf(expectedContent(table, 2, run.writes[table.name]));
    expect(source.count, `recovery ${table.name}: seeded + written`).toBe(expected.count);
    expect(source.hash, `recovery ${table.name}: seeded + written content`).toBe(expected.hash);
    await expectTableContent(primary, table.name, source, keys, `primary ${table.name}`);
  }

  // Primary: new copies in place, every stale resource kept, nothing destroyed, no leftovers.
  const recoveryAtCutover = {
    ...before.recovery,
    tables: before.recovery.tables.map((t) => ({ ...t, items: run.recoverySource[t.name]!.count })),
  };
  expectPrimaryFailedBack(before.primary, after.primary, recoveryAtCutover, scenario);
  expectNothingDestroyed(before.primary, after.primary, 'primary');
  expect(after.primary.roles, 'access stack role gone').not.toContain(`failback-access-${final.planId}`);
  expect(final.accessStack?.state).toBe('deleted');
  for (const table of run.tables) {
    const retired = final.resources.find((r) => r.key === `dynamodb-table:${table.name}`)?.retirement;
    expect(retired?.action, `${table.name}: the stale table backed up`).toBe('backed-up-and-replaced');
    await expectBackupContent(
      primary,
      retired!.backupArn!,
      contentOf(expectedContent(table, 1)),
      keyNames(table.shape),
      `primary backup of the stale ${table.name}`,
    );
  }
  // Manual DNS: the operator flips it elsewhere; the plan left the zone alone.
  expect(
    await recordValue(primary.accountId, primary.region, scenario.hostedZoneId, scenario.dnsRecord.name),
  ).toBe(scenario.dnsRecord.recoveryValue);

  // Recovery: pilot light plus the final backups, which hold the data primary now has.
  expectRecoveryConcluded(after.recovery, scenario, before.recovery);
  for (const table of run.tables) {
    const finals = await backupsOf(recovery, table.name);
    expect(finals, `recovery ${table.name}: one final backup`).toHaveLength(1);
    await expectBackupContent(
      recovery,
      finals[0]!.arn,
      run.recoverySource[table.name]!,
      keyNames(table.shape),
      `recovery final backup of ${table.name}`,
    );
  }

  // The report: RTO and RPO, every resource's recovery point after the quiesce, every check passed.
  const { report } = run;
  expect(report.outcome?.result).toBe('completed');
  expect(report.rto.toDnsCutoverSeconds).toBeGreaterThan(0);
  expect(report.rto.toPrimaryValidatedSeconds).toBeGreaterThanOrEqual(report.rto.toDnsCutoverSeconds!);
  expect(report.rpo.quiescedAt).toBe(final.measurements.quiescedAt);
  expect(report.rpo.seconds).toBe(0);
  expect(report.rpo.resources.map((r) => [r.key, r.afterQuiesce])).toEqual(
    final.resources.map((r) => [r.key, true]),
  );
  expect(report.dataChecks).toEqual({ verified: resources.length, failed: 0, unverified: 0 });
  expect(run.markdown).toContain(`# Failback report: ${final.planId}`);
  expect(run.markdown).toMatch(/\| RTO to DNS cutover \| \S+ \| \S+ \| \d/);
  expect(run.markdown).toMatch(/\| RPO \(worst resource(: `\S+`)?\) \| \S+ \| \S+ \| /);
}
