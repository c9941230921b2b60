import { artifactName, clientToken, shortHash, testTargetName, type Phase } from '../../../domain/naming.js';
import type { KindContext } from '../resource-kind.js';

/**
 * The names a kind gives what it creates, all from (planId, plan run, phase, target): a retried step
 * looks them up before creating, so it finds what its first attempt made, and a later plan with the
 * same id derives other names (decision 0035). Plans started before runs were recorded keep the names
 * they had.
 */
export const CONCLUDE_PHASE: Phase = 'conclude-recovery';

/** 8 hex digits naming the plan run in names and tokens (empty for plans without a recorded run). */
export function runCode(ctx: Pick<KindContext, 'plan'>): string {
  return ctx.plan.planRun ? shortHash(ctx.plan.planRun) : '';
}

/** A name's step part with the run in it: `rp` → `rp-1a2b3c4d`. */
export function runStep(ctx: Pick<KindContext, 'plan'>, step: string): string {
  const code = runCode(ctx);
  return code ? `${step}-${code}` : step;
}

/** An idempotency token of this run (EC2 ClientToken ≤ 64; DynamoDB's ≤ 36 is fitted by the caller). */
export function runToken(
  ctx: KindContext,
  step: string,
  target = ctx.resource.target,
  phase?: Phase,
): string {
  return clientToken(ctx.plan.planId, phase ?? ctx.input.phase, runStep(ctx, step), target);
}

export function recoveryPointName(ctx: KindContext, max?: number): string {
  return artifactName(ctx.plan.planId, ctx.input.phase, runStep(ctx, 'rp'), ctx.resource.target, max);
}

export function primaryCopyName(ctx: KindContext, max?: number): string {
  return artifactName(ctx.plan.planId, ctx.input.phase, runStep(ctx, 'copy'), ctx.resource.target, max);
}

/** Conclude recovery: the final backup of the live copy in recovery (kept). */
export function finalBackupName(ctx: KindContext, max?: number): string {
  return artifactName(ctx.plan.planId, CONCLUDE_PHASE, runStep(ctx, 'final'), ctx.resource.target, max);
}

/** Compensation after traffic was served: a kept backup of the restored copy before it is removed. */
export function keptBackupName(ctx: KindContext, max?: number): string {
  return artifactName(ctx.plan.planId, ctx.input.phase, runStep(ctx, 'kept'), ctx.resource.target, max);
}

/** Where the copy lands in primary: the target name, or the test name in the test failback. */
export function restoredName(ctx: KindContext): string {
  const { target } = ctx.resource;
  return ctx.input.phase === 'test-failback'
    ? testTargetName(target, ctx.plan.planId, ctx.resource.kind)
    : target;
}
