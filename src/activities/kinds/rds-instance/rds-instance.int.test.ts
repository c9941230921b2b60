import { beforeAll, describe, expect, it } from 'vitest';
import { retiredName, testTargetName } from '../../../domain/naming.js';
import type { PlanContext, ResolvedResource } from '../../../domain/resources.js';
import {
  crashOnce,
  ensurePlanRoles,
  inspectors,
  preparedPlan,
  planEnvironments,
  resolved,
  runStep,
  stepInput,
  topologies,
  unique,
  type Topology,
} from '../../../../test/support/kinds.js';
import { databaseGrants } from '../../../../test/support/access.js';
import {
  dbInstances,
  describeDb,
  planDbSnapshots,
  seedDbInstance,
} from '../../../../test/support/snapshot-kinds.js';

// The rds-instance kind through the per-resource activities (as the workflows call them), against the
// emulator: test failback, failback, cleanup, conclude recovery and compensation, in both topologies.

async function setUp(topology: Topology) {
  const aws = inspectors(topology);
  const source = unique('shopdb');
  const target = unique('shop');
  await seedDbInstance(aws.recovery.rds, source, { app: 'shop' });
  await seedDbInstance(aws.primary.rds, target, { owner: 'primary-team' });
  const planId = unique('p');
  // The names preflight grants (decision 0045): the role may write these databases only.
  const grants = await databaseGrants(topology.primary, planId, [{ kind: 'rds-instance', target }]);
  const plan: PlanContext = await preparedPlan(topology, planId, grants);
  const resource: ResolvedResource = resolved('rds-instance', source, target);
  return { aws, source, target, plan, resource, planId };
}

const TOPOLOGIES = topologies('us-east-1', 'us-west-2');

describe.each(TOPOLOGIES)('rds-instance ($name)', (topology) => {
  beforeAll(() => ensurePlanRoles(topology));

  it('test failback restores a test copy, removeTestCopy leaves nothing behind', async () => {
    const { aws, target, plan, resource, planId } = await setUp(topology);
    const input = stepInput(plan, 'test-failback', resource);
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    expect(copy.region).toBe(topology.primary.region);
    const restore = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    expect(restore.retirement).toBeUndefined();
    expect(restore.restored.name).toBe(testTargetName(target, planId));
    const verification = await runStep('verifyRestore', { ...input, restore, recoveryPoint });
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verification.ok).toBe(true);
    // The old primary is untouched by a test failback.
    expect((await describeDb(aws.primary.rds, target))?.DBInstanceStatus).toBe('available');

    const report = await runStep('removeTestCopy', input);
    expect(report.removed).toContain(restore.restored.id);
    expect(await describeDb(aws.primary.rds, restore.restored.id)).toBeUndefined();
    expect(await planDbSnapshots(aws.primary.rds, planId)).toEqual([]);
    expect(await planDbSnapshots(aws.recovery.rds, planId)).toEqual([]);
    // Again: nothing left to do, nothing fails.
    expect((await runStep('removeTestCopy', input)).removed).toEqual([]);
  });

  it('failback retires the old primary, restores a verified copy; cleanup and conclude finish it', async () => {
    const { aws, source, target, plan, resource, planId } = await setUp(topology);
    const input = stepInput(plan, 'failback', resource);
    const oldArnBefore = (await describeDb(aws.primary.rds, target))?.DbiResourceId;
    const { quiescedAt } = await runStep('quiesceSource', input);
    const recoveryPoint = await runStep('takeRecoveryPoint', { ...input, quiescedAt });
    expect(Date.parse(recoveryPoint.capturedAt)).toBeGreaterThanOrEqual(
      Math.floor(Date.parse(quiescedAt) / 1000) * 1000,
    );
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    const restore = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    expect(restore.retirement).toMatchObject({ originalId: target, action: 'renamed' });
    const retiredId = retiredName(target, restore.retirement?.at ?? '');
    expect(restore.retirement?.retiredId).toBe(retiredId);
    const verification = await runStep('verifyRestore', { ...input, restore, recoveryPoint, quiescedAt });
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verification.checks.map((c) => c.name)).toContain('recovery-point-after-quiesce');
    // A recovery point older than the quiesce, or a copy that is not the plan's, fails verification.
    const late = new Date(Date.now() + 3_600_000).toISOString();
    const stale = await runStep('verifyRestore', { ...input, restore, recoveryPoint, quiescedAt: late });
    expect(stale.ok).toBe(false);
    expect(stale.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['recovery-point-after-quiesce']);

    const live = await describeDb(aws.primary.rds, target);
    expect(live?.TagList).toContainEqual({ Key: 'failback:plan-id', Value: planId });
    const retired = await describeDb(aws.primary.rds, retiredId);
    expect(retired?.DbiResourceId).toBe(oldArnBefore);
    expect(retired?.TagList).toContainEqual({ Key: 'failback:retired-by', Value: planId });
    expect(retired?.TagList).toContainEqual({ Key: 'owner', Value: 'primary-team' });

    // Restoring again (a retried activity) changes nothing.
    const again = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    expect(again.restored.id).toBe(restore.restored.id);
    expect(again.retirement?.retiredId).toBe(retiredId);

    await runStep('cleanupIntermediates', input);
    expect(await planDbSnapshots(aws.primary.rds, planId)).toEqual([]);
    expect(await planDbSnapshots(aws.recovery.rds, planId)).toEqual([]);
    expect(await describeDb(aws.primary.rds, retiredId)).toBeDefined();
    expect(await describeDb(aws.primary.rds, target)).toBeDefined();

    const concludeInput = stepInput(plan, 'conclude-recovery', resource);
    const concluded = await runStep('concludeRecovery', concludeInput);
    expect(concluded.removed).toEqual([source]);
    expect(await describeDb(aws.recovery.rds, source)).toBeUndefined();
    const kept = await planDbSnapshots(aws.recovery.rds, planId);
    expect(kept).toEqual([concluded.finalBackup.id]);
    // Concluding again reports the same kept backup.
    expect((await runStep('concludeRecovery', concludeInput)).finalBackup.id).toBe(concluded.finalBackup.id);
  });

  it('compensation restores the original primary inventory, at any point and more than once', async () => {
    const { aws, target, plan, resource, planId } = await setUp(topology);
    const input = stepInput(plan, 'failback', resource);
    const inventory = async () =>
      (await dbInstances(aws.primary.rds))
        .map((db) => db.DBInstanceIdentifier ?? '')
        .filter((id) => id.startsWith(target))
        .sort();
    const before = await inventory();
    const compensation = { ...input, trafficServed: false };

    // Nothing ran yet.
    await runStep('compensateResource', compensation);
    const { quiescedAt } = await runStep('quiesceSource', input);
    const recoveryPoint = await runStep('takeRecoveryPoint', { ...input, quiescedAt });
    // Only the recovery point exists.
    await runStep('compensateResource', compensation);
    expect(await planDbSnapshots(aws.recovery.rds, planId)).toEqual([]);

    const rp = await runStep('takeRecoveryPoint', { ...input, quiescedAt });
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint: rp });
    const restore = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint: rp });
    expect(recoveryPoint.id).toBe(rp.id);
    const served = {
      ...compensation,
      restored: restore.restored,
      retirement: restore.retirement,
      trafficServed: true,
    };
    const report = await runStep('compensateResource', served);
    expect(report.removed).toContain(target);
    expect(await runStep('compensateResource', served)).toMatchObject({ removed: [] });

    const after = await describeDb(aws.primary.rds, target);
    expect(after?.TagList).toContainEqual({ Key: 'owner', Value: 'primary-team' });
    expect(after?.TagList?.some((t) => t.Key?.startsWith('failback:'))).toBe(false);
    expect(await inventory()).toEqual(before);
    // The served copy was backed up (kept) before it was removed; nothing else of the plan is left.
    const leftovers = await planDbSnapshots(aws.primary.rds, planId);
    expect(leftovers).toHaveLength(1);
    expect(await planDbSnapshots(aws.recovery.rds, planId)).toEqual([]);
  });
});

describe('rds-instance idempotency (cross-account, cross-region)', () => {
  const topology = TOPOLOGIES[1]!;
  beforeAll(() => ensurePlanRoles(topology));

  it('every create step, repeated and after a crash between AWS answering and the activity returning, makes one resource', async () => {
    const { aws, target, plan, resource, planId } = await setUp(topology);
    const input = stepInput(plan, 'failback', resource);
    const clients = planEnvironments(plan);
    const { quiescedAt } = await runStep('quiesceSource', input);

    const take = () => runStep('takeRecoveryPoint', { ...input, quiescedAt });
    await crashOnce(clients.recovery.rds, 'CreateDBSnapshotCommand', take);
    const recoveryPoint = await take();
    expect((await take()).id).toBe(recoveryPoint.id);
    expect(await planDbSnapshots(aws.recovery.rds, planId)).toEqual([recoveryPoint.id]);

    const copyStep = () => runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    await crashOnce(clients.primary.rds, 'CopyDBSnapshotCommand', copyStep);
    const copy = await copyStep();
    expect((await copyStep()).id).toBe(copy.id);
    expect(await planDbSnapshots(aws.primary.rds, planId)).toEqual([copy.id]);

    const restoreStep = () => runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    await crashOnce(clients.primary.rds, 'ModifyDBInstanceCommand', restoreStep);
    await crashOnce(clients.primary.rds, 'RestoreDBInstanceFromDBSnapshotCommand', restoreStep);
    const restore = await restoreStep();
    expect(await restoreStep()).toEqual(restore);
    const names = (await dbInstances(aws.primary.rds))
      .map((db) => db.DBInstanceIdentifier ?? '')
      .filter((id) => id.startsWith(target))
      .sort();
    expect(names).toEqual([target, restore.retirement?.retiredId].sort());

    const conclude = () => runStep('concludeRecovery', stepInput(plan, 'conclude-recovery', resource));
    await crashOnce(clients.recovery.rds, 'CreateDBSnapshotCommand', conclude);
    await crashOnce(clients.recovery.rds, 'DeleteDBInstanceCommand', conclude);
    const concluded = await conclude();
    expect((await conclude()).finalBackup.id).toBe(concluded.finalBackup.id);
    expect(await planDbSnapshots(aws.recovery.rds, planId)).toEqual(
      [recoveryPoint.id, concluded.finalBackup.id].sort(),
    );
  });
});

describe('rds-instance with the longest identifier AWS allows', () => {
  const topology = TOPOLOGIES[0]!;
  beforeAll(() => ensurePlanRoles(topology));

  it('a 63-character target: its test copy and its retired self get names that fit, and are found again', async () => {
    const aws = inspectors(topology);
    const long = (prefix: string) => `${prefix}-${'x'.repeat(62 - prefix.length)}`;
    const source = long(unique('src'));
    const target = long(unique('tgt'));
    expect(target).toHaveLength(63);
    await seedDbInstance(aws.recovery.rds, source, { app: 'shop' });
    await seedDbInstance(aws.primary.rds, target, { owner: 'primary-team' });
    const planId = unique('plong');
    const grants = await databaseGrants(topology.primary, planId, [{ kind: 'rds-instance', target }]);
    const plan = await preparedPlan(topology, planId, grants);
    const resource = resolved('rds-instance', source, target);

    const test = stepInput(plan, 'test-failback', resource);
    const rp = await runStep('takeRecoveryPoint', test);
    const copy = await runStep('copyRecoveryPoint', { ...test, recoveryPoint: rp });
    const restored = await runStep('restoreIntoPrimary', { ...test, copy, recoveryPoint: rp });
    expect(restored.restored.name).toBe(testTargetName(target, planId, 'rds-instance'));
    expect(restored.restored.name.length).toBeLessThanOrEqual(63);
    expect((await runStep('verifyRestore', { ...test, restore: restored, recoveryPoint: rp })).ok).toBe(true);
    expect((await runStep('removeTestCopy', test)).removed).toContain(restored.restored.id);

    const input = stepInput(plan, 'failback', resource);
    const { quiescedAt } = await runStep('quiesceSource', input);
    const recoveryPoint = await runStep('takeRecoveryPoint', { ...input, quiescedAt });
    const failbackCopy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    const restore = await runStep('restoreIntoPrimary', { ...input, copy: failbackCopy, recoveryPoint });
    const retiredId = restore.retirement?.retiredId ?? '';
    expect(retiredId.length).toBeLessThanOrEqual(63);
    expect(retiredId).toBe(retiredName(target, restore.retirement?.at ?? ''));
    expect((await describeDb(aws.primary.rds, retiredId))?.TagList).toContainEqual({
      Key: 'owner',
      Value: 'primary-team',
    });
    expect((await describeDb(aws.primary.rds, target))?.DBInstanceStatus).toBe('available');
    // A retried restore finds both again by their derived names.
    const again = await runStep('restoreIntoPrimary', { ...input, copy: failbackCopy, recoveryPoint });
    expect(again.retirement?.retiredId).toBe(retiredId);
    expect(again.restored.id).toBe(restore.restored.id);
  });
});
