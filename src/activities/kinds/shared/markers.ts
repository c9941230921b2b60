import { TAG_PHASE, TAG_PLAN_ID, TAG_SOURCE } from '../../../domain/contract.js';
import { needsPersonFailure } from '../../aws/errors.js';
import { planTags, TAG_KEEP, TAG_PLAN_RUN, TAG_RETIRED, tagValue, type Tag } from '../../aws/tags.js';
import type { KindContext } from '../resource-kind.js';

/**
 * Marks the plan leaves on resources it did NOT create (the old primary it retires, the recovery
 * source it quiesces). They never carry failback:plan-id, so nothing that cleans up by the plan's tags
 * can ever find, let alone delete, them. Each names the plan run too (decision 0035).
 */
export const TAG_RETIRED_BY = 'failback:retired-by';
export const TAG_RETIRED_RUN = 'failback:retired-run';
/** The name the retired resource had (renamed databases: what compensation renames it back to). */
export const TAG_RETIRED_FROM = 'failback:retired-from';
/** EC2: whether the instance was running before the plan stopped it ("true" / "false"). */
export const TAG_WAS_RUNNING = 'failback:was-running';
export const TAG_QUIESCED_BY = 'failback:quiesced-by';
export const TAG_QUIESCED_RUN = 'failback:quiesced-run';
/** When the source stopped taking writes: the first quiesce's time, kept for every retry (item 5). */
export const TAG_QUIESCED_AT = 'failback:quiesced-at';
/** On what the plan restores or copies: the snapshot/AMI it came from, checked by verify. */
export const TAG_RESTORED_FROM = 'failback:restored-from';
export const TAG_COPIED_FROM = 'failback:copied-from';
/**
 * Provenance on what a finished plan restored in primary: at final cleanup the ownership tags
 * (plan-id, plan-run, phase, source) give way to these, so the new production resource never looks
 * like an intermediate of this or any later plan (decision 0035).
 */
export const TAG_RESTORED_BY = 'failback:restored-by';
/**
 * On a failback's copy: the source's settings that would keep the plan from removing the copy on an
 * abort (deletion protection), set by the final cleanup once primary is validated. Space-separated.
 */
export const TAG_DEFERRED = 'failback:deferred';
export const DEFERRED_DELETION_PROTECTION = 'deletion-protection';
export const DEFERRED_PERFORMANCE_INSIGHTS = 'performance-insights';
export const DEFERRED_ENHANCED_MONITORING = 'enhanced-monitoring';
export const TAG_RESTORED_RUN = 'failback:restored-run';

export const RETIREMENT_TAG_KEYS = [
  TAG_RETIRED,
  TAG_RETIRED_BY,
  TAG_RETIRED_RUN,
  TAG_RETIRED_FROM,
  TAG_WAS_RUNNING,
];
/** The markers of a source that is not stopped (RDS, Aurora, DynamoDB): who, which run, when. */
export const QUIESCE_MARK_KEYS = [TAG_QUIESCED_BY, TAG_QUIESCED_RUN, TAG_QUIESCED_AT];
/** EC2 sources are stopped: also whether they ran. */
export const QUIESCE_TAG_KEYS = [...QUIESCE_MARK_KEYS, TAG_WAS_RUNNING];
/** The tags that make a resource the plan's to adopt or remove. */
export const OWNERSHIP_TAG_KEYS = [TAG_PLAN_ID, TAG_PLAN_RUN, TAG_PHASE, TAG_SOURCE];

export type AwsTags = Array<{ Key?: string; Value?: string }> | undefined;

export { TAG_KEEP, TAG_PLAN_RUN, TAG_RETIRED, tagValue };

export function isKept(tags: AwsTags): boolean {
  return tagValue(tags, TAG_KEEP) === 'true';
}

/**
 * Whether `tags` name this plan run. A run of a plan started before runs were recorded (no planRun)
 * owns only what names no run at all, so neither kind of plan ever takes the other's resources.
 */
export function isThisRun(tags: AwsTags, ctx: Pick<KindContext, 'plan'>, key = TAG_PLAN_RUN): boolean {
  return tagValue(tags, key) === ctx.plan.planRun;
}

/** Created by this plan run, in this phase, for this resource: the run may adopt, change or remove it. */
export function isOurs(tags: AwsTags, ctx: KindContext, phase: string = ctx.input.phase): boolean {
  return (
    tagValue(tags, TAG_PLAN_ID) === ctx.plan.planId &&
    isThisRun(tags, ctx) &&
    tagValue(tags, TAG_PHASE) === phase &&
    tagValue(tags, TAG_SOURCE) === ctx.resource.source
  );
}

/** Retired by this plan run (the old primary it stopped or renamed). */
export function retiredByUs(tags: AwsTags, ctx: Pick<KindContext, 'plan'>): boolean {
  return tagValue(tags, TAG_RETIRED_BY) === ctx.plan.planId && isThisRun(tags, ctx, TAG_RETIRED_RUN);
}

/** Quiesced by this plan run (the recovery source it stopped or marked). */
export function quiescedByUs(tags: AwsTags, ctx: Pick<KindContext, 'plan'>): boolean {
  return tagValue(tags, TAG_QUIESCED_BY) === ctx.plan.planId && isThisRun(tags, ctx, TAG_QUIESCED_RUN);
}

/** The retirement markers this run sets on an old primary resource. */
export function retirementTags(ctx: KindContext, at: string, extra: Record<string, string> = {}): Tag[] {
  return [
    { Key: TAG_RETIRED_BY, Value: ctx.plan.planId },
    ...(ctx.plan.planRun ? [{ Key: TAG_RETIRED_RUN, Value: ctx.plan.planRun }] : []),
    { Key: TAG_RETIRED, Value: at },
    ...Object.entries(extra).map(([Key, Value]) => ({ Key, Value })),
  ];
}

/** The quiesce markers this run sets on a recovery source (before it stops or takes its point). */
export function quiesceTags(ctx: KindContext, extra: Record<string, string> = {}): Tag[] {
  return [
    { Key: TAG_QUIESCED_BY, Value: ctx.plan.planId },
    ...(ctx.plan.planRun ? [{ Key: TAG_QUIESCED_RUN, Value: ctx.plan.planRun }] : []),
    ...Object.entries(extra).map(([Key, Value]) => ({ Key, Value })),
  ];
}

/** The provenance a finished plan leaves on what it restored (replacing the ownership tags). */
export function provenanceTags(ctx: KindContext): Tag[] {
  return [
    { Key: TAG_RESTORED_BY, Value: ctx.plan.planId },
    ...(ctx.plan.planRun ? [{ Key: TAG_RESTORED_RUN, Value: ctx.plan.planRun }] : []),
  ];
}

/** Restored by this plan run and since handed over (provenance tags, ownership gone). */
export function restoredByUs(tags: AwsTags, ctx: Pick<KindContext, 'plan'>): boolean {
  return tagValue(tags, TAG_RESTORED_BY) === ctx.plan.planId && isThisRun(tags, ctx, TAG_RESTORED_RUN);
}

/** Who made a resource, for messages: "plan p run r", "an earlier run of plan p". */
export function ownerOf(tags: AwsTags): string | undefined {
  const plan = tagValue(tags, TAG_PLAN_ID) ?? tagValue(tags, TAG_RESTORED_BY);
  if (!plan) return undefined;
  const run = tagValue(tags, TAG_PLAN_RUN) ?? tagValue(tags, TAG_RESTORED_RUN);
  return run ? `plan ${plan} (run ${run})` : `plan ${plan} (a run that recorded no run id)`;
}

/**
 * A resource found under a name the plan derives: adopt it when an earlier attempt of this step made it
 * (it carries the run's tags), otherwise something else holds the name and a person must decide.
 */
export function adoptOrConflict(tags: AwsTags, ctx: KindContext, what: string, phase?: string): void {
  if (isOurs(tags, ctx, phase)) return;
  const owner = ownerOf(tags);
  throw needsPersonFailure(
    'NameConflict',
    `${what} already exists and was not created by this run of plan ${ctx.plan.planId} for ${ctx.resource.key}` +
      (owner ? ` (it belongs to ${owner})` : ''),
    { resource: ctx.resource.key, what },
  );
}

/**
 * A create under a derived name that a retried step may find done: adopt what the run made, create it
 * otherwise (and adopt it when AWS says the name was just taken, by an earlier attempt's call).
 */
export async function adoptOrCreate(
  ctx: KindContext,
  what: string,
  describe: () => Promise<{ TagList?: AwsTags } | undefined>,
  create: () => Promise<boolean>,
): Promise<void> {
  const existing = await describe();
  if (existing) return adoptOrConflict(existing.TagList, ctx, what);
  if (!(await create())) adoptOrConflict((await describe())?.TagList, ctx, what);
}

/** The plan's tags with another phase than the step's (conclude-recovery's final backups). */
export function phaseTags(ctx: KindContext, phase: string, extra: Record<string, string> = {}): Tag[] {
  return planTags(ctx.plan.planId, phase, ctx.resource.source, extra, ctx.plan.planRun);
}

/**
 * Whether a resource found by the run's tags may really be the run's copy: anything AWS says was
 * created before the run started is not, whatever its tags say (decision 0035). Unknown times pass.
 */
export function createdDuringRun(ctx: KindContext, created: Date | string | undefined): boolean {
  if (!ctx.plan.startedAt || created === undefined) return true;
  const at = created instanceof Date ? created.getTime() : Date.parse(created);
  // AWS timestamps are second-granular in places: a second's tolerance, never more.
  return !Number.isFinite(at) || at >= Date.parse(ctx.plan.startedAt) - 1000;
}

/** Refuses to remove what was created before the run: it served someone, whatever its tags say. */
export function assertCreatedDuringRun(ctx: KindContext, what: string, created: Date | string | undefined) {
  if (createdDuringRun(ctx, created)) return;
  throw needsPersonFailure(
    'NameConflict',
    `${what} carries the tags of this run of plan ${ctx.plan.planId} but was created ` +
      `${created instanceof Date ? created.toISOString() : String(created)}, before the run started ` +
      `(${ctx.plan.startedAt}): it is not this run's copy, and the plan does not remove it`,
    { resource: ctx.resource.key, what },
  );
}
