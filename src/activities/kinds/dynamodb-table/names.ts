import {
  artifactName,
  fit,
  phaseCode,
  planExportPrefix,
  safeName,
  shortHash,
  testTargetName,
  type Phase,
} from '../../../domain/naming.js';
import type { KindContext } from '../resource-kind.js';
import { runCode, runStep } from '../shared/names.js';

/** Backup roles: the recovery point (an intermediate) and backups the plan keeps. */
export type BackupRole = 'rp' | 'keep-retired' | 'keep-comp' | 'keep-final';

/** The table the phase writes in primary: the test copy in the test failback, else the target. */
export function primaryTableName(ctx: KindContext): string {
  return ctx.input.phase === 'test-failback'
    ? testTargetName(ctx.resource.target, ctx.plan.planId, ctx.resource.kind)
    : ctx.resource.target;
}

/**
 * DynamoDB's own backups take no tags, so their names carry what tags carry elsewhere: the plan, the
 * phase and the role (`keep-*` backups survive every cleanup). Cleanup matches exact names only.
 */
export function backupName(ctx: KindContext, role: BackupRole, phase: Phase = ctx.input.phase): string {
  return artifactName(ctx.plan.planId, phase, runStep(ctx, role), ctx.resource.target);
}

export function isKeptBackupName(name: string): boolean {
  return /^fb-.+-(tf|fb|cr)-keep-/.test(name);
}

export { planExportPrefix };

/** S3 key prefix of one resource's export in one phase (of this plan run, when it has one). */
export function exportPrefix(ctx: KindContext): string {
  const run = runCode(ctx);
  return `${planExportPrefix(ctx.plan.planId)}/${phaseCode(ctx.input.phase)}/${run ? `${run}/` : ''}${safeName(ctx.resource.target)}`;
}

/** The plan's export bucket in recovery (S3 names are global: ≤ 63; `exp` kept from when primary had an import bucket). */
export function derivedBucket(planId: string, role: 'exp', accountId: string, region: string): string {
  return fit(`fb-${planId}-${role}-${accountId}-${shortHash(region)}`, 63);
}

export function exportBucketOf(ctx: KindContext): { bucket: string; derived: boolean } {
  const given = ctx.resource.options?.exportBucket;
  if (typeof given === 'string') return { bucket: given, derived: false };
  const { accountId, region } = ctx.plan.recovery;
  return { bucket: derivedBucket(ctx.plan.planId, 'exp', accountId, region), derived: true };
}

/** The bucket policy statement letting primary's role read the plan's exports (cross-account). */
export function readGrantSid(ctx: KindContext): string {
  return `failback${ctx.plan.planId.replace(/-/g, '')}PrimaryRead`;
}
