import { RunInstancesCommand, type _InstanceType, type Instance } from '@aws-sdk/client-ec2';
import type { PrimaryCopy, RestoreResult, Retirement } from '../../../domain/resources.js';
import { TAG_PLAN_ID } from '../../../domain/contract.js';
import { awsErrorCode, needsPersonFailure } from '../../aws/errors.js';
import type { KindContext } from '../resource-kind.js';
import { call } from '../shared/calls.js';
import {
  retiredByUs,
  retirementTags,
  TAG_RESTORED_FROM,
  TAG_RETIRED,
  TAG_WAS_RUNNING,
  tagValue,
} from '../shared/markers.js';
import { withCustomerTags } from '../shared/configuration.js';
import { restoredName, runToken } from '../shared/names.js';
import { stringOption } from '../shared/options.js';
import { carriedLaunch, network } from './configuration.js';
import { oldPrimaryInstance } from './old-primary.js';
import {
  createTags,
  describeInstance,
  findInstances,
  findOurInstances,
  isGone,
  startInstance,
  stopInstance,
  waitInstanceState,
} from './ec2.js';
import { onceVisible } from './visibility.js';

/**
 * Retires the old primary instance: tagged (retired-by, when, whether it was running) before it is
 * stopped, never terminated, so compensation can start it again and a retry sees what was done.
 */
export async function retireInstance(ctx: KindContext): Promise<Retirement> {
  const env = ctx.primary;
  const old = await oldPrimaryInstance(ctx);
  if (!old?.InstanceId)
    return { originalId: ctx.resource.target, action: 'none', at: new Date().toISOString() };
  const ours = retiredByUs(old.Tags, ctx);
  const state = old.State?.Name ?? '';
  const wasRunning = ours
    ? tagValue(old.Tags, TAG_WAS_RUNNING) === 'true'
    : ['pending', 'running'].includes(state);
  const at = (ours ? tagValue(old.Tags, TAG_RETIRED) : undefined) ?? new Date().toISOString();
  if (!ours) {
    await createTags(env, old.InstanceId, retirementTags(ctx, at, { [TAG_WAS_RUNNING]: String(wasRunning) }));
  }
  await stopInstance(env, old.InstanceId);
  return { originalId: old.InstanceId, action: 'stopped', wasRunning, at };
}

/** The plan spec's type, else the configuration source's (the old primary's with configurationFrom primary). */
async function instanceType(ctx: KindContext, carried?: string): Promise<_InstanceType | undefined> {
  const option =
    stringOption(ctx.resource, 'instanceType') ??
    carried ??
    (ctx.resource.sourceDetails?.instanceType as string);
  if (option) return option as _InstanceType;
  return (await describeInstance(ctx.recovery, ctx.resource.source))?.InstanceType;
}

/** Launches a token has not launched yet may try before one gives up: each failed launch uses one. */
const LAUNCH_GENERATIONS = 10;

/** What a launch answers: the instance, or that its token launched before with other parameters. */
type Launched = Instance | typeof PARAMETERS_CHANGED;
const PARAMETERS_CHANGED = 'parameters-changed';

/**
 * RunInstances with a ClientToken: a repeated call answers the first launch (even a lost answer's).
 * But a token whose instance terminated (a launch that failed, or one terminated since) would answer
 * that dead instance for 24 hours: the next generation's token launches anew. The answer to a repeated
 * token may describe the instance as it was at its launch (`pending`), so its state is read back with
 * DescribeInstances: only a live instance ends the walk through the generations (item 13).
 * What the launch carries may change between attempts (a key pair imported into primary after the
 * first): the same token with other parameters is IdempotentParameterMismatch. That token's instance
 * is looked up by its client token: live, it is the run's (never a second one); gone, the walk goes on.
 */
async function runOnce(
  ctx: KindContext,
  name: string,
  copy: PrimaryCopy,
  launch: (token: string) => Promise<Launched>,
): Promise<Instance> {
  for (let generation = 0; generation < LAUNCH_GENERATIONS; generation++) {
    const token = runToken(ctx, generation === 0 ? 'run' : `run${generation}`);
    const answered = await launch(token);
    if (answered === PARAMETERS_CHANGED) {
      const earlier = await tokenInstance(ctx, token);
      if (earlier && !isGone(earlier)) return claimed(ctx, earlier);
      continue;
    }
    const id = answered?.InstanceId;
    if (!id) throw new Error(`RunInstances ${name} answered no instance`);
    // The id RunInstances answered may be InvalidInstanceID.NotFound to a describe for a while (EC2's
    // eventual consistency): not visible yet is not gone. Not visible for the whole grace, it is gone
    // (a terminated instance stops being described after about an hour): the next generation launches.
    const current = await onceVisible(`instance ${id}`, () => describeInstance(ctx.primary, id));
    if (current && !isGone(current)) return claimed(ctx, current);
  }
  throw needsPersonFailure(
    'InvalidParameter',
    `${LAUNCH_GENERATIONS} launches of ${name} from ${copy.id} ended terminated: look at their state reasons`,
  );
}

/**
 * The instance `token` launched, terminated ones too (its state is the evidence that it is gone).
 * DescribeInstances by client-token is eventually consistent: a token that did launch (AWS said so:
 * IdempotentParameterMismatch) may show nothing yet, so it is asked again for the grace AWS documents
 * before it counts as gone — a NotFound at once would launch a second instance beside the first.
 * Terminated instances stay described for about an hour, the token for a day: an old token's instance
 * is not found at all, and the walk goes on after the grace.
 */
function tokenInstance(ctx: KindContext, token: string): Promise<Instance | undefined> {
  return onceVisible(`instance of client token ${token}`, async () => {
    const found = await findInstances(ctx.primary, [{ Name: 'client-token', Values: [token] }], {
      includeGone: true,
    });
    return found.find((i) => !isGone(i)) ?? found[0];
  });
}

/**
 * An instance the run's token launched is the run's, whatever its tags say now: compensation and
 * cleanup find the run's work by its tags, so ownership tags lost since the launch are put back (the
 * access stack lets the role tag an instance carrying the plan's id with them, Ec2HandOverRestored).
 * Without the plan's id the role may neither tag nor terminate it: a person puts the tag back.
 */
async function claimed(ctx: KindContext, instance: Instance): Promise<Instance> {
  const id = instance.InstanceId ?? '';
  const missing = ctx.tags().filter((t) => tagValue(instance.Tags, t.Key) !== t.Value);
  if (missing.length === 0) return instance;
  if (tagValue(instance.Tags, TAG_PLAN_ID) !== ctx.plan.planId) {
    throw needsPersonFailure(
      'NameConflict',
      `instance ${id} was launched by this run of plan ${ctx.plan.planId} (its client token) but lost its ` +
        `${TAG_PLAN_ID} tag: the access role may neither tag nor terminate it; tag it ${TAG_PLAN_ID}=${ctx.plan.planId} and retry`,
      { resource: ctx.resource.key, what: `instance ${id}` },
    );
  }
  await createTags(ctx.primary, id, missing);
  return {
    ...instance,
    Tags: [...(instance.Tags ?? []).filter((t) => !missing.some((m) => m.Key === t.Key)), ...missing],
  };
}

/**
 * Launches the copy (AMI copied into primary) with the mapped subnet and security groups, named after
 * the target (the test name in the test failback), after retiring the old primary in the failback.
 */
export async function launchInstance(ctx: KindContext, copy: PrimaryCopy): Promise<RestoreResult> {
  const retirement = ctx.input.phase === 'failback' ? await retireInstance(ctx) : undefined;
  const env = ctx.primary;
  const name = restoredName(ctx);
  let instance = (await findOurInstances(ctx))[0];
  if (!instance) {
    const { subnetId, securityGroupIds } = network(ctx);
    // What the table carries (ec2-instance/configuration.ts): the source's tags, key pair, user data…
    const { tags: customer, instanceType: carriedType, ...carried } = await carriedLaunch(ctx);
    const tags = withCustomerTags(ctx.tags({ Name: name, [TAG_RESTORED_FROM]: copy.id }), customer);
    const type = await instanceType(ctx, carriedType);
    instance = await runOnce(ctx, name, copy, (ClientToken) =>
      call(env, `RunInstances ${name} from ${copy.id}`, async (): Promise<Launched> => {
        try {
          const out = await env.ec2.send(
            new RunInstancesCommand({
              ImageId: copy.id,
              InstanceType: type,
              MinCount: 1,
              MaxCount: 1,
              ...(subnetId ? { SubnetId: subnetId } : {}),
              ...(securityGroupIds ? { SecurityGroupIds: securityGroupIds } : {}),
              ...carried,
              ClientToken,
              // Everything RunInstances creates carries the plan's tags (the access role may only
              // launch and tag what does).
              TagSpecifications: ['instance', 'volume', 'network-interface'].map((type) => ({
                ResourceType: type as 'instance',
                Tags: tags,
              })),
            }),
          );
          return out.Instances?.[0] as Instance;
        } catch (error) {
          if (awsErrorCode(error) === 'IdempotentParameterMismatch') return PARAMETERS_CHANGED;
          throw error;
        }
      }),
    );
  }
  const instanceId = instance.InstanceId ?? '';
  // The run's own instance, stopped since it was launched (by someone, or a shutdown from inside):
  // the retry after its failed verification starts it; waiting for `running` would wait for ever.
  if (['stopping', 'stopped'].includes(instance.State?.Name ?? '')) await startInstance(env, instanceId);
  const running = await waitInstanceState(env, instanceId, 'running', 'ec2:run-instances');
  return {
    ...(retirement ? { retirement } : {}),
    restored: {
      id: instance.InstanceId ?? '',
      name,
      details: { imageId: running?.ImageId ?? copy.id, instanceType: running?.InstanceType ?? '' },
    },
  };
}
