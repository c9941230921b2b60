import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DescribeDBClustersCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBClusterCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  ModifyDBInstanceCommand,
  ModifyDBSnapshotAttributeCommand,
  RestoreDBClusterFromSnapshotCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  type DBCluster,
  type DBInstance,
} from '@aws-sdk/client-rds';
import type { AwsEnvironment } from '../../../src/activities/aws/clients.js';
import type { ResourceSpec } from '../../../src/domain/plan-spec.js';
import { cliWait, errorCode, retiredId, type Runbook } from './steps.js';

async function dbInstance(env: AwsEnvironment, id: string): Promise<DBInstance | undefined> {
  try {
    return (await env.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })))
      .DBInstances?.[0];
  } catch (error) {
    if (errorCode(error) === 'DBInstanceNotFoundFault') return undefined;
    throw error;
  }
}

async function dbCluster(env: AwsEnvironment, id: string): Promise<DBCluster | undefined> {
  try {
    return (await env.rds.send(new DescribeDBClustersCommand({ DBClusterIdentifier: id }))).DBClusters?.[0];
  } catch (error) {
    if (errorCode(error) === 'DBClusterNotFoundFault') return undefined;
    throw error;
  }
}

const instanceAvailable = (runbook: Runbook, env: AwsEnvironment, id: string) =>
  cliWait(runbook, `DB instance ${id} available`, 'rds', async () =>
    (await dbInstance(env, id))?.DBInstanceStatus === 'available' ? true : undefined,
  );

/** ModifyDBInstance to `<id>-pre-failback-<date>`, then wait until the new name is up and the old one free. */
async function renameInstance(runbook: Runbook, id: string): Promise<void> {
  const to = retiredId(id);
  await runbook.primary.rds.send(
    new ModifyDBInstanceCommand({
      DBInstanceIdentifier: id,
      NewDBInstanceIdentifier: to,
      ApplyImmediately: true,
    }),
  );
  await cliWait(runbook, `rename of ${id}`, 'rds', async () => {
    const [renamed, old] = await Promise.all([
      dbInstance(runbook.primary, to),
      dbInstance(runbook.primary, id),
    ]);
    return renamed?.DBInstanceStatus === 'available' && !old ? true : undefined;
  });
}

/**
 * An RDS instance by hand: snapshot, share, copy into primary's region, rename the old primary
 * instance, restore under its name, check it is available.
 */
export async function failBackDbInstance(runbook: Runbook, resource: ResourceSpec): Promise<void> {
  const { recovery, primary } = runbook;
  const snapshotId = `${runbook.runId}-${resource.source}`;
  await recovery.rds.send(
    new CreateDBSnapshotCommand({ DBSnapshotIdentifier: snapshotId, DBInstanceIdentifier: resource.source }),
  );
  const snapshot = await cliWait(runbook, `DB snapshot ${snapshotId} available`, 'rds', async () => {
    const s = (await recovery.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshotId })))
      .DBSnapshots?.[0];
    return s?.Status === 'available' ? s : undefined;
  });
  await recovery.rds.send(
    new ModifyDBSnapshotAttributeCommand({
      DBSnapshotIdentifier: snapshotId,
      AttributeName: 'restore',
      ValuesToAdd: [runbook.primaryAccount],
    }),
  );
  const copyId = `${snapshotId}-copy`;
  await primary.rds.send(
    new CopyDBSnapshotCommand({
      SourceDBSnapshotIdentifier: snapshot.DBSnapshotArn,
      TargetDBSnapshotIdentifier: copyId,
    }),
  );
  await cliWait(runbook, `DB snapshot copy ${copyId} available`, 'rds', async () => {
    const s = (await primary.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: copyId })))
      .DBSnapshots?.[0];
    return s?.Status === 'available' ? true : undefined;
  });
  if (await dbInstance(primary, resource.target)) await renameInstance(runbook, resource.target);
  await primary.rds.send(
    new RestoreDBInstanceFromDBSnapshotCommand({
      DBInstanceIdentifier: resource.target,
      DBSnapshotIdentifier: copyId,
    }),
  );
  await instanceAvailable(runbook, primary, resource.target);
}

/**
 * An Aurora cluster by hand: cluster snapshot, share, copy, rename the old cluster's instances and
 * the cluster, restore the cluster, create the writer and the readers the source had.
 */
export async function failBackCluster(runbook: Runbook, resource: ResourceSpec): Promise<void> {
  const { recovery, primary } = runbook;
  const source = await dbCluster(recovery, resource.source);
  const snapshotId = `${runbook.runId}-${resource.source}`;
  await recovery.rds.send(
    new CreateDBClusterSnapshotCommand({
      DBClusterSnapshotIdentifier: snapshotId,
      DBClusterIdentifier: resource.source,
    }),
  );
  const snapshot = await cliWait(runbook, `cluster snapshot ${snapshotId} available`, 'rds', async () => {
    const out = await recovery.rds.send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: snapshotId }),
    );
    const s = out.DBClusterSnapshots?.[0];
    return s?.Status === 'available' ? s : undefined;
  });
  await recovery.rds.send(
    new ModifyDBClusterSnapshotAttributeCommand({
      DBClusterSnapshotIdentifier: snapshotId,
      AttributeName: 'restore',
      ValuesToAdd: [runbook.primaryAccount],
    }),
  );
  const copyId = `${snapshotId}-copy`;
  await primary.rds.send(
    new CopyDBClusterSnapshotCommand({
      SourceDBClusterSnapshotIdentifier: snapshot.DBClusterSnapshotArn,
      TargetDBClusterSnapshotIdentifier: copyId,
    }),
  );
  await cliWait(runbook, `cluster snapshot copy ${copyId} available`, 'rds', async () => {
    const out = await primary.rds.send(
      new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: copyId }),
    );
    return out.DBClusterSnapshots?.[0]?.Status === 'available' ? true : undefined;
  });

  const old = await dbCluster(primary, resource.target);
  if (old) {
    for (const member of old.DBClusterMembers ?? [])
      await renameInstance(runbook, member.DBInstanceIdentifier!);
    const to = retiredId(resource.target);
    await primary.rds.send(
      new ModifyDBClusterCommand({
        DBClusterIdentifier: resource.target,
        NewDBClusterIdentifier: to,
        ApplyImmediately: true,
      }),
    );
    await cliWait(runbook, `rename of cluster ${resource.target}`, 'rds', async () => {
      const [renamed, previous] = await Promise.all([
        dbCluster(primary, to),
        dbCluster(primary, resource.target),
      ]);
      return renamed?.Status === 'available' && !previous ? true : undefined;
    });
  }
  await primary.rds.send(
    new RestoreDBClusterFromSnapshotCommand({
      DBClusterIdentifier: resource.target,
      SnapshotIdentifier: copyId,
      Engine: snapshot.Engine,
    }),
  );
  await cliWait(runbook, `cluster ${resource.target} available`, 'rds', async () =>
    (await dbCluster(primary, resource.target))?.Status === 'available' ? true : undefined,
  );
  const members = (source?.DBClusterMembers ?? []).length || 1;
  for (let i = 1; i <= members; i++) {
    const id = `${resource.target}-${i}`;
    await primary.rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: id,
        DBClusterIdentifier: resource.target,
        Engine: snapshot.Engine,
        DBInstanceClass: 'db.r6g.large',
      }),
    );
    // The writer first (the first available instance of a restored cluster becomes its writer).
    if (i === 1) await instanceAvailable(runbook, primary, id);
  }
  for (let i = 2; i <= members; i++) await instanceAvailable(runbook, primary, `${resource.target}-${i}`);
}
