import {
  CreateKeyPairCommand,
  DeleteTagsCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshAccount, sharedAdmin, sleep } from '../../../../emulator/test/support.js';
import { TEST_EXTERNAL_ID } from '../../../../test/support/aws.js';
import {
  crashOnce,
  ensurePlanRoles,
  inspectors,
  planEnvironments,
  preparedPlan,
  resolved,
  runStep,
  stepInput,
  unique,
  type Topology,
} from '../../../../test/support/kinds.js';
import { describeInstance, seedInstance } from '../../../../test/support/snapshot-kinds.js';
import { TAG_PLAN_ID } from '../../../domain/contract.js';
import { TAG_PLAN_RUN } from '../../aws/tags.js';
import { TAG_COPIED_FROM } from '../shared/markers.js';

/**
 * Issue 14 item 13, under EC2's eventual consistency (`ec2.describe-lag`, in an account of its own so
 * no other test lags): the id CopyImage answered is InvalidAMIID.NotFound to DescribeImages for a
 * while, and a new instance is missing from DescribeInstances by client-token. Such a NotFound is
 * "not visible yet", never a reason for a second copy or launch (or a false NameConflict). The lag is
 * shorter than the product's grace (five minutes times FAILBACK_TIME_SCALE, 300 ms here).
 */
const LAG_MS = 250;
const LAUNCH_LAG_MS = 1_000;
const account = freshAccount();
const topology: Topology = {
  name: 'same account, cross-region',
  primary: {
    accountId: account,
    region: 'ap-southeast-1',
    roleArn: `arn:aws:iam::${account}:role/failback-access`,
    externalId: TEST_EXTERNAL_ID,
  },
  recovery: {
    accountId: account,
    region: 'ap-southeast-2',
    roleArn: `arn:aws:iam::${account}:role/dr-recovery`,
  },
};

/** Every AMI in primary copied from the recovery point (after the lag, so none is hidden). */
async function copiesOf(ec2: EC2Client, recoveryPointId: string): Promise<string[]> {
  await sleep(LAG_MS + 100);
  const out = await ec2.send(
    new DescribeImagesCommand({
      Owners: ['self'],
      Filters: [{ Name: `tag:${TAG_COPIED_FROM}`, Values: [recoveryPointId] }],
    }),
  );
  return (out.Images ?? []).filter((i) => i.State !== 'deregistered').map((i) => i.ImageId ?? '');
}

/** The plan's instances in primary (by its id, whatever else they lost) that are not terminated. */
async function liveOfPlan(ec2: EC2Client, planId: string): Promise<string[]> {
  const out = await ec2.send(
    new DescribeInstancesCommand({ Filters: [{ Name: `tag:${TAG_PLAN_ID}`, Values: [planId] }] }),
  );
  return (out.Reservations ?? [])
    .flatMap((r) => r.Instances ?? [])
    .filter((i) => !['shutting-down', 'terminated'].includes(i.State?.Name ?? ''))
    .map((i) => i.InstanceId ?? '');
}

describe('ec2-instance while EC2 describes lag', () => {
  beforeAll(async () => {
    await ensurePlanRoles(topology);
    await sharedAdmin().setAccountSettings(account, { durationsMs: { 'ec2.describe-lag': LAG_MS } });
  });
  afterAll(() => sharedAdmin().clearAccountSettings(account));

  async function prepared(keyName?: string) {
    const aws = inspectors(topology);
    const target = unique('app');
    if (keyName) await aws.recovery.ec2.send(new CreateKeyPairCommand({ KeyName: keyName }));
    const source = await seedInstance(
      aws.recovery.ec2,
      `${target}-recovery`,
      {},
      keyName ? { KeyName: keyName } : {},
    );
    const plan = await preparedPlan(topology, unique('p'));
    const input = stepInput(plan, 'test-failback', resolved('ec2-instance', source, target));
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    return { aws, plan, input, recoveryPoint };
  }

  it('a copy whose answered id is not visible yet is awaited: one copy, no false NameConflict', async () => {
    const { aws, input, recoveryPoint } = await prepared();
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    expect(await copiesOf(aws.primary.ec2, recoveryPoint.id)).toEqual([copy.id]);
  });

  it('a copy retried after its answer was lost, while the copy is not visible yet, makes one copy', async () => {
    const { aws, plan, input, recoveryPoint } = await prepared();
    await crashOnce(planEnvironments(plan).primary.ec2, 'CopyImageCommand', () =>
      runStep('copyRecoveryPoint', { ...input, recoveryPoint }),
    );
    // The retry finds no copy by name (not listed yet) and its token answers an id not visible yet.
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    expect(await copiesOf(aws.primary.ec2, recoveryPoint.id)).toEqual([copy.id]);
    // Repeated, it finds that copy and makes none.
    expect((await runStep('copyRecoveryPoint', { ...input, recoveryPoint })).id).toBe(copy.id);
    expect(await copiesOf(aws.primary.ec2, recoveryPoint.id)).toEqual([copy.id]);
  });

  it('a launch whose instance is not found by its id yet is awaited: one instance, no false "did not start"', async () => {
    const { aws, plan, input, recoveryPoint } = await prepared();
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    // DescribeInstances by the id RunInstances answered: InvalidInstanceID.NotFound for 1 s, under a
    // grace of 5 min x 0.004 = 1.2 s (read as terminated, the launch would park for a person).
    await sharedAdmin().setAccountSettings(account, { durationsMs: { 'ec2.describe-lag': LAUNCH_LAG_MS } });
    const scale = process.env.FAILBACK_TIME_SCALE;
    process.env.FAILBACK_TIME_SCALE = '0.004';
    const restored = await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint }).finally(() => {
      process.env.FAILBACK_TIME_SCALE = scale;
    });
    await sharedAdmin().setAccountSettings(account, { durationsMs: { 'ec2.describe-lag': LAG_MS } });
    expect(await liveOfPlan(aws.primary.ec2, plan.planId)).toEqual([restored.restored.id]);
    expect((await describeInstance(aws.primary.ec2, restored.restored.id))?.State?.Name).toBe('running');
  });

  it('a launch whose token mismatches while its instance is not listed by token yet launches none, and abort terminates it', async () => {
    const keyName = unique('ops');
    const { aws, plan, input, recoveryPoint } = await prepared(keyName);
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    const restoreInput = { ...input, copy, recoveryPoint };
    // A lag the retry surely meets (its few calls take longer than 250 ms on a busy machine), under a
    // grace that outlasts it: 5 min x 0.004 = 1.2 s (every other wait of the retry scales with it).
    await sharedAdmin().setAccountSettings(account, { durationsMs: { 'ec2.describe-lag': LAUNCH_LAG_MS } });
    // The first attempt launches without the key pair (primary has none yet) and its answer is lost.
    await crashOnce(planEnvironments(plan).primary.ec2, 'RunInstancesCommand', () =>
      runStep('restoreIntoPrimary', restoreInput),
    );
    const [first] = await liveOfPlan(aws.primary.ec2, plan.planId);
    expect(first).toBeDefined();
    // Its run tag lost out of band (the tag lookup misses it) and the key pair imported meanwhile.
    await aws.primary.ec2.send(new DeleteTagsCommand({ Resources: [first!], Tags: [{ Key: TAG_PLAN_RUN }] }));
    await aws.primary.ec2.send(new CreateKeyPairCommand({ KeyName: keyName }));

    const scale = process.env.FAILBACK_TIME_SCALE;
    process.env.FAILBACK_TIME_SCALE = '0.004';
    const retried = await runStep('restoreIntoPrimary', restoreInput).finally(() => {
      process.env.FAILBACK_TIME_SCALE = scale;
    });
    await sharedAdmin().setAccountSettings(account, { durationsMs: { 'ec2.describe-lag': LAG_MS } });
    expect(retried.restored.id).toBe(first);
    expect(await liveOfPlan(aws.primary.ec2, plan.planId)).toEqual([first]);
    // The adopted instance carries the run's tags again: the abort's compensation finds and ends it.
    await runStep('compensateResource', { ...input, trafficServed: false });
    expect((await describeInstance(aws.primary.ec2, first!))?.State?.Name).toBe('terminated');
    expect(await liveOfPlan(aws.primary.ec2, plan.planId)).toEqual([]);
  });
});
