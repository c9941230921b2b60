import { artifactName, testTargetName, type Phase } from '../../../domain/naming.js';
import type { KindContext } from '../resource-kind.js';

/**
 * The names a kind gives what it creates, all from (planId, phase, target): a retried step looks them
 * up before creating, so it finds what its first attempt made.
 */
export const CONCLUDE_PHASE: Phase = 'conclude-recovery';

export function recoveryPointName(ctx: KindContext, max?: number): string {
  return artifactName(ctx.plan.planId, ctx.input.phase, 'rp', ctx.resource.target, max);
}

export function primaryCopyName(ctx: KindContext, max?: number): string {
  return artifactName(ctx.plan.planId, ctx.input.phase, 'copy', ctx.resource.target, max);
}

/** Conclude recovery: the final backup of the live copy in recovery (kept). */
export function finalBackupName(ctx: KindContext, max?: number): string {
  return artifactName(ctx.plan.planId, CONCLUDE_PHASE, 'final', ctx.resource.target, max);
}

/** Compensation after traffic was served: a kept backup of the restored copy before it is removed. */
export function keptBackupName(ctx: KindContext, max?: number): string {
  return artifactName(ctx.plan.planId, ctx.input.phase, 'kept', ctx.resource.target, max);
}

/** Where the copy lands in primary: the target name, or the test name in the test failback. */
export function restoredName(ctx: KindContext): string {
  const { target } = ctx.resource;
  return ctx.input.phase === 'test-failback'
    ? testTargetName(target, ctx.plan.planId, ctx.resource.kind)
    : target;
}
