import { beforeAll, describe, expect, it } from 'vitest';
import { retiredName, testTargetName } from '../../../domain/naming.js';
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
import {
  clusterInstanceIds,
  dbClusters,
  describeCluster,
  planClusterSnapshots,
  seedCluster,
} from '../../../../test/support/snapshot-kinds.js';
import { databaseGrants } from '../../../../test/support/access.js';

// The aurora-cluster kind through the per-resource activities against the emulator, both topologies:
// a writer and a reader in recovery, an old cluster (writer only) in primary.

async function setUp(topology: Topology) {
  const aws = inspectors(topology);
  const source = unique('shopaurora');
  const target = unique('aurora');
  await seedCluster(aws.recovery.rds, source, 2, { app: 'shop' });
  await seedCluster(aws.primary.rds, target, 1, { owner: 'primary-team' });
  const planId = unique('p');
  return {
    aws,
    source,
    target,
    planId,
    // The names preflight grants (decision 0045), the old cluster's instances among them.
    plan: await preparedPlan(
      topology,
      planId,
      await databaseGrants(topology.primary, planId, [{ kind: 'aurora-cluster', target, instances: 2 }]),
    ),
    resource: resolved('aurora-cluster', source, target),
  };
}

const TOPOLOGIES = topologies('eu-west-1', 'eu-central-1');

describe.each(TOPOLOGIES)('aurora-cluster ($name)', (topology) => {
  beforeAll(() => ensurePlanRoles(topology));

  it('test failback restores a test cluster with writer and reader; removeTestCopy removes it all', async () => {
    const { aws, target, plan, resource, planId } = await setUp(topology);
    const input = stepInput(plan, 'test-failback', resource);
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    const restore = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    const testName = testTargetName(target, planId);
    expect(restore.restored.id).toBe(testName);
    const verification = await runStep('verifyRestore', { ...input, restore, recoveryPoint });
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
    const members = (await describeCluster(aws.primary.rds, testName))?.DBClusterMembers ?? [];
    expect(members).toHaveLength(2);
    expect(members.filter((m) => m.IsClusterWriter)).toHaveLength(1);

    await runStep('removeTestCopy', input);
    expect(await describeCluster(aws.primary.rds, testName)).toBeUndefined();
    expect(await clusterInstanceIds(aws.primary.rds, testName)).toEqual([]);
    expect(await planClusterSnapshots(aws.primary.rds, planId)).toEqual([]);
    expect(await planClusterSnapshots(aws.recovery.rds, planId)).toEqual([]);
  });

  it('failback renames the old cluster and its instances, restores a verified cluster; conclude finishes', async () => {
    const { aws, source, target, plan, resource, planId } = await setUp(topology);
    const input = stepInput(plan, 'failback', resource);
    const oldResourceId = (await describeCluster(aws.primary.rds, target))?.DbClusterResourceId;
    const { quiescedAt } = await runStep('quiesceSource', input);
    const recoveryPoint = await runStep('takeRecoveryPoint', { ...input, quiescedAt });
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    const restore = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    const at = restore.retirement?.at ?? '';
    const retiredId = retiredName(target, at);
    expect(restore.retirement).toMatchObject({ action: 'renamed', retiredId });
    const verification = await runStep('verifyRestore', { ...input, restore, recoveryPoint, quiescedAt });
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
    // A recovery point older than the quiesce, or a copy that is not the plan's, fails verification.
    const late = new Date(Date.now() + 3_600_000).toISOString();
    const stale = await runStep('verifyRestore', { ...input, restore, recoveryPoint, quiescedAt: late });
    expect(stale.ok).toBe(false);
    expect(stale.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(['recovery-point-after-quiesce']);

    const retired = await describeCluster(aws.primary.rds, retiredId);
    expect(retired?.DbClusterResourceId).toBe(oldResourceId);
    // The old writer kept its data under a retired name; the new writer took its old name.
    expect(await clusterInstanceIds(aws.primary.rds, retiredName(`${target}-1`, at))).toEqual([
      `${retiredName(`${target}-1`, at)}@${retiredId}`,
    ]);
    const restoredMembers = (await clusterInstanceIds(aws.primary.rds, `${target}-`)).filter((id) =>
      id.endsWith(`@${target}`),
    );
    expect(restoredMembers).toEqual([`${target}-1@${target}`, `${target}-2@${target}`]);

    await runStep('cleanupIntermediates', input);
    expect(await planClusterSnapshots(aws.primary.rds, planId)).toEqual([]);
    expect(await planClusterSnapshots(aws.recovery.rds, planId)).toEqual([]);

    const concluded = await runStep('concludeRecovery', stepInput(plan, 'conclude-recovery', resource));
    expect(concluded.removed).toContain(source);
    expect(await describeCluster(aws.recovery.rds, source)).toBeUndefined();
    expect(await clusterInstanceIds(aws.recovery.rds, source)).toEqual([]);
    expect(await planClusterSnapshots(aws.recovery.rds, planId)).toEqual([concluded.finalBackup.id]);
  });

  it('compensation gives the old cluster and its instances their names back, from any point, twice', async () => {
    const { aws, target, plan, resource, planId } = await setUp(topology);
    const input = stepInput(plan, 'failback', resource);
    const before = await clusterInstanceIds(aws.primary.rds, target);
    const { quiescedAt } = await runStep('quiesceSource', input);
    const recoveryPoint = await runStep('takeRecoveryPoint', { ...input, quiescedAt });
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    const restore = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    const compensation = {
      ...input,
      restored: restore.restored,
      retirement: restore.retirement,
      trafficServed: true,
    };
    await runStep('compensateResource', compensation);
    await runStep('compensateResource', compensation);

    expect(await clusterInstanceIds(aws.primary.rds, target)).toEqual(before);
    const cluster = await describeCluster(aws.primary.rds, target);
    expect(cluster?.TagList).toContainEqual({ Key: 'owner', Value: 'primary-team' });
    expect(cluster?.TagList?.some((t) => t.Key?.startsWith('failback:'))).toBe(false);
    expect(await planClusterSnapshots(aws.primary.rds, planId)).toHaveLength(1); // the kept backup of the served copy
    expect(await planClusterSnapshots(aws.recovery.rds, planId)).toEqual([]);
  });
});

describe('aurora-cluster idempotency (cross-account, cross-region)', () => {
  const topology = TOPOLOGIES[1]!;
  beforeAll(() => ensurePlanRoles(topology));

  it('every create step, repeated and after a crash between AWS answering and the activity returning, makes one resource', async () => {
    const { aws, target, plan, resource, planId } = await setUp(topology);
    const input = stepInput(plan, 'failback', resource);
    const clients = planEnvironments(plan);
    const { quiescedAt } = await runStep('quiesceSource', input);

    const take = () => runStep('takeRecoveryPoint', { ...input, quiescedAt });
    await crashOnce(clients.recovery.rds, 'CreateDBClusterSnapshotCommand', take);
    const recoveryPoint = await take();
    expect((await take()).id).toBe(recoveryPoint.id);
    expect(await planClusterSnapshots(aws.recovery.rds, planId)).toEqual([recoveryPoint.id]);

    const copyStep = () => runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    await crashOnce(clients.primary.rds, 'CopyDBClusterSnapshotCommand', copyStep);
    const copy = await copyStep();
    expect((await copyStep()).id).toBe(copy.id);
    expect(await planClusterSnapshots(aws.primary.rds, planId)).toEqual([copy.id]);

    const restoreStep = () => runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    await crashOnce(clients.primary.rds, 'ModifyDBInstanceCommand', restoreStep);
    await crashOnce(clients.primary.rds, 'ModifyDBClusterCommand', restoreStep);
    await crashOnce(clients.primary.rds, 'RestoreDBClusterFromSnapshotCommand', restoreStep);
    await crashOnce(clients.primary.rds, 'CreateDBInstanceCommand', restoreStep);
    const restore = await restoreStep();
    expect(await restoreStep()).toEqual(restore);
    const retiredId = restore.retirement?.retiredId ?? '';
    expect(
      (await dbClusters(aws.primary.rds))
        .map((c) => c.DBClusterIdentifier)
        .filter((id) => id?.startsWith(target))
        .sort(),
    ).toEqual([target, retiredId].sort());
    expect(
      (await clusterInstanceIds(aws.primary.rds, target)).filter((id) => id.endsWith(`@${target}`)),
    ).toEqual([`${target}-1@${target}`, `${target}-2@${target}`]);

    const conclude = () => runStep('concludeRecovery', stepInput(plan, 'conclude-recovery', resource));
    await crashOnce(clients.recovery.rds, 'CreateDBClusterSnapshotCommand', conclude);
    await crashOnce(clients.recovery.rds, 'DeleteDBClusterCommand', conclude);
    const concluded = await conclude();
    expect((await conclude()).finalBackup.id).toBe(concluded.finalBackup.id);
    expect(await planClusterSnapshots(aws.recovery.rds, planId)).toEqual(
      [recoveryPoint.id, concluded.finalBackup.id].sort(),
    );
  });
});
