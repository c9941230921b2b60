import { TAG_PHASE, TAG_PLAN_ID, TAG_SOURCE } from '../../../domain/contract.js';
import { needsPersonFailure } from '../../aws/errors.js';
import { planTags, TAG_KEEP, TAG_RETIRED, tagValue, type Tag } from '../../aws/tags.js';
import type { KindContext } from '../resource-kind.js';

/**
 * Marks the plan leaves on resources it did NOT create (the old primary it retires, the recovery
 * source it quiesces). They never carry failback:plan-id, so nothing that cleans up by the plan's tags
 * can ever find, let alone delete, them.
 */
export const TAG_RETIRED_BY = 'failback:retired-by';
/** The name the retired resource had (renamed databases: what compensation renames it back to). */
export const TAG_RETIRED_FROM = 'failback:retired-from';
/** EC2: whether the instance was running before the plan stopped it ("true" / "false"). */
export const TAG_WAS_RUNNING = 'failback:was-running';
export const TAG_QUIESCED_BY = 'failback:quiesced-by';
export const TAG_QUIESCED_AT = 'failback:quiesced-at';
/** On what the plan restores or copies: the snapshot/AMI it came from, checked by verify. */
export const TAG_RESTORED_FROM = 'failback:restored-from';
export const TAG_COPIED_FROM = 'failback:copied-from';

export const RETIREMENT_TAG_KEYS = [TAG_RETIRED, TAG_RETIRED_BY, TAG_RETIRED_FROM, TAG_WAS_RUNNING];
export const QUIESCE_TAG_KEYS = [TAG_QUIESCED_BY, TAG_QUIESCED_AT, TAG_WAS_RUNNING];

export type AwsTags = Array<{ Key?: string; Value?: string }> | undefined;

export { TAG_KEEP, TAG_RETIRED, tagValue };

export function isKept(tags: AwsTags): boolean {
  return tagValue(tags, TAG_KEEP) === 'true';
}

/** Created by this plan, in this phase, for this resource: the plan may adopt, change or remove it. */
export function isOurs(tags: AwsTags, ctx: KindContext, phase: string = ctx.input.phase): boolean {
  return (
    tagValue(tags, TAG_PLAN_ID) === ctx.plan.planId &&
    tagValue(tags, TAG_PHASE) === phase &&
    tagValue(tags, TAG_SOURCE) === ctx.resource.source
  );
}

/**
 * A resource found under a name the plan derives: adopt it when an earlier attempt of this step made it
 * (it carries the plan's tags), otherwise something else holds the name and a person must decide.
 */
export function adoptOrConflict(tags: AwsTags, ctx: KindContext, what: string, phase?: string): void {
  if (isOurs(tags, ctx, phase)) return;
  const owner = tagValue(tags, TAG_PLAN_ID);
  throw needsPersonFailure(
    'NameConflict',
    `${what} already exists and was not created by plan ${ctx.plan.planId} for ${ctx.resource.key}` +
      (owner ? ` (it belongs to plan ${owner})` : ''),
    { resource: ctx.resource.key, what },
  );
}

/** The plan's tags with another phase than the step's (conclude-recovery's final backups). */
export function phaseTags(ctx: KindContext, phase: string, extra: Record<string, string> = {}): Tag[] {
  return planTags(ctx.plan.planId, phase, ctx.resource.source, extra);
}
