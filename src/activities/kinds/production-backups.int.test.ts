import {
  CreateImageCommand,
  CreateSnapshotCommand,
  DescribeImagesCommand,
  DescribeSnapshotsCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateDBSnapshotCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBInstanceCommand,
} from '@aws-sdk/client-rds';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ensurePlanRoles,
  inspectors,
  preparedPlan,
  resolved,
  runStep,
  stepInput,
  topologies,
  unique,
} from '../../../test/support/kinds.js';
import {
  describeDb,
  describeInstance,
  seedDbInstance,
  seedInstance,
} from '../../../test/support/snapshot-kinds.js';
import type { StepInput } from '../../domain/resources.js';

/**
 * Item 9 of issue 14: between the restore and final cleanup the new production primary is backed up
 * the way production is (DLM or a person's CreateImage copying the instance's tags; RDS "copy tags to
 * snapshots"). Those backups carry the plan's tags. Final cleanup must remove only what the plan
 * derived and recorded making (decision 0036), never the production backups by their tags.
 */
const [topology] = topologies('eu-west-3', 'eu-central-1');

async function failback(input: StepInput) {
  const { quiescedAt } = await runStep('quiesceSource', input);
  const recoveryPoint = await runStep('takeRecoveryPoint', { ...input, quiescedAt });
  const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
  const restore = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
  const verification = await runStep('verifyRestore', { ...input, restore, recoveryPoint, quiescedAt });
  expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
  return restore;
}

describe('final cleanup and the new production primary’s own backups', () => {
  beforeAll(() => ensurePlanRoles(topology!));

  it('ec2-instance: an AMI and a snapshot that copied the new instance’s tags survive cleanup', async () => {
    const aws = inspectors(topology!);
    const target = unique('web');
    const source = await seedInstance(aws.recovery.ec2, `${target}-recovery`, { app: 'shop' });
    await seedInstance(aws.primary.ec2, target, { owner: 'primary-team' });
    const plan = await preparedPlan(topology!, unique('p'));
    const input = stepInput(plan, 'failback', resolved('ec2-instance', source, target));
    const restore = await failback(input);

    // Production's backups of the new instance, tagged as the instance is (plan tags included).
    const instance = await describeInstance(aws.primary.ec2, restore.restored.id);
    const tags = (instance?.Tags ?? []).filter((t) => !t.Key?.startsWith('aws:'));
    expect(tags.some((t) => t.Key === 'failback:plan-id')).toBe(true);
    const image = await aws.primary.ec2.send(
      new CreateImageCommand({
        InstanceId: restore.restored.id,
        Name: `dlm-${target}`,
        NoReboot: true,
        TagSpecifications: [
          { ResourceType: 'image', Tags: tags },
          { ResourceType: 'snapshot', Tags: tags },
        ],
      }),
    );
    const volumeId = instance?.BlockDeviceMappings?.[0]?.Ebs?.VolumeId ?? '';
    const snapshot = await aws.primary.ec2.send(
      new CreateSnapshotCommand({
        VolumeId: volumeId,
        TagSpecifications: [{ ResourceType: 'snapshot', Tags: tags }],
      }),
    );

    await runStep('cleanupIntermediates', input);
    const images = await aws.primary.ec2.send(new DescribeImagesCommand({ ImageIds: [image.ImageId!] }));
    expect(images.Images?.map((i) => i.State === 'pending' || i.State === 'available')).toEqual([true]);
    const snapshots = await aws.primary.ec2.send(
      new DescribeSnapshotsCommand({
        OwnerIds: ['self'],
        Filters: [{ Name: 'volume-id', Values: [volumeId] }],
      }),
    );
    const ids = (snapshots.Snapshots ?? []).map((s) => s.SnapshotId);
    expect(ids).toContain(snapshot.SnapshotId);
    const imageSnapshots = (images.Images?.[0]?.BlockDeviceMappings ?? []).map((m) => m.Ebs?.SnapshotId);
    for (const id of imageSnapshots) expect(ids).toContain(id);
  });

  it('rds-instance: a manual snapshot that copied the new instance’s tags survives cleanup', async () => {
    const aws = inspectors(topology!);
    const source = unique('shopdb');
    const target = unique('shop');
    await seedDbInstance(aws.recovery.rds, source, { app: 'shop' });
    await seedDbInstance(aws.primary.rds, target, { owner: 'primary-team' });
    const plan = await preparedPlan(topology!, unique('p'));
    const input = stepInput(plan, 'failback', resolved('rds-instance', source, target));
    await failback(input);

    // Production turns on "copy tags to snapshots" and takes a snapshot: it carries the plan's tags.
    await aws.primary.rds.send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: target,
        CopyTagsToSnapshot: true,
        ApplyImmediately: true,
      }),
    );
    const taken = `${target}-nightly`;
    await aws.primary.rds.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: target, DBSnapshotIdentifier: taken }),
    );
    const tagged = await aws.primary.rds.send(
      new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: taken }),
    );
    expect(tagged.DBSnapshots?.[0]?.TagList?.some((t) => t.Key === 'failback:plan-id')).toBe(true);

    await runStep('cleanupIntermediates', input);
    const after = await aws.primary.rds.send(
      new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: target }),
    );
    expect(after.DBSnapshots?.map((s) => s.DBSnapshotIdentifier)).toContain(taken);
    expect(await describeDb(aws.primary.rds, target)).toBeDefined();
  });
});
