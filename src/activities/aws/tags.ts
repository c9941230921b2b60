import { TAG_PHASE, TAG_PLAN_ID, TAG_SOURCE } from '../../domain/contract.js';

/** Marks a backup or snapshot that must survive cleanup (final backups, backups of retired tables). */
export const TAG_KEEP = 'failback:keep';
/** On an old primary resource the failback retired: when, and what replaced it. */
export const TAG_RETIRED = 'failback:retired';
/**
 * The plan run that made a resource (decision 0035), beside failback:plan-id: a plan id may come back
 * (its history deleted, another id reuse policy), a run never does.
 */
export const TAG_PLAN_RUN = 'failback:plan-run';

export interface Tag {
  Key: string;
  Value: string;
}

/** The tags on everything the plan creates (DESIGN.md §4): cleanup and compensation find work by them. */
export function planTags(
  planId: string,
  phase: string,
  source: string,
  extra: Record<string, string> = {},
  planRun?: string,
): Tag[] {
  return [
    { Key: TAG_PLAN_ID, Value: planId },
    ...(planRun ? [{ Key: TAG_PLAN_RUN, Value: planRun }] : []),
    { Key: TAG_PHASE, Value: phase },
    { Key: TAG_SOURCE, Value: source },
    ...Object.entries(extra).map(([Key, Value]) => ({ Key, Value })),
  ];
}

export function tagValue(
  tags: Array<{ Key?: string; Value?: string }> | undefined,
  key: string,
): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

/** Whether a resource carries this plan's id (so the plan may adopt, change or remove it). */
export function isOwnedByPlan(
  tags: Array<{ Key?: string; Value?: string }> | undefined,
  planId: string,
): boolean {
  return tagValue(tags, TAG_PLAN_ID) === planId;
}
