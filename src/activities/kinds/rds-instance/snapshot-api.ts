import {
  CopyDBSnapshotCommand,
  CreateDBSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBSnapshotsCommand,
  ModifyDBSnapshotAttributeCommand,
  paginateDescribeDBSnapshots,
  type DBSnapshot,
} from '@aws-sdk/client-rds';
import { call, describeOrUndefined } from '../shared/calls.js';
import type { DbSnapshotApi, DbSnapshotInfo } from '../shared/db-snapshots.js';

function info(s: DBSnapshot): DbSnapshotInfo {
  return {
    id: s.DBSnapshotIdentifier ?? '',
    arn: s.DBSnapshotArn ?? '',
    status: s.Status ?? 'unknown',
    createdAt: s.SnapshotCreateTime,
    originalCreatedAt: s.OriginalSnapshotCreateTime,
    progress: s.PercentProgress === undefined ? undefined : s.PercentProgress / 100,
    tags: s.TagList,
    dbId: s.DBInstanceIdentifier,
    encrypted: Boolean(s.Encrypted),
    kmsKeyId: s.KmsKeyId,
    engine: s.Engine,
    engineVersion: s.EngineVersion,
    sourceArn: s.SourceDBSnapshotIdentifier,
  };
}

/** DB instance snapshots (CreateDBSnapshot, CopyDBSnapshot, ModifyDBSnapshotAttribute…). */
export const dbSnapshotApi: DbSnapshotApi = {
  noun: 'DB snapshot',
  maxId: 255,
  operations: { create: 'rds:create-snapshot', copy: 'rds:copy-snapshot' },

  describe: (env, id) =>
    describeOrUndefined(env, `DescribeDBSnapshots ${id}`, async () => {
      const out = await env.rds.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }));
      const snapshot = out.DBSnapshots?.[0];
      return snapshot ? info(snapshot) : undefined;
    }),

  listManual: (env) =>
    call(env, 'DescribeDBSnapshots (manual)', async () => {
      const all: DbSnapshotInfo[] = [];
      for await (const page of paginateDescribeDBSnapshots({ client: env.rds }, { SnapshotType: 'manual' })) {
        all.push(...(page.DBSnapshots ?? []).map(info));
      }
      return all;
    }),

  create: (env, { id, dbId, tags }) =>
    env.rds.send(
      new CreateDBSnapshotCommand({ DBSnapshotIdentifier: id, DBInstanceIdentifier: dbId, Tags: tags }),
    ),

  copy: (env, { sourceArn, id, kmsKeyId, tags }) =>
    env.rds.send(
      // From another region, the SDK's RDS middleware presigns the source-region request (PreSignedUrl)
      // from the ARN's region.
      new CopyDBSnapshotCommand({
        SourceDBSnapshotIdentifier: sourceArn,
        TargetDBSnapshotIdentifier: id,
        KmsKeyId: kmsKeyId,
        Tags: tags,
        CopyTags: false,
      }),
    ),

  async share(env, id, accountId) {
    await call(env, `ModifyDBSnapshotAttribute ${id} restore +${accountId}`, () =>
      env.rds.send(
        new ModifyDBSnapshotAttributeCommand({
          DBSnapshotIdentifier: id,
          AttributeName: 'restore',
          ValuesToAdd: [accountId],
        }),
      ),
    );
  },

  async remove(env, id) {
    await describeOrUndefined(env, `DeleteDBSnapshot ${id}`, () =>
      env.rds.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id })),
    );
  },
};
