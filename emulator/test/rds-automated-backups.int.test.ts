import {
  CreateDBClusterCommand,
  CreateDBInstanceCommand,
  DeleteDBClusterCommand,
  DescribeDBClusterSnapshotsCommand,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBInstanceCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { aws, eventually, freshAccount } from './support.js';

// Automated backups belong to their DB instance (its DbiResourceId), whatever name it has: deleting
// another instance under the same name later must not take them (moto matched them by name).
async function create(rds: RDSClient, id: string): Promise<string> {
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      Engine: 'postgres',
      DBInstanceClass: 'db.t3.micro',
      AllocatedStorage: 20,
      MasterUsername: 'app',
      MasterUserPassword: 'not-a-secret-1',
    }),
  );
  return eventually(`${id} available`, async () => {
    const d = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances?.[0];
    return d?.DBInstanceStatus === 'available' ? d.DbiResourceId! : undefined;
  });
}

const automated = async (rds: RDSClient) =>
  ((await rds.send(new DescribeDBSnapshotsCommand({ SnapshotType: 'automated' }))).DBSnapshots ?? []).map(
    (s) => s.DBSnapshotIdentifier,
  );

describe('RDS automated backups', () => {
  it('stay with their instance when another one of the same name is deleted', async () => {
    const { rds } = aws(freshAccount(), 'us-east-1');
    await create(rds, 'shop-db');
    const original = await automated(rds);
    expect(original).toHaveLength(1);
    await rds.send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: 'shop-db',
        NewDBInstanceIdentifier: 'shop-db-old',
        ApplyImmediately: true,
      }),
    );
    await eventually('renamed', async () => {
      const d = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'shop-db-old' })))
        .DBInstances?.[0];
      return d?.DBInstanceStatus === 'available' ? true : undefined;
    });
    await eventually('the old name free', async () => {
      try {
        return await create(rds, 'shop-db');
      } catch (error) {
        if ((error as Error).name === 'DBInstanceAlreadyExistsFault') return undefined;
        throw error;
      }
    });
    await rds.send(
      new DeleteDBInstanceCommand({
        DBInstanceIdentifier: 'shop-db',
        SkipFinalSnapshot: true,
        DeleteAutomatedBackups: true,
      }),
    );
    expect(await automated(rds)).toEqual(original);
    await rds.send(
      new DeleteDBInstanceCommand({ DBInstanceIdentifier: 'shop-db-old', SkipFinalSnapshot: true }),
    );
    expect(await automated(rds)).toEqual([]);
  });

  it('Aurora: backed up per cluster, not per member; DeleteDBCluster removes them unless told to keep them', async () => {
    const { rds } = aws(freshAccount(), 'us-east-1');
    const clusterBackups = async () =>
      (
        (await rds.send(new DescribeDBClusterSnapshotsCommand({ SnapshotType: 'automated' })))
          .DBClusterSnapshots ?? []
      ).map((s) => s.DBClusterIdentifier);
    for (const id of ['gone', 'kept']) {
      await rds.send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: id,
          Engine: 'aurora-postgresql',
          MasterUsername: 'app',
          MasterUserPassword: 'not-a-secret-1',
        }),
      );
      await rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: `${id}-writer`,
          DBClusterIdentifier: id,
          Engine: 'aurora-postgresql',
          DBInstanceClass: 'db.r6g.large',
        }),
      );
    }
    expect(await automated(rds)).toEqual([]);
    expect((await clusterBackups()).sort()).toEqual(['gone', 'kept']);
    for (const id of ['gone', 'kept']) {
      await rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: `${id}-writer` }));
      await rds.send(
        new DeleteDBClusterCommand({
          DBClusterIdentifier: id,
          SkipFinalSnapshot: true,
          ...(id === 'kept' ? { DeleteAutomatedBackups: false } : {}),
        }),
      );
    }
    expect(await clusterBackups()).toEqual(['kept']);
  });
});
