import {
  CreateKeyPairCommand,
  DeleteTagsCommand,
  DescribeInstancesCommand,
  TerminateInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../../../emulator/test/support.js';
import type { PlanContext } from '../../../domain/resources.js';
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
import { describeInstance, seedInstance } from '../../../../test/support/snapshot-kinds.js';
import { TAG_PLAN_RUN } from '../../aws/tags.js';

/**
 * Issue 14 item 13: restoreIntoPrimary launches with a ClientToken per generation. A token answers
 * its first launch for 24 h after that instance terminated, and the same token with other parameters
 * is IdempotentParameterMismatch. A retry after the launched instance was terminated must launch anew
 * — also when what the launch carries changed meanwhile (a key pair imported into primary after the
 * first attempt, as preflight asks) — and never leave two live instances of the run.
 */
const [topology] = topologies('eu-north-1', 'eu-west-1');

/** The plan run's instances in primary that are not terminated (or terminating). */
async function liveOfRun(ec2: EC2Client, plan: PlanContext): Promise<string[]> {
  const out = await ec2.send(
    new DescribeInstancesCommand({ Filters: [{ Name: `tag:${TAG_PLAN_RUN}`, Values: [plan.planRun!] }] }),
  );
  return (out.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => !['shutting-down', 'terminated'].includes(i.State?.Name ?? ''))
    .map((i) => i.InstanceId ?? '');
}

async function terminate(ec2: EC2Client, id: string): Promise<void> {
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  await eventually(`instance ${id} terminated`, async () =>
    (await describeInstance(ec2, id))?.State?.Name === 'terminated' ? true : undefined,
  );
}

describe('ec2-instance launch generations', () => {
  beforeAll(() => ensurePlanRoles(topology!));

  async function firstLaunch(keyName?: string) {
    const aws = inspectors(topology!);
    const target = unique('app');
    if (keyName) await aws.recovery.ec2.send(new CreateKeyPairCommand({ KeyName: keyName }));
    const source = await seedInstance(
      aws.recovery.ec2,
      `${target}-recovery`,
      {},
      keyName ? { KeyName: keyName } : {},
    );
    const plan = await preparedPlan(topology!, unique('p'));
    const input = stepInput(plan, 'test-failback', resolved('ec2-instance', source, target));
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    const restoreInput = { ...input, copy, recoveryPoint };
    const first = await runStep('restoreIntoPrimary', restoreInput);
    return { aws, plan, restoreInput, first };
  }

  it('a retry after the launched instance was terminated out of band launches one new instance', async () => {
    const { aws, plan, restoreInput, first } = await firstLaunch();
    await terminate(aws.primary.ec2, first.restored.id);

    const retried = await runStep('restoreIntoPrimary', restoreInput);
    expect(retried.restored.id).not.toBe(first.restored.id);
    expect((await describeInstance(aws.primary.ec2, retried.restored.id))?.State?.Name).toBe('running');
    expect(await liveOfRun(aws.primary.ec2, plan)).toEqual([retried.restored.id]);
    // Once more: the live instance is found, nothing is launched.
    expect((await runStep('restoreIntoPrimary', restoreInput)).restored.id).toBe(retried.restored.id);
    expect(await liveOfRun(aws.primary.ec2, plan)).toEqual([retried.restored.id]);
  });

  it('a retry whose launch carries a key pair imported meanwhile moves past the mismatching token', async () => {
    const keyName = unique('ops');
    const { aws, plan, restoreInput, first } = await firstLaunch(keyName);
    const launched = await describeInstance(aws.primary.ec2, first.restored.id);
    expect(launched?.KeyName).toBeUndefined(); // primary had no key pair of that name yet
    await terminate(aws.primary.ec2, first.restored.id);
    // The operator follows preflight's warning: the key pair now exists in primary too.
    await aws.primary.ec2.send(new CreateKeyPairCommand({ KeyName: keyName }));

    const retried = await runStep('restoreIntoPrimary', restoreInput);
    const instance = await describeInstance(aws.primary.ec2, retried.restored.id);
    expect(instance?.State?.Name).toBe('running');
    expect(instance?.KeyName).toBe(keyName);
    expect(await liveOfRun(aws.primary.ec2, plan)).toEqual([retried.restored.id]);
    expect((await runStep('restoreIntoPrimary', restoreInput)).restored.id).toBe(retried.restored.id);
  });

  it('a mismatching token whose instance still runs (unseen by the tag lookup) gives that instance, no second', async () => {
    const keyName = unique('ops');
    const { aws, restoreInput, first } = await firstLaunch(keyName);
    // The run's tags lost out of band: the restore's lookup by tags no longer finds the instance.
    await aws.primary.ec2.send(
      new DeleteTagsCommand({ Resources: [first.restored.id], Tags: [{ Key: TAG_PLAN_RUN }] }),
    );
    await aws.primary.ec2.send(new CreateKeyPairCommand({ KeyName: keyName }));

    const retried = await runStep('restoreIntoPrimary', restoreInput);
    expect(retried.restored.id).toBe(first.restored.id);
    const out = await aws.primary.ec2.send(
      new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: [first.restored.name] }] }),
    );
    const live = (out.Reservations ?? [])
      .flatMap((r) => r.Instances ?? [])
      .filter((i) => i.State?.Name !== 'terminated');
    expect(live.map((i) => i.InstanceId)).toEqual([first.restored.id]);
    // Adopted, it carries the run's tags again: an abort's compensation (which finds the run's work by
    // its tags) terminates it.
    await runStep('compensateResource', { ...restoreInput, trafficServed: false });
    expect((await describeInstance(aws.primary.ec2, first.restored.id))?.State?.Name).toBe('terminated');
  });
});
