import {
  DeleteSnapshotCommand,
  DeleteTagsCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
} from '@aws-sdk/client-ec2';
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
import { planImages, seedInstance } from '../../../../test/support/snapshot-kinds.js';

/**
 * The EC2 twin of shared/db-snapshot-removal: the recovery point's AMI or one of its snapshots is
 * removed by another attempt (the test cleanup an abort cancelled, beside compensation; a retried
 * activity) between this step's describe and its delete. The role may deregister or delete only what
 * carries the plan's tag, and what no longer exists has no tags: AWS (and the emulator) answer
 * UnauthorizedOperation, not NotFound. The step must see that it is gone and carry on, and must not
 * take an UnauthorizedOperation for an AMI that is still there as done.
 */
const topology = topologies('eu-west-1', 'eu-central-1')[1]!; // cross-account: the recovery role's tag condition

describe('ec2-instance: removing an AMI or snapshot another attempt removes meanwhile', () => {
  const aws = inspectors(topology);
  beforeAll(() => ensurePlanRoles(topology));

  async function imageOf(imageId: string) {
    const out = await aws.recovery.ec2.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
    return out.Images?.[0];
  }

  /** The test cleanup with its `operation` held while `meanwhile` runs. */
  async function cleanupWith(
    operation: 'DeregisterImage' | 'DeleteSnapshot',
    meanwhile: (imageId: string, snapshotIds: string[]) => Promise<unknown>,
  ) {
    const planId = unique('p');
    const source = await seedInstance(aws.recovery.ec2, unique('web-recovery'), { app: 'shop' });
    const plan = await preparedPlan(topology, planId);
    const input = stepInput(plan, 'test-failback', resolved('ec2-instance', source, unique('web')));
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    const image = await imageOf(recoveryPoint.id);
    const snapshotIds = (image?.BlockDeviceMappings ?? []).flatMap((m) =>
      m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : [],
    );
    expect(snapshotIds.length).toBeGreaterThan(0);
    const { step: cleanup } = await withCallHeld(
      {
        service: 'ec2',
        operation,
        account: topology.recovery.accountId,
        match: operation === 'DeregisterImage' ? recoveryPoint.id : snapshotIds[0]!,
      },
      () => runStep('removeTestCopy', input),
      () => meanwhile(recoveryPoint.id, snapshotIds),
    );
    return { cleanup, planId, recoveryPoint };
  }

  const removeAsOwner = async (imageId: string, snapshotIds: string[]) => {
    await aws.recovery.ec2.send(new DeregisterImageCommand({ ImageId: imageId }));
    for (const id of snapshotIds) await aws.recovery.ec2.send(new DeleteSnapshotCommand({ SnapshotId: id }));
  };

  it('the AMI gone meanwhile: UnauthorizedOperation, then not found — removed, the cleanup carries on', async () => {
    const { cleanup, planId, recoveryPoint } = await cleanupWith('DeregisterImage', removeAsOwner);
    const report = await cleanup;
    expect(report.removed).toContain(recoveryPoint.id);
    expect(await planImages(aws.recovery.ec2, planId)).toEqual({ images: [], snapshots: [] });
  });

  it('a snapshot gone meanwhile: removed, the cleanup carries on', async () => {
    const { cleanup, planId } = await cleanupWith('DeleteSnapshot', (_image, snapshots) =>
      aws.recovery.ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshots[0]! })),
    );
    await cleanup;
    expect(await planImages(aws.recovery.ec2, planId)).toEqual({ images: [], snapshots: [] });
  });

  it('the AMI still there (its plan tag taken off meanwhile): the refusal stands', async () => {
    const { cleanup, recoveryPoint } = await cleanupWith('DeregisterImage', (imageId) =>
      aws.recovery.ec2.send(
        new DeleteTagsCommand({ Resources: [imageId], Tags: [{ Key: 'failback:plan-id' }] }),
      ),
    );
    expect(await failureType(cleanup)).toBe('AccessDenied');
    expect((await imageOf(recoveryPoint.id))?.State).toBe('available');
  });
});
