import {
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBInstanceCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import { aws, eventually, failure, freshAccount } from './support.js';

const REGION = 'eu-west-1';

async function settled(rds: RDSClient, id: string) {
  return eventually(`instance ${id} available`, async () => {
    const db = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })))
      .DBInstances?.[0];
    return db?.DBInstanceStatus === 'available' ? db : undefined;
  });
}

/** A manual snapshot of `id`, once available. */
async function snapshotted(rds: RDSClient, id: string, snapshot: string): Promise<void> {
  await rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: id, DBSnapshotIdentifier: snapshot }));
  await eventually('snapshot available', async () =>
    (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: snapshot }))).DBSnapshots?.[0]
      ?.Status === 'available'
      ? true
      : undefined,
  );
}

const MONITORING_TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'monitoring.rds.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});

const monitoring = (db: {
  MonitoringInterval?: number;
  MonitoringRoleArn?: string;
  PerformanceInsightsEnabled?: boolean;
}) => ({
  interval: db.MonitoringInterval ?? 0,
  role: db.MonitoringRoleArn ?? null,
  insights: db.PerformanceInsightsEnabled ?? false,
});

describe('RDS enhanced monitoring and Performance Insights (issue 15)', () => {
  it('are kept through create, modify and describe, and dropped by a restore from a snapshot', async () => {
    const account = freshAccount();
    const { rds, iam } = aws(account, REGION);
    const role = (
      await iam.send(
        new CreateRoleCommand({ RoleName: 'rds-monitoring', AssumeRolePolicyDocument: MONITORING_TRUST }),
      )
    ).Role!.Arn!;
    const create = (id: string, extra: Record<string, unknown>) =>
      rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: id,
          Engine: 'postgres',
          DBInstanceClass: 'db.t3.micro',
          MasterUsername: 'app',
          MasterUserPassword: 'password-123',
          AllocatedStorage: 20,
          ...extra,
        }),
      );
    const noRole = await failure(create('no-role', { MonitoringInterval: 60 }));
    expect(noRole.name).toBe('InvalidParameterCombination');

    await create('watched', {
      MonitoringInterval: 60,
      MonitoringRoleArn: role,
      EnablePerformanceInsights: true,
    });
    expect(monitoring(await settled(rds, 'watched'))).toEqual({ interval: 60, role, insights: true });

    await snapshotted(rds, 'watched', 'rp');
    await rds.send(
      new RestoreDBInstanceFromDBSnapshotCommand({
        DBInstanceIdentifier: 'copy',
        DBSnapshotIdentifier: 'rp',
      }),
    );
    expect(monitoring(await settled(rds, 'copy'))).toEqual({ interval: 0, role: null, insights: false });

    // Turned on after the restore, as the report's fix says.
    await rds.send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: 'copy',
        MonitoringInterval: 30,
        MonitoringRoleArn: role,
        EnablePerformanceInsights: true,
        ApplyImmediately: true,
      }),
    );
    expect(monitoring(await settled(rds, 'copy'))).toEqual({ interval: 30, role, insights: true });
  });

  it('Performance Insights keeps its retention (7 days unless given; only 7, 31 × months, 731), a restore drops it', async () => {
    const account = freshAccount();
    const { rds } = aws(account, REGION);
    const create = (id: string, extra: Record<string, unknown>) =>
      rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: id,
          Engine: 'postgres',
          DBInstanceClass: 'db.t3.micro',
          MasterUsername: 'app',
          MasterUserPassword: 'password-123',
          AllocatedStorage: 20,
          ...extra,
        }),
      );
    const odd = await failure(
      create('odd', { EnablePerformanceInsights: true, PerformanceInsightsRetentionPeriod: 30 }),
    );
    expect(odd.name).toBe('InvalidParameterValue');
    await create('kept', { EnablePerformanceInsights: true, PerformanceInsightsRetentionPeriod: 731 });
    await create('free', { EnablePerformanceInsights: true });
    await create('off', {});
    const retention = async (id: string) => (await settled(rds, id)).PerformanceInsightsRetentionPeriod;
    expect([await retention('kept'), await retention('free'), await retention('off')]).toEqual([
      731,
      7,
      undefined,
    ]);
    await snapshotted(rds, 'kept', 'kept-rp');
    await rds.send(
      new RestoreDBInstanceFromDBSnapshotCommand({
        DBInstanceIdentifier: 'kept-copy',
        DBSnapshotIdentifier: 'kept-rp',
      }),
    );
    expect(await retention('kept-copy')).toBeUndefined();
    await rds.send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: 'kept-copy',
        EnablePerformanceInsights: true,
        PerformanceInsightsRetentionPeriod: 93,
        ApplyImmediately: true,
      }),
    );
    expect(await retention('kept-copy')).toBe(93);
  });
});
