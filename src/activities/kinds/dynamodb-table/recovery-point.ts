import type { PrimaryCopy, RecoveryPoint } from '../../../domain/resources.js';
import { needsPersonFailure } from '../../aws/errors.js';
import type { KindContext } from '../resource-kind.js';
import { ensureBackup } from './backups.js';
import { copyExport, exportTable } from './export-import.js';
import { methodOrFail, type CopyMethod } from './method.js';
import { backupName } from './names.js';
import { captureSettings, type TableSettings } from './settings.js';
import { describeTable } from './tables.js';

export function methodOf(rp: RecoveryPoint): CopyMethod {
  return rp.details?.method as CopyMethod;
}

export function settingsOf(rp: RecoveryPoint): TableSettings {
  return JSON.parse(String(rp.details?.settings ?? '{}')) as TableSettings;
}

/**
 * The recovery point in recovery: an on-demand backup (restore), an S3 export (export-import), or for
 * scan-copy the moment the copy may start (the copy reads the quiesced live table). Always carries the
 * source's settings, which restores drop and the plan re-applies.
 */
export async function takeRecoveryPoint(ctx: KindContext, quiescedAt?: string): Promise<RecoveryPoint> {
  const name = ctx.resource.source;
  const source = await describeTable(ctx.recovery, name);
  if (!source)
    throw needsPersonFailure(
      'NotFound',
      `DynamoDB table ${name} does not exist in recovery (${ctx.plan.recovery.accountId} ${ctx.plan.recovery.region})`,
    );
  const settings = await captureSettings(ctx.recovery, source);
  const method = methodOrFail(ctx, settings);
  const common = {
    method,
    sourceTable: name,
    sourceArn: source.TableArn ?? '',
    sourceSizeBytes: source.TableSizeBytes ?? 0,
    settings: JSON.stringify(settings),
  };
  if (method === 'restore') {
    const backup = await ensureBackup(ctx.recovery, name, backupName(ctx, 'rp'));
    return {
      id: backup.arn,
      arn: backup.arn,
      capturedAt: backup.createdAt,
      details: { ...common, backupName: backup.name },
    };
  }
  if (method === 'export-import') {
    const rp = await exportTable(ctx, source);
    return { ...rp, details: { ...rp.details, ...common } };
  }
  return {
    id: `scan:${ctx.plan.recovery.accountId}:${ctx.plan.recovery.region}:${name}`,
    capturedAt: quiescedAt ?? new Date().toISOString(),
    details: common,
  };
}

/**
 * The transfer into primary where one is needed: export files are copied into the plan's bucket in
 * primary. A backup restores across regions directly, and a scan copy reads the source itself.
 */
export async function copyRecoveryPoint(ctx: KindContext, rp: RecoveryPoint): Promise<PrimaryCopy> {
  if (methodOf(rp) === 'export-import') return copyExport(ctx, rp);
  return {
    id: rp.id,
    ...(rp.arn ? { arn: rp.arn } : {}),
    region: ctx.plan.primary.region,
    details: { method: methodOf(rp) },
  };
}
