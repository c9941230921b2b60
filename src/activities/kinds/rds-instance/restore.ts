import { RestoreDBInstanceFromDBSnapshotCommand } from '@aws-sdk/client-rds';
import { retiredName } from '../../../domain/naming.js';
import type { PrimaryCopy, RestoreResult, Retirement } from '../../../domain/resources.js';
import { needsPersonFailure } from '../../aws/errors.js';
import type { KindContext } from '../resource-kind.js';
import { createOrExists } from '../shared/calls.js';
import { carriedDbInstance, restoredDbTags } from '../shared/db-configuration.js';
import {
  adoptOrConflict,
  adoptOrCreate,
  assertCreatedDuringRun,
  isOurs,
  retiredByUs,
  retirementTags,
  TAG_RETIRED,
  TAG_RETIRED_FROM,
  tagValue,
} from '../shared/markers.js';
import { restoredName } from '../shared/names.js';
import { findRetiredInstance } from '../shared/old-primary.js';
import { dbPlacement } from '../shared/options.js';
import {
  addRdsTags,
  DB_RESTORE_FAILED,
  dbId,
  deleteDbInstance,
  describeDbInstance,
  renameDbInstance,
  waitDbInstanceAvailable,
} from '../shared/rds.js';

/**
 * Frees the target name in primary without losing anything: the old instance is tagged (retired-by,
 * when, original name) and renamed to `<id>-pre-failback-<date>`. The tags come first, so a retry
 * finds the instance under either name and derives the same date, hence the same new name.
 */
export async function retireDbInstance(ctx: KindContext): Promise<Retirement> {
  const env = ctx.primary;
  const target = dbId(ctx.resource.target);
  const current = await describeDbInstance(env, target);
  const old = current && !isOurs(current.TagList, ctx) ? current : await findRetiredInstance(ctx);
  if (!old) return { originalId: target, action: 'none', at: new Date().toISOString() };
  if (old.DBClusterIdentifier) {
    throw needsPersonFailure(
      'InvalidParameter',
      `${target} in primary is a member of Aurora cluster ${old.DBClusterIdentifier}: fail back the cluster instead`,
    );
  }
  const tagged = retiredByUs(old.TagList, ctx) ? tagValue(old.TagList, TAG_RETIRED) : undefined;
  const at = tagged ?? new Date().toISOString();
  const retiredId = dbId(retiredName(target, at));
  const currentId = old.DBInstanceIdentifier ?? target;
  // Before the first tag: a first attempt stopped here has changed nothing.
  if (currentId !== retiredId && (await describeDbInstance(env, retiredId))) {
    throw needsPersonFailure(
      'NameConflict',
      `cannot retire ${target} in primary: ${retiredId} already exists (an earlier failback the same day?)`,
    );
  }
  if (!tagged)
    await addRdsTags(env, old.DBInstanceArn ?? '', retirementTags(ctx, at, { [TAG_RETIRED_FROM]: target }));
  await renameDbInstance(env, currentId, retiredId);
  return { originalId: target, action: 'renamed', retiredId, at };
}

/**
 * Restores the copy under the target name (the test name in the test failback), after retiring the
 * old primary instance in the failback, and waits until it is available.
 */
export async function restoreDbInstance(ctx: KindContext, copy: PrimaryCopy): Promise<RestoreResult> {
  const retirement = ctx.input.phase === 'failback' ? await retireDbInstance(ctx) : undefined;
  const env = ctx.primary;
  const name = dbId(restoredName(ctx));
  const what = `DB instance ${name} in primary`;
  const existing = await describeDbInstance(env, name);
  if (existing && DB_RESTORE_FAILED.has(existing.DBInstanceStatus ?? '')) {
    adoptOrConflict(existing.TagList, ctx, what);
    assertCreatedDuringRun(ctx, what, existing.InstanceCreateTime);
    // The run's own restore that RDS gave up on (the plan parked for it): adopting it would park the
    // retry again. Restores run before the cutover, so it never served: it goes, the restore is redone.
    // Only one made during this run: never a database that served before it.
    await deleteDbInstance(env, name, 'rds:delete-instance');
  }
  await adoptOrCreate(
    ctx,
    what,
    () => describeDbInstance(env, name),
    async () => {
      const placement = dbPlacement(ctx.resource, ctx.input.phase === 'test-failback');
      // What the table carries (shared/db-configuration.ts): a snapshot does not bring it back.
      const carried = await carriedDbInstance(ctx);
      return createOrExists(env, `RestoreDBInstanceFromDBSnapshot ${name} from ${copy.id}`, () =>
        env.rds.send(
          new RestoreDBInstanceFromDBSnapshotCommand({
            DBInstanceIdentifier: name,
            DBSnapshotIdentifier: copy.id,
            DBSubnetGroupName: placement.subnetGroup,
            VpcSecurityGroupIds: placement.securityGroupIds,
            DBInstanceClass: placement.instanceClass ?? carried.instanceClass,
            ...carried.params,
            Tags: restoredDbTags(ctx, copy.id, carried),
          }),
        ),
      );
    },
  );
  const db = await waitDbInstanceAvailable(env, name, 'rds:restore-instance');
  return {
    ...(retirement ? { retirement } : {}),
    restored: {
      id: name,
      arn: db.DBInstanceArn,
      name,
      details: {
        snapshot: copy.id,
        ...(db.Engine ? { engine: db.Engine } : {}),
        ...(db.DBInstanceClass ? { instanceClass: db.DBInstanceClass } : {}),
      },
    },
  };
}
