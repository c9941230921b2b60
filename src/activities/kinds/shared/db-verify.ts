import type { RecoveryPoint, VerificationCheck } from '../../../domain/resources.js';
import { check, notBefore } from './checks.js';
import type { KindContext } from '../resource-kind.js';
import type { DbSnapshotApi } from './db-snapshots.js';
import { TAG_COPIED_FROM, TAG_RESTORED_FROM, tagValue, type AwsTags } from './markers.js';
import { primaryCopyName } from './names.js';
import { dbId } from './rds.js';

/**
 * The chain a DB copy must prove: the restored database came from the plan's copy in primary, the copy
 * from the recovery point, and (in the failback) the recovery point was taken after the quiesce time.
 */
export async function snapshotChainChecks(
  ctx: KindContext,
  api: DbSnapshotApi,
  restoredTags: AwsTags,
  recoveryPoint: RecoveryPoint,
  quiescedAt: string | undefined,
): Promise<VerificationCheck[]> {
  const copyId = dbId(primaryCopyName(ctx, api.maxId));
  const [copy, original] = await Promise.all([
    api.describe(ctx.primary, copyId),
    api.describe(ctx.recovery, recoveryPoint.id),
  ]);
  const sourceArn = recoveryPoint.arn ?? recoveryPoint.id;
  const checks = [
    check('restored-from-copy', copyId, tagValue(restoredTags, TAG_RESTORED_FROM)),
    check('copy-available', 'available', copy?.status),
    // AWS names the source of a copy itself where it reports it; otherwise the plan's own tag.
    check('copy-of-recovery-point', sourceArn, copy?.sourceArn ?? tagValue(copy?.tags, TAG_COPIED_FROM)),
  ];
  if (quiescedAt) {
    checks.push(
      notBefore(
        'recovery-point-after-quiesce',
        original?.createdAt ?? copy?.originalCreatedAt ?? undefined,
        quiescedAt,
      ),
    );
  }
  return checks;
}
