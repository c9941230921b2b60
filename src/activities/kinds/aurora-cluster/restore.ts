import {
  CreateDBInstanceCommand,
  RestoreDBClusterFromSnapshotCommand,
  type DBCluster,
} from '@aws-sdk/client-rds';
import { retiredName } from '../../../domain/naming.js';
import type { PrimaryCopy, RecoveryPoint, RestoreResult, Retirement } from '../../../domain/resources.js';
import { needsPersonFailure } from '../../aws/errors.js';
import type { KindContext } from '../resource-kind.js';
import { createOrExists } from '../shared/calls.js';
import { carriedCluster, restoredDbTags } from '../shared/db-configuration.js';
import {
  adoptOrConflict,
  assertCreatedDuringRun,
  adoptOrCreate,
  type AwsTags,
  isOurs,
  retiredByUs,
  retirementTags as markers,
  TAG_RETIRED,
  TAG_RETIRED_FROM,
  tagValue,
} from '../shared/markers.js';
import { restoredName } from '../shared/names.js';
import { oldPrimaryDbCluster } from '../shared/old-primary.js';
import { dbPlacement } from '../shared/options.js';
import {
  addRdsTags,
  DB_RESTORE_FAILED,
  dbId,
  deleteDbInstance,
  describeDbCluster,
  describeDbInstance,
  renameDbCluster,
  renameDbInstance,
  waitDbClusterAvailable,
  waitDbInstanceAvailable,
} from '../shared/rds.js';
import { configuredLayout, memberNames, type MemberSpec } from './layout.js';
import { clusterSnapshotApi } from './snapshot-api.js';

/** The retired cluster's instances with the names they had before retirement, writer first. */
export async function retiredMembers(
  ctx: KindContext,
  cluster: DBCluster,
): Promise<Array<{ id: string; original: string; arn: string; ours: boolean }>> {
  const members = [...(cluster.DBClusterMembers ?? [])].sort(
    (a, b) => Number(Boolean(b.IsClusterWriter)) - Number(Boolean(a.IsClusterWriter)),
  );
  const result = [];
  for (const member of members) {
    const db = await describeDbInstance(ctx.primary, member.DBInstanceIdentifier ?? '');
    if (!db?.DBInstanceIdentifier) continue;
    const ours = retiredByUs(db.TagList, ctx);
    const original = (ours ? tagValue(db.TagList, TAG_RETIRED_FROM) : undefined) ?? db.DBInstanceIdentifier;
    result.push({ id: db.DBInstanceIdentifier, original, arn: db.DBInstanceArn ?? '', ours });
  }
  return result;
}

/**
 * Frees the target cluster name and its instance names in primary: every one is tagged (retired-by,
 * when, original name) before it is renamed to `<name>-pre-failback-<date>`, so a retry derives the
 * same names from the tags. Nothing is stopped or deleted.
 */
export async function retireCluster(ctx: KindContext): Promise<Retirement> {
  const env = ctx.primary;
  const target = dbId(ctx.resource.target);
  const old = await oldPrimaryDbCluster(ctx);
  if (!old?.DBClusterIdentifier) return { originalId: target, action: 'none', at: new Date().toISOString() };
  const members = await instancesToRetire(ctx, old);
  assertGranted(ctx, members);
  const tagged = retiredByUs(old.TagList, ctx) ? tagValue(old.TagList, TAG_RETIRED) : undefined;
  const at = tagged ?? new Date().toISOString();
  const retiredId = dbId(retiredName(target, at));
  // Every retired name is free before the first tag: a conflict found half-way would leave the old
  // cluster half-renamed (its writer under the retired name, a reader not).
  const renames = members
    .map((m) => ({ ...m, newName: dbId(retiredName(m.original, at)) }))
    .filter((m) => m.id !== m.newName);
  // A holder this run retired from that very name is the rename of an earlier attempt, still going.
  const ours = (tags: AwsTags, from: string) =>
    retiredByUs(tags, ctx) && tagValue(tags, TAG_RETIRED_FROM) === from;
  const taken: string[] = [];
  const cluster = old.DBClusterIdentifier !== retiredId ? await describeDbCluster(env, retiredId) : undefined;
  if (cluster && !ours(cluster.TagList, target)) taken.push(retiredId);
  for (const m of renames) {
    const holder = await describeDbInstance(env, m.newName);
    if (holder && !ours(holder.TagList, m.original)) taken.push(m.newName);
  }
  if (taken.length)
    throw needsPersonFailure(
      'NameConflict',
      `cannot retire cluster ${target}: ${taken.join(', ')} already exist(s) in primary (the retired names ` +
        `of the cluster and its instances); ${
          tagged
            ? 'an earlier attempt began the retirement (an abort renames back what it renamed)'
            : 'nothing was changed'
        }. Rename or remove them and retry, or abort`,
    );
  if (!tagged) await addRdsTags(env, old.DBClusterArn ?? '', retirementTags(ctx, at, target));
  for (const member of renames) {
    await addRdsTags(env, member.arn, retirementTags(ctx, at, member.original));
    await renameDbInstance(env, member.id, member.newName);
  }
  await renameDbCluster(env, old.DBClusterIdentifier, retiredId);
  return { originalId: target, action: 'renamed', retiredId, at };
}

/**
 * The old cluster's instances this plan retires: every one while the cluster still has the target
 * name; once it is retired, only those it renamed (one that joined the retired cluster since is not
 * the plan's to rename, and its name is not one the restored cluster reuses).
 */
async function instancesToRetire(ctx: KindContext, old: DBCluster) {
  const members = await retiredMembers(ctx, old);
  return old.DBClusterIdentifier === dbId(ctx.resource.target) ? members : members.filter((m) => m.ours);
}

/**
 * Before the first tag: every instance still to retire is one preflight saw (and the access role may
 * rename, decision 0045). One added since (an Auto Scaling reader, a new writer) would be refused
 * half-way; the plan stops here instead, with nothing changed. Plans preflighted before the names were
 * recorded are not checked.
 */
function assertGranted(ctx: KindContext, members: Array<{ id: string; ours: boolean }>): void {
  const seen = ctx.resource.sourceDetails?.primaryInstances;
  if (typeof seen !== 'string') return;
  const granted = new Set(seen.split(',').filter(Boolean).map(dbId));
  const added = members.filter((m) => !m.ours && !granted.has(dbId(m.id))).map((m) => m.id);
  if (added.length)
    throw needsPersonFailure(
      'InvalidParameter',
      `cannot retire cluster ${ctx.resource.target}: instance(s) ${added.join(', ')} joined it after ` +
        `preflight (which saw ${[...granted].join(', ') || 'none'}), and the access role may rename only ` +
        `those. Remove them (or turn off the cluster's Auto Scaling) and retry, or abort and run the plan again`,
    );
}

/**
 * The restored cluster's instances take only names preflight granted (decision 0045): at most as many
 * as the larger of the source's and the old primary's layouts as preflight read them, named after the
 * old instances it saw. A source scaled out since, or an old instance gone, would give a name the
 * access role may not tag: refused after the old cluster is retired. And each new name is free (or
 * this run's). Checked before anything changes.
 */
async function assertLayoutGranted(ctx: KindContext, count: number): Promise<void> {
  const cluster = dbId(restoredName(ctx));
  const failback = ctx.input.phase === 'failback';
  const old = failback ? await oldPrimaryDbCluster(ctx) : undefined;
  const previous = old ? (await instancesToRetire(ctx, old)).map((m) => m.original) : [];
  const names = memberNames(cluster, count, previous);
  const { instances, primaryInstances } = ctx.resource.sourceDetails ?? {};
  // Plans preflighted before the names were recorded are not checked against them.
  if (typeof primaryInstances === 'string' && typeof instances === 'number') {
    const seen = primaryInstances.split(',').filter(Boolean).map(dbId);
    const limit = Math.max(instances, seen.length);
    const granted = new Set(
      failback ? [...seen, ...memberNames(cluster, limit, seen)] : memberNames(cluster, limit, []),
    );
    const refused = names.filter((n) => !granted.has(n));
    if (refused.length)
      throw needsPersonFailure(
        'InvalidParameter',
        `cluster ${ctx.resource.target} would get ${count} instance(s), named ${refused.join(', ')} among ` +
          `them, but preflight saw at most ${limit} (old instances ${seen.join(', ') || 'none'}) and the ` +
          `access role may name only those: abort and run the plan again (preflight reads the new layout), ` +
          `or bring the source and the old cluster back to what preflight saw`,
      );
  }
  // Preflight saw the new names free; the window may be days later. Taken now, the restore would stop
  // after the old cluster is retired, and the name's holder would sit under the role's grant.
  for (const name of names.filter((n) => !previous.includes(n))) {
    const db = await describeDbInstance(ctx.primary, name);
    if (db && !isOurs(db.TagList, ctx))
      throw needsPersonFailure(
        'NameConflict',
        `DB instance ${name} exists in primary and is not this plan's: cluster ${ctx.resource.target}'s ` +
          `restored instance takes that name. Nothing was changed: rename or remove it and retry, or abort`,
      );
  }
}

function retirementTags(ctx: KindContext, at: string, original: string) {
  return markers(ctx, at, { [TAG_RETIRED_FROM]: original });
}

async function ensureMember(
  ctx: KindContext,
  cluster: string,
  name: string,
  spec: MemberSpec,
  engine: string,
) {
  const env = ctx.primary;
  const what = `DB instance ${name} of cluster ${cluster} in primary`;
  const existing = await describeDbInstance(env, name);
  if (existing) adoptOrConflict(existing.TagList, ctx, what);
  if (existing && !DB_RESTORE_FAILED.has(existing.DBInstanceStatus ?? '')) return;
  // The run's own member that RDS gave up on (the plan parked for it): adopted, it would park the
  // retry again. Members are made before the cutover, so it never served: it goes and is made anew.
  if (existing) {
    assertCreatedDuringRun(ctx, what, existing.InstanceCreateTime);
    await deleteDbInstance(env, name, 'rds:delete-instance');
  }
  const instanceClass = dbPlacement(ctx.resource, false).instanceClass ?? spec.instanceClass;
  const created = await createOrExists(env, `CreateDBInstance ${name}`, () =>
    env.rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: name,
        DBClusterIdentifier: cluster,
        Engine: engine,
        DBInstanceClass: instanceClass,
        PromotionTier: spec.promotionTier,
        Tags: ctx.tags(),
      }),
    ),
  );
  if (!created) adoptOrConflict((await describeDbInstance(env, name))?.TagList, ctx, what);
}

/**
 * Restores the cluster from the copy under the target name (test name in the test failback), after
 * retiring the old cluster in the failback, then creates the writer (first, so it becomes the writer)
 * and one reader for each reader the source had.
 */
export async function restoreCluster(
  ctx: KindContext,
  copy: PrimaryCopy,
  recoveryPoint: RecoveryPoint,
): Promise<RestoreResult> {
  // Read before the old cluster is retired, so a layout past what preflight granted changes nothing.
  const layout = await configuredLayout(ctx, recoveryPoint);
  await assertLayoutGranted(ctx, layout.length);
  const retirement = ctx.input.phase === 'failback' ? await retireCluster(ctx) : undefined;
  const env = ctx.primary;
  const name = dbId(restoredName(ctx));
  const snapshot = await clusterSnapshotApi.describe(env, copy.id);
  const engine = snapshot?.engine ?? String(recoveryPoint.details?.engine ?? '');
  const what = `DB cluster ${name} in primary`;
  await adoptOrCreate(
    ctx,
    what,
    () => describeDbCluster(env, name),
    async () => {
      if (!snapshot)
        throw needsPersonFailure('NotFound', `the copy ${copy.id} is not in primary: run the copy again`);
      const placement = dbPlacement(ctx.resource, ctx.input.phase === 'test-failback');
      // What the table carries (shared/db-configuration.ts): a snapshot restores a default configuration.
      const carried = await carriedCluster(ctx);
      return createOrExists(env, `RestoreDBClusterFromSnapshot ${name} from ${copy.id}`, () =>
        env.rds.send(
          new RestoreDBClusterFromSnapshotCommand({
            DBClusterIdentifier: name,
            SnapshotIdentifier: copy.id,
            Engine: engine,
            EngineVersion: snapshot.engineVersion,
            DBSubnetGroupName: placement.subnetGroup,
            VpcSecurityGroupIds: placement.securityGroupIds,
            ...carried.params,
            Tags: restoredDbTags(ctx, copy.id, carried),
          }),
        ),
      );
    },
  );
  const cluster = await waitDbClusterAvailable(env, name, 'aurora:restore-cluster');

  const retired = retirement?.retiredId ? await describeDbCluster(env, retirement.retiredId) : undefined;
  const previous = retired ? (await instancesToRetire(ctx, retired)).map((m) => m.original) : [];
  const names = memberNames(name, layout.length, ctx.input.phase === 'failback' ? previous : []);
  const clusterEngine = cluster.Engine ?? engine;
  for (const [i, spec] of layout.entries()) {
    await ensureMember(ctx, name, names[i] ?? '', spec, clusterEngine);
    // The writer first: Aurora makes the first available instance of a restored cluster its writer.
    if (i === 0) await waitDbInstanceAvailable(env, names[0] ?? '', 'aurora:create-instance');
  }
  for (const member of names.slice(1)) await waitDbInstanceAvailable(env, member, 'aurora:create-instance');
  return {
    ...(retirement ? { retirement } : {}),
    restored: {
      id: name,
      arn: cluster.DBClusterArn,
      name,
      details: { snapshot: copy.id, engine: clusterEngine, instances: names.join(',') },
    },
  };
}
