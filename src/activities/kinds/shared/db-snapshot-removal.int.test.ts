import {
  DeleteDBClusterSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  RemoveTagsFromResourceCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { beforeAll, describe, expect, it } from 'vitest';
import { withCallHeld } from '../../../../test/support/held-call.js';
import {
  ensurePlanRoles,
  failureType,
  inspectors,
  preparedPlan,
  resolved,
  runStep,
  stepInput,
  topologies,
  unique,
} from '../../../../test/support/kinds.js';
import {
  planClusterSnapshots,
  planDbSnapshots,
  seedCluster,
  seedDbInstance,
} from '../../../../test/support/snapshot-kinds.js';

/**
 * What the abort matrix listed as `compensation-deletes-gone-snapshot`: the plan's snapshot is removed by another
 * attempt (the test cleanup an abort cancelled, beside compensation) between this step's describe and
 * its delete. The role may delete only snapshots tagged with the plan, and a missing snapshot has no
 * tags: AWS (and the emulator) answer AccessDenied, not NotFound. The step must see that the snapshot
 * is gone and carry on — and must not take an AccessDenied for a snapshot that is still there as done.
 */
const topology = topologies('us-east-1', 'us-west-2')[1]!; // cross-account: the recovery role's tag condition

const KINDS = [
  {
    kind: 'rds-instance' as const,
    deleteOperation: 'DeleteDBSnapshot',
    seed: (rds: RDSClient, id: string) => seedDbInstance(rds, id, { app: 'shop' }),
    snapshots: planDbSnapshots,
    deleteAsRoot: (rds: RDSClient, id: string) =>
      rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id })),
    count: async (rds: RDSClient, id: string) =>
      (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }))).DBSnapshots?.length,
  },
  {
    kind: 'aurora-cluster' as const,
    deleteOperation: 'DeleteDBClusterSnapshot',
    seed: (rds: RDSClient, id: string) => seedCluster(rds, id, 1, { app: 'shop' }),
    snapshots: planClusterSnapshots,
    deleteAsRoot: (rds: RDSClient, id: string) =>
      rds.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: id })),
    count: async (rds: RDSClient, id: string) =>
      (await rds.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: id })))
        .DBClusterSnapshots?.length,
  },
];

describe.each(KINDS)('$kind: removing a snapshot another attempt removes meanwhile', (k) => {
  const aws = inspectors(topology);
  beforeAll(() => ensurePlanRoles(topology));

  /** The test cleanup with its delete of the recovery point held while `meanwhile` runs. */
  async function cleanupWith(meanwhile: (id: string, arn: string) => Promise<unknown>) {
    const source = unique('shopdb');
    const planId = unique('p');
    await k.seed(aws.recovery.rds, source);
    const plan = await preparedPlan(topology, planId);
    const input = stepInput(plan, 'test-failback', resolved(k.kind, source, unique('shop')));
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    const { step: cleanup } = await withCallHeld(
      {
        service: 'rds',
        operation: k.deleteOperation,
        account: topology.recovery.accountId,
        match: recoveryPoint.id,
      },
      () => runStep('removeTestCopy', input),
      () => meanwhile(recoveryPoint.id, recoveryPoint.arn ?? ''),
    );
    return { cleanup, planId, recoveryPoint };
  }

  it('gone meanwhile: AccessDenied, then not found — removed, the cleanup carries on', async () => {
    const { cleanup, planId, recoveryPoint } = await cleanupWith((id) =>
      k.deleteAsRoot(aws.recovery.rds, id),
    );
    const report = await cleanup;
    expect(report.removed).toContain(recoveryPoint.arn);
    expect(await k.snapshots(aws.recovery.rds, planId)).toEqual([]);
  });

  it('still there (its plan tag taken off meanwhile): the AccessDenied stands', async () => {
    const { cleanup, recoveryPoint } = await cleanupWith((_id, arn) =>
      aws.recovery.rds.send(
        new RemoveTagsFromResourceCommand({ ResourceName: arn, TagKeys: ['failback:plan-id'] }),
      ),
    );
    expect(await failureType(cleanup)).toBe('AccessDenied');
    expect(await k.count(aws.recovery.rds, recoveryPoint.id)).toBe(1);
  });
});
