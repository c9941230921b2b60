import {
  CopyDBClusterSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  DeleteDBClusterSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  ModifyDBClusterSnapshotAttributeCommand,
  paginateDescribeDBClusterSnapshots,
  type DBClusterSnapshot,
} from '@aws-sdk/client-rds';
import { call, describeOrUndefined } from '../shared/calls.js';
import type { DbSnapshotApi, DbSnapshotInfo } from '../shared/db-snapshots.js';

function info(s: DBClusterSnapshot): DbSnapshotInfo {
  return {
    id: s.DBClusterSnapshotIdentifier ?? '',
    arn: s.DBClusterSnapshotArn ?? '',
    status: s.Status ?? 'unknown',
    createdAt: s.SnapshotCreateTime,
    progress: s.PercentProgress === undefined ? undefined : s.PercentProgress / 100,
    tags: s.TagList,
    dbId: s.DBClusterIdentifier,
    encrypted: Boolean(s.StorageEncrypted),
    kmsKeyId: s.KmsKeyId,
    engine: s.Engine,
    engineVersion: s.EngineVersion,
    sourceArn: s.SourceDBClusterSnapshotArn,
  };
}

/** Aurora cluster snapshots (CreateDBClusterSnapshot, CopyDBClusterSnapshot, ModifyDBClusterSnapshotAttribute…). */
export const clusterSnapshotApi: DbSnapshotApi = {
  noun: 'DB cluster snapshot',
  maxId: 63,
  operations: { create: 'aurora:create-snapshot', copy: 'aurora:copy-snapshot' },

  describe: (env, id) =>
    describeOrUndefined(env, `DescribeDBClusterSnapshots ${id}`, async () => {
      const out = await env.rds.send(
        new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: id }),
      );
      const snapshot = out.DBClusterSnapshots?.[0];
      return snapshot ? info(snapshot) : undefined;
    }),

  listManual: (env) =>
    call(env, 'DescribeDBClusterSnapshots (manual)', async () => {
      const all: DbSnapshotInfo[] = [];
      for await (const page of paginateDescribeDBClusterSnapshots(
        { client: env.rds },
        { SnapshotType: 'manual' },
      )) {
        all.push(...(page.DBClusterSnapshots ?? []).map(info));
      }
      return all;
    }),

  create: (env, { id, dbId, tags }) =>
    env.rds.send(
      new CreateDBClusterSnapshotCommand({
        DBClusterSnapshotIdentifier: id,
        DBClusterIdentifier: dbId,
        Tags: tags,
      }),
    ),

  copy: (env, { sourceArn, id, kmsKeyId, tags }) =>
    env.rds.send(
      // From another region, the SDK's RDS middleware presigns the source-region request (PreSignedUrl)
      // from the ARN's region.
      new CopyDBClusterSnapshotCommand({
        SourceDBClusterSnapshotIdentifier: sourceArn,
        TargetDBClusterSnapshotIdentifier: id,
        KmsKeyId: kmsKeyId,
        Tags: tags,
        CopyTags: false,
      }),
    ),

  async share(env, id, accountId) {
    await call(env, `ModifyDBClusterSnapshotAttribute ${id} restore +${accountId}`, () =>
      env.rds.send(
        new ModifyDBClusterSnapshotAttributeCommand({
          DBClusterSnapshotIdentifier: id,
          AttributeName: 'restore',
          ValuesToAdd: [accountId],
        }),
      ),
    );
  },

  async remove(env, id) {
    await describeOrUndefined(env, `DeleteDBClusterSnapshot ${id}`, () =>
      env.rds.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: id })),
    );
  },
};
