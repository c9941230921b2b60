import {
  AddTagsToResourceCommand,
  DeleteDBClusterCommand,
  DeleteDBInstanceCommand,
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  ModifyDBClusterCommand,
  ModifyDBInstanceCommand,
  paginateDescribeDBClusters,
  paginateDescribeDBInstances,
  RemoveTagsFromResourceCommand,
  type DBCluster,
  type DBInstance,
} from '@aws-sdk/client-rds';
import type { AwsEnvironment } from '../../aws/clients.js';
import type { Operation } from '../../aws/durations.js';
import { needsPersonFailure } from '../../aws/errors.js';
import type { Tag } from '../../aws/tags.js';
import { call, describeOrUndefined, waitFor } from './calls.js';

/**
 * RDS calls shared by the rds-instance and aurora-cluster kinds: describe, find by tag, tag, rename,
 * delete, and the waits around them. RDS stores identifiers in lower case, so every name goes through
 * dbId before it is compared or sent.
 */
export function dbId(name: string): string {
  return name.toLowerCase();
}

/** States a database does not leave by waiting: a person must look (parameters, network, KMS, storage). */
const DB_FAILED = new Set([
  'failed',
  'incompatible-restore',
  'incompatible-parameters',
  'incompatible-network',
  'incompatible-option-group',
  'incompatible-credentials',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
  'storage-full',
  'restore-error',
]);

/**
 * States a restore ends in when RDS could not make the database from the snapshot: the instance never
 * became available and never will (RDS User Guide, "Viewing Amazon RDS DB instance status": delete
 * it and restore again). A retry removes the run's own such instance and restores anew.
 */
export const DB_RESTORE_FAILED = new Set(['failed', 'incompatible-restore', 'restore-error']);

export function describeDbInstance(env: AwsEnvironment, id: string): Promise<DBInstance | undefined> {
  return describeOrUndefined(env, `DescribeDBInstances ${id}`, async () => {
    const out = await env.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: dbId(id) }));
    return out.DBInstances?.[0];
  });
}

export function describeDbCluster(env: AwsEnvironment, id: string): Promise<DBCluster | undefined> {
  return describeOrUndefined(env, `DescribeDBClusters ${id}`, async () => {
    const out = await env.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: dbId(id) }));
    return out.DBClusters?.[0];
  });
}

/** Every DB instance of the environment (RDS cannot filter by tag: callers match TagList). */
export function listDbInstances(env: AwsEnvironment): Promise<DBInstance[]> {
  return call(env, 'DescribeDBInstances', async () => {
    const all: DBInstance[] = [];
    for await (const page of paginateDescribeDBInstances({ client: env.rds }, {})) {
      all.push(...(page.DBInstances ?? []));
    }
    return all;
  });
}

export function listDbClusters(env: AwsEnvironment): Promise<DBCluster[]> {
  return call(env, 'DescribeDBClusters', async () => {
    const all: DBCluster[] = [];
    for await (const page of paginateDescribeDBClusters({ client: env.rds }, {})) {
      all.push(...(page.DBClusters ?? []));
    }
    return all;
  });
}

export async function addRdsTags(env: AwsEnvironment, arn: string, tags: Tag[]): Promise<void> {
  await call(env, `AddTagsToResource ${arn}`, () =>
    env.rds.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: tags })),
  );
}

export async function removeRdsTags(env: AwsEnvironment, arn: string, keys: string[]): Promise<void> {
  await call(env, `RemoveTagsFromResource ${arn}`, () =>
    env.rds.send(new RemoveTagsFromResourceCommand({ ResourceName: arn, TagKeys: keys })),
  );
}

/**
 * Trades a restored database's ownership tags for provenance (decision 0035): added first, then the
 * ownership keys removed, so a retry after a crash between the two finds it either way.
 */
export async function retagRds(
  env: AwsEnvironment,
  arn: string,
  add: Tag[],
  removeKeys: string[],
): Promise<void> {
  if (add.length) await addRdsTags(env, arn, add);
  if (removeKeys.length) await removeRdsTags(env, arn, removeKeys);
}

function failedState(kind: string, id: string, status: string | undefined): never {
  if (kind === 'DB instance' && DB_RESTORE_FAILED.has(status ?? '')) {
    // Waiting longer changes nothing, and nothing in the spec is wrong: the wait failed.
    throw needsPersonFailure(
      'WaitFailed',
      `${kind} ${id} is ${status}: RDS gave up on it; check its events (the snapshot, the engine version, the KMS key), then retry: an instance the plan made is removed and made again`,
      { id, status },
    );
  }
  throw needsPersonFailure(
    'InvalidParameter',
    `${kind} ${id} is ${status}: RDS cannot finish it; check its events and settings (subnet group, security groups, parameter group, KMS key)`,
    { id, status },
  );
}

/** Waits until the instance is `available` (or another state `done` accepts). */
export function waitDbInstanceAvailable(
  env: AwsEnvironment,
  id: string,
  operation: Operation,
  done: (db: DBInstance) => boolean = (db) => db.DBInstanceStatus === 'available',
): Promise<DBInstance> {
  return waitFor(`DB instance ${id} in ${env.access.region}`, operation, async () => {
    const db = await describeDbInstance(env, id);
    if (db && DB_FAILED.has(db.DBInstanceStatus ?? '')) failedState('DB instance', id, db.DBInstanceStatus);
    return { done: Boolean(db && done(db)), value: db, state: db?.DBInstanceStatus ?? 'absent' };
  });
}

export function waitDbClusterAvailable(
  env: AwsEnvironment,
  id: string,
  operation: Operation,
): Promise<DBCluster> {
  return waitFor(`DB cluster ${id} in ${env.access.region}`, operation, async () => {
    const cluster = await describeDbCluster(env, id);
    if (cluster && DB_FAILED.has(cluster.Status ?? '')) failedState('DB cluster', id, cluster.Status);
    return { done: cluster?.Status === 'available', value: cluster, state: cluster?.Status ?? 'absent' };
  });
}

export async function waitDbInstanceGone(
  env: AwsEnvironment,
  id: string,
  operation: Operation,
): Promise<void> {
  await waitFor(`DB instance ${id} deleted in ${env.access.region}`, operation, async () => {
    const db = await describeDbInstance(env, id);
    return { done: !db, state: db?.DBInstanceStatus ?? 'deleted' };
  });
}

export async function waitDbClusterGone(
  env: AwsEnvironment,
  id: string,
  operation: Operation,
): Promise<void> {
  await waitFor(`DB cluster ${id} deleted in ${env.access.region}`, operation, async () => {
    const cluster = await describeDbCluster(env, id);
    return { done: !cluster, state: cluster?.Status ?? 'deleted' };
  });
}

/**
 * Renames an instance (ApplyImmediately) unless it already carries the new name, then waits until the
 * new name answers as `available` and the old one is free: RDS frees the old name only at the end.
 */
export async function renameDbInstance(env: AwsEnvironment, from: string, to: string): Promise<DBInstance> {
  const current = await describeDbInstance(env, from);
  if (current && dbId(from) !== dbId(to)) {
    if (current.DBInstanceStatus === 'stopped') {
      throw needsPersonFailure(
        'InvalidParameter',
        `DB instance ${from} in ${env.access.region} is stopped and RDS cannot rename a stopped instance: start it`,
      );
    }
    await call(env, `ModifyDBInstance ${from} → ${to}`, () =>
      env.rds.send(
        new ModifyDBInstanceCommand({
          DBInstanceIdentifier: dbId(from),
          NewDBInstanceIdentifier: dbId(to),
          ApplyImmediately: true,
        }),
      ),
    );
  }
  return waitFor(`rename of DB instance ${from} to ${to}`, 'rds:rename-instance', async () => {
    const [renamed, old] = await Promise.all([describeDbInstance(env, to), describeDbInstance(env, from)]);
    const done = renamed?.DBInstanceStatus === 'available' && (dbId(from) === dbId(to) || !old);
    return { done, value: renamed, state: renamed?.DBInstanceStatus ?? 'renaming' };
  });
}

export async function renameDbCluster(env: AwsEnvironment, from: string, to: string): Promise<DBCluster> {
  const current = await describeDbCluster(env, from);
  if (current && dbId(from) !== dbId(to)) {
    await call(env, `ModifyDBCluster ${from} → ${to}`, () =>
      env.rds.send(
        new ModifyDBClusterCommand({
          DBClusterIdentifier: dbId(from),
          NewDBClusterIdentifier: dbId(to),
          ApplyImmediately: true,
        }),
      ),
    );
  }
  return waitFor(`rename of DB cluster ${from} to ${to}`, 'aurora:rename-cluster', async () => {
    const [renamed, old] = await Promise.all([describeDbCluster(env, to), describeDbCluster(env, from)]);
    const done = renamed?.Status === 'available' && (dbId(from) === dbId(to) || !old);
    return { done, value: renamed, state: renamed?.Status ?? 'renaming' };
  });
}

/**
 * Deletes an instance the plan created (or the live copy in recovery, after its kept final snapshot)
 * and waits until it is gone. Safe to repeat: a deleting or missing instance is not an error.
 */
export async function deleteDbInstance(
  env: AwsEnvironment,
  id: string,
  operation: Operation,
  options: { keepAutomatedBackups?: boolean } = {},
): Promise<void> {
  const db = await describeDbInstance(env, id);
  if (db && db.DBInstanceStatus !== 'deleting') {
    // Aurora members hold no data of their own: final snapshots are the cluster's business.
    const standalone = !db.DBClusterIdentifier;
    await describeOrUndefined(env, `DeleteDBInstance ${id}`, () =>
      env.rds.send(
        new DeleteDBInstanceCommand({
          DBInstanceIdentifier: dbId(id),
          // Callers take a kept snapshot first where the data matters (conclude recovery,
          // compensation after traffic was served); test copies and plan-made copies need none.
          // The live copy in recovery keeps its automated backups (point-in-time restore stays possible).
          ...(standalone
            ? { SkipFinalSnapshot: true, DeleteAutomatedBackups: !options.keepAutomatedBackups }
            : {}),
        }),
      ),
    );
  }
  await waitDbInstanceGone(env, id, operation);
}

/**
 * Deletes a cluster the plan may remove: its instances first (RDS requires it), then the cluster.
 * `mayDelete` guards the instances: a cluster the plan made in primary must not take with it an
 * instance someone else added (it would be deleted with data the plan never copied).
 */
export async function deleteDbCluster(
  env: AwsEnvironment,
  id: string,
  mayDelete: (db: DBInstance) => boolean = () => true,
): Promise<string[]> {
  const cluster = await describeDbCluster(env, id);
  if (!cluster) return [];
  const members = (cluster.DBClusterMembers ?? []).map((m) => m.DBInstanceIdentifier ?? '').filter(Boolean);
  for (const member of members) {
    const db = await describeDbInstance(env, member);
    if (!db) continue;
    if (!mayDelete(db)) {
      throw needsPersonFailure(
        'InvalidParameter',
        `DB cluster ${id} in ${env.access.region} has instance ${member}, which the plan did not create: ` +
          'move or delete it yourself, then retry',
      );
    }
    await deleteDbInstance(env, member, 'rds:delete-instance');
  }
  if (cluster.Status !== 'deleting') {
    await describeOrUndefined(env, `DeleteDBCluster ${id}`, () =>
      env.rds.send(new DeleteDBClusterCommand({ DBClusterIdentifier: dbId(id), SkipFinalSnapshot: true })),
    );
  }
  await waitDbClusterGone(env, id, 'aurora:delete-cluster');
  return [...members, id];
}
