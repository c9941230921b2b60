import { CreateDBClusterCommand, type Tag } from '@aws-sdk/client-rds';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Phase } from '../../../domain/naming.js';
import {
  ensurePlanRoles,
  inspectors,
  preparedPlan,
  resolved,
  runStep,
  stepInput,
  topologies,
  unique,
} from '../../../../test/support/kinds.js';
import {
  describeCluster,
  describeDb,
  seedCluster,
  seedDbInstance,
} from '../../../../test/support/snapshot-kinds.js';

/**
 * The review of issue 14's fixes: the copies carry CopyTagsToSnapshot, so a clone an operator makes
 * from a copy's snapshots during validation carries the plan run's tags, and was made during the run.
 * Removing the test copy, or compensating the failback, must remove the plan's copy only (by the name
 * the restore gave it), never such a clone.
 */
const [topology] = topologies('ap-southeast-2', 'ap-northeast-1');
const operatorsTags = (tags: Tag[] | undefined) => (tags ?? []).filter((t) => !t.Key?.startsWith('aws:'));

async function runThroughRestore(kind: 'rds-instance' | 'aurora-cluster', phase: Phase) {
  const aws = inspectors(topology!);
  const source = unique(kind === 'rds-instance' ? 'clonedb' : 'cloneaurora');
  const target = unique('clonetarget');
  if (kind === 'rds-instance') {
    await seedDbInstance(aws.recovery.rds, source, { app: 'shop' });
    await seedDbInstance(aws.primary.rds, target, { owner: 'primary-team' });
  } else {
    await seedCluster(aws.recovery.rds, source, 1, { app: 'shop' });
    await seedCluster(aws.primary.rds, target, 1, { owner: 'primary-team' });
  }
  const plan = await preparedPlan(topology!, unique('p'));
  const input = stepInput(plan, phase, resolved(kind, source, target));
  if (phase === 'failback') await runStep('quiesceSource', input);
  const recoveryPoint = await runStep('takeRecoveryPoint', input);
  const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
  const restore = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
  return { aws, input, restore, target };
}

describe('a clone carrying the plan run’s tags is not the plan’s copy', () => {
  beforeAll(() => ensurePlanRoles(topology!));

  for (const phase of ['test-failback', 'failback'] as const) {
    it(`rds-instance, ${phase}: the copy goes, the operator's clone stays`, async () => {
      const { aws, input, restore, target } = await runThroughRestore('rds-instance', phase);
      const copy = await describeDb(aws.primary.rds, restore.restored.id);
      const clone = unique('validation-clone');
      await seedDbInstance(aws.primary.rds, clone, {}, { Tags: operatorsTags(copy?.TagList) });
      expect((await describeDb(aws.primary.rds, clone))?.TagList).toEqual(
        expect.arrayContaining([expect.objectContaining({ Key: 'failback:plan-id' })]),
      );

      if (phase === 'test-failback') await runStep('removeTestCopy', input);
      else await runStep('compensateResource', { ...input, trafficServed: false });

      expect((await describeDb(aws.primary.rds, clone))?.DBInstanceStatus).toBe('available');
      if (phase === 'test-failback')
        expect(await describeDb(aws.primary.rds, restore.restored.id)).toBeUndefined();
      // Compensated: the production name holds the original instance again.
      else
        expect((await describeDb(aws.primary.rds, target))?.TagList).toContainEqual({
          Key: 'owner',
          Value: 'primary-team',
        });
    });
  }

  it('aurora-cluster, failback: the restored cluster goes, the operator’s clone cluster stays', async () => {
    const { aws, input, restore, target } = await runThroughRestore('aurora-cluster', 'failback');
    const copy = await describeCluster(aws.primary.rds, restore.restored.id);
    const clone = unique('validation-clone');
    await aws.primary.rds.send(
      new CreateDBClusterCommand({
        DBClusterIdentifier: clone,
        Engine: 'aurora-postgresql',
        MasterUsername: 'app',
        MasterUserPassword: 'password-123',
        Tags: operatorsTags(copy?.TagList),
      }),
    );

    await runStep('compensateResource', { ...input, trafficServed: false });

    expect(await describeCluster(aws.primary.rds, clone)).toBeDefined();
    expect((await describeCluster(aws.primary.rds, target))?.TagList).toContainEqual({
      Key: 'owner',
      Value: 'primary-team',
    });
  });
});
