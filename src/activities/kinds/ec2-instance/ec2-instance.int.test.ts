import { beforeAll, describe, expect, it } from 'vitest';
import { testTargetName } from '../../../domain/naming.js';
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
  describeInstance,
  instancesNamed,
  planImages,
  seedInstance,
} from '../../../../test/support/snapshot-kinds.js';

// The ec2-instance kind through the per-resource activities against the emulator, both topologies.

const none = { images: [], snapshots: [] };

async function setUp(topology: Topology) {
  const aws = inspectors(topology);
  const target = unique('web');
  const source = await seedInstance(aws.recovery.ec2, `${target}-recovery`, { app: 'shop' });
  const old = await seedInstance(aws.primary.ec2, target, { owner: 'primary-team' });
  const planId = unique('p');
  return {
    aws,
    source,
    old,
    target,
    planId,
    plan: await preparedPlan(topology, planId),
    resource: resolved('ec2-instance', source, target),
  };
}

const TOPOLOGIES = topologies('ap-southeast-2', 'ap-northeast-1');

describe.each(TOPOLOGIES)('ec2-instance ($name)', (topology) => {
  beforeAll(() => ensurePlanRoles(topology));

  it('test failback launches a test copy from the copied AMI; removeTestCopy leaves nothing behind', async () => {
    const { aws, source, old, target, plan, resource, planId } = await setUp(topology);
    const input = stepInput(plan, 'test-failback', resource);
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    const restore = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    expect(restore.restored.name).toBe(testTargetName(target, planId));
    const verification = await runStep('verifyRestore', { ...input, restore, recoveryPoint });
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
    expect((await describeInstance(aws.primary.ec2, restore.restored.id))?.ImageId).toBe(copy.id);
    // Neither the old primary nor the live copy in recovery is touched by a test failback.
    expect((await describeInstance(aws.primary.ec2, old))?.State?.Name).toBe('running');
    expect((await describeInstance(aws.recovery.ec2, source))?.State?.Name).toBe('running');

    await runStep('removeTestCopy', input);
    expect((await describeInstance(aws.primary.ec2, restore.restored.id))?.State?.Name).toBe('terminated');
    expect(await planImages(aws.primary.ec2, planId)).toEqual(none);
    expect(await planImages(aws.recovery.ec2, planId)).toEqual(none);
    expect((await runStep('removeTestCopy', input)).removed).toEqual([]);
  });

  it('failback stops the source and the old primary, launches a verified copy; cleanup and conclude finish', async () => {
    const { aws, source, old, target, plan, resource, planId } = await setUp(topology);
    const input = stepInput(plan, 'failback', resource);
    const quiesce = await runStep('quiesceSource', input);
    expect(quiesce.stopped).toBe(true);
    expect((await describeInstance(aws.recovery.ec2, source))?.State?.Name).toBe('stopped');
    const recoveryPoint = await runStep('takeRecoveryPoint', { ...input, quiescedAt: quiesce.quiescedAt });
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    const restore = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    expect(restore.retirement).toMatchObject({ originalId: old, action: 'stopped', wasRunning: true });
    const verification = await runStep('verifyRestore', {
      ...input,
      restore,
      recoveryPoint,
      quiescedAt: quiesce.quiescedAt,
    });
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verification.checks.map((c) => c.name)).toContain('recovery-point-after-quiesce');
    // The old primary does not run from the plan's copy: verifying it fails.
    const wrong = { ...restore, restored: { ...restore.restored, id: old } };
    const failed = await runStep('verifyRestore', {
      ...input,
      restore: wrong,
      recoveryPoint,
      quiescedAt: quiesce.quiescedAt,
    });
    expect(failed.ok).toBe(false);
    expect(failed.checks.filter((c) => !c.ok).map((c) => c.name)).toEqual(
      expect.arrayContaining(['instance-running', 'instance-created-by-plan', 'instance-from-copied-ami']),
    );

    const live = await instancesNamed(aws.primary.ec2, target);
    const fresh = live.find((i) => i.InstanceId === restore.restored.id);
    expect(fresh?.ImageId).toBe(copy.id);
    expect(fresh?.State?.Name).toBe('running');
    const retired = await describeInstance(aws.primary.ec2, old);
    expect(retired?.State?.Name).toBe('stopped');
    expect(retired?.Tags).toContainEqual({ Key: 'failback:retired-by', Value: planId });

    await runStep('cleanupIntermediates', input);
    expect(await planImages(aws.primary.ec2, planId)).toEqual(none);
    expect(await planImages(aws.recovery.ec2, planId)).toEqual(none);
    expect((await describeInstance(aws.primary.ec2, restore.restored.id))?.State?.Name).toBe('running');

    const concludeInput = stepInput(plan, 'conclude-recovery', resource);
    const concluded = await runStep('concludeRecovery', concludeInput);
    expect(concluded.removed).toEqual([source]);
    expect((await describeInstance(aws.recovery.ec2, source))?.State?.Name).toBe('terminated');
    const kept = await planImages(aws.recovery.ec2, planId);
    expect(kept.images).toEqual([concluded.finalBackup.id]);
    expect(kept.snapshots.length).toBeGreaterThan(0);
    expect((await runStep('concludeRecovery', concludeInput)).finalBackup.id).toBe(concluded.finalBackup.id);
  });

  it('compensation restarts what the plan stopped and removes what it made, at any point, twice', async () => {
    const { aws, source, old, target, plan, resource, planId } = await setUp(topology);
    const input = stepInput(plan, 'failback', resource);
    const { quiescedAt } = await runStep('quiesceSource', input);
    // Only the quiesce ran: the source runs again.
    await runStep('compensateResource', { ...input, trafficServed: false, quiescedSource: true });
    expect((await describeInstance(aws.recovery.ec2, source))?.State?.Name).toBe('running');
    expect(
      (await describeInstance(aws.recovery.ec2, source))?.Tags?.some((t) => t.Key?.startsWith('failback:')),
    ).toBe(false);

    await runStep('quiesceSource', input);
    const recoveryPoint = await runStep('takeRecoveryPoint', { ...input, quiescedAt });
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    const restore = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    const served = {
      ...input,
      restored: restore.restored,
      retirement: restore.retirement,
      trafficServed: true,
      quiescedSource: true,
    };
    await runStep('compensateResource', served);
    await runStep('compensateResource', served);

    expect((await describeInstance(aws.primary.ec2, restore.restored.id))?.State?.Name).toBe('terminated');
    const back = await instancesNamed(aws.primary.ec2, target);
    expect(back.map((i) => [i.InstanceId, i.State?.Name])).toEqual([[old, 'running']]);
    expect(back[0]?.Tags?.some((t) => t.Key?.startsWith('failback:'))).toBe(false);
    expect((await describeInstance(aws.recovery.ec2, source))?.State?.Name).toBe('running');
    // The served copy was imaged (kept) before it went; nothing else of the plan is left.
    const leftovers = await planImages(aws.primary.ec2, planId);
    expect(leftovers.images).toHaveLength(1);
    expect(await planImages(aws.recovery.ec2, planId)).toEqual(none);
  });
});

describe('ec2-instance idempotency (cross-account, cross-region)', () => {
  const topology = TOPOLOGIES[1]!;
  beforeAll(() => ensurePlanRoles(topology));

  it('every create step, repeated and after a crash between AWS answering and the activity returning, makes one resource', async () => {
    const { aws, source, target, plan, resource, planId } = await setUp(topology);
    const input = stepInput(plan, 'failback', resource);
    const clients = planEnvironments(plan);
    const quiesce = () => runStep('quiesceSource', input);
    await crashOnce(clients.recovery.ec2, 'StopInstancesCommand', quiesce);
    const { quiescedAt, stopped } = await quiesce();
    expect(stopped).toBe(true); // still known after the crash: the tags remember it was running
    expect((await quiesce()).quiescedAt).toBe(quiescedAt);

    const take = () => runStep('takeRecoveryPoint', { ...input, quiescedAt });
    await crashOnce(clients.recovery.ec2, 'CreateImageCommand', take);
    const recoveryPoint = await take();
    expect((await take()).id).toBe(recoveryPoint.id);
    expect((await planImages(aws.recovery.ec2, planId)).images).toEqual([recoveryPoint.id]);

    const copyStep = () => runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    await crashOnce(clients.primary.ec2, 'CopyImageCommand', copyStep);
    const copy = await copyStep();
    expect((await copyStep()).id).toBe(copy.id);
    expect((await planImages(aws.primary.ec2, planId)).images).toEqual([copy.id]);

    const restoreStep = () => runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    await crashOnce(clients.primary.ec2, 'StopInstancesCommand', restoreStep);
    await crashOnce(clients.primary.ec2, 'RunInstancesCommand', restoreStep);
    const restore = await restoreStep();
    expect((await restoreStep()).restored.id).toBe(restore.restored.id);
    expect(restore.retirement?.wasRunning).toBe(true);
    const live = (await instancesNamed(aws.primary.ec2, target)).filter((i) => i.State?.Name === 'running');
    expect(live.map((i) => i.InstanceId)).toEqual([restore.restored.id]);

    const conclude = () => runStep('concludeRecovery', stepInput(plan, 'conclude-recovery', resource));
    await crashOnce(clients.recovery.ec2, 'CreateImageCommand', conclude);
    await crashOnce(clients.recovery.ec2, 'TerminateInstancesCommand', conclude);
    const concluded = await conclude();
    expect((await conclude()).finalBackup.id).toBe(concluded.finalBackup.id);
    expect((await planImages(aws.recovery.ec2, planId)).images.sort()).toEqual(
      [recoveryPoint.id, concluded.finalBackup.id].sort(),
    );
    expect((await describeInstance(aws.recovery.ec2, source))?.State?.Name).toBe('terminated');
  });
});
