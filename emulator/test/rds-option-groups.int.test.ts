import {
  CopyDBSnapshotCommand,
  CreateDBInstanceCommand,
  CreateDBSnapshotCommand,
  CreateOptionGroupCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBSnapshotAttributeCommand,
  RestoreDBInstanceFromDBSnapshotCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { aws, eventually, failure, freshAccount } from './support.js';

const REGION = 'eu-west-1';
const GROUP = {
  OptionGroupName: 'app-options',
  EngineName: 'postgres',
  MajorEngineVersion: '13',
  OptionGroupDescription: 'the application options',
};

async function available(rds: RDSClient, what: 'instance' | 'snapshot', id: string): Promise<void> {
  await eventually(`${what} ${id} available`, async () => {
    const status =
      what === 'instance'
        ? (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))).DBInstances?.[0]
            ?.DBInstanceStatus
        : (await rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }))).DBSnapshots?.[0]
            ?.Status;
    return status === 'available' ? true : undefined;
  });
}

const groupOf = async (rds: RDSClient, id: string) =>
  (
    await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }))
  ).DBInstances?.[0]?.OptionGroupMemberships?.map((m) => m.OptionGroupName);

describe('RDS option groups across accounts (issue 15)', () => {
  it('a copy of another account’s snapshot keeps none of its option groups unless the copy or the restore names one', async () => {
    const [owner, granted] = [freshAccount(), freshAccount()];
    const source = aws(owner, REGION).rds;
    const target = aws(granted, REGION).rds;
    await source.send(new CreateOptionGroupCommand(GROUP));
    await target.send(new CreateOptionGroupCommand(GROUP));
    await source.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'app-db',
        Engine: 'postgres',
        EngineVersion: '13.7',
        DBInstanceClass: 'db.t3.micro',
        MasterUsername: 'app',
        MasterUserPassword: 'password-123',
        AllocatedStorage: 20,
        OptionGroupName: GROUP.OptionGroupName,
      }),
    );
    await available(source, 'instance', 'app-db');
    const { DBSnapshot } = await source.send(
      new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'app-db', DBSnapshotIdentifier: 'app-db-rp' }),
    );
    await available(source, 'snapshot', 'app-db-rp');
    await source.send(
      new ModifyDBSnapshotAttributeCommand({
        DBSnapshotIdentifier: 'app-db-rp',
        AttributeName: 'restore',
        ValuesToAdd: [granted],
      }),
    );

    // The owner's own restore keeps the group: it is the snapshot's, in the same account.
    await source.send(
      new RestoreDBInstanceFromDBSnapshotCommand({
        DBInstanceIdentifier: 'same',
        DBSnapshotIdentifier: 'app-db-rp',
      }),
    );
    expect(await groupOf(source, 'same')).toEqual([GROUP.OptionGroupName]);

    await target.send(
      new CopyDBSnapshotCommand({
        SourceDBSnapshotIdentifier: DBSnapshot!.DBSnapshotArn!,
        TargetDBSnapshotIdentifier: 'app-db-copy',
      }),
    );
    await available(target, 'snapshot', 'app-db-copy');
    const restore = (id: string, group?: string) =>
      target.send(
        new RestoreDBInstanceFromDBSnapshotCommand({
          DBInstanceIdentifier: id,
          DBSnapshotIdentifier: 'app-db-copy',
          ...(group ? { OptionGroupName: group } : {}),
        }),
      );
    await restore('unnamed');
    expect(await groupOf(target, 'unnamed')).toEqual(['default:postgres-13-7']);
    await restore('named', GROUP.OptionGroupName);
    expect(await groupOf(target, 'named')).toEqual([GROUP.OptionGroupName]);
    expect((await failure(restore('missing', 'no-such-options'))).name).toBe('OptionGroupNotFoundFault');

    // A copy that names the group associates it (it must exist in the copying account).
    const copyNamed = (group: string, id: string) =>
      target.send(
        new CopyDBSnapshotCommand({
          SourceDBSnapshotIdentifier: DBSnapshot!.DBSnapshotArn!,
          TargetDBSnapshotIdentifier: id,
          OptionGroupName: group,
        }),
      );
    expect((await failure(copyNamed('no-such-options', 'bad-copy'))).name).toBe('OptionGroupNotFoundFault');
    await copyNamed(GROUP.OptionGroupName, 'named-copy');
    await available(target, 'snapshot', 'named-copy');
    await target.send(
      new RestoreDBInstanceFromDBSnapshotCommand({
        DBInstanceIdentifier: 'from-named-copy',
        DBSnapshotIdentifier: 'named-copy',
      }),
    );
    expect(await groupOf(target, 'from-named-copy')).toEqual([GROUP.OptionGroupName]);
  });
});
