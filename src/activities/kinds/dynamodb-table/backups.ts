import {
  CreateBackupCommand,
  DeleteBackupCommand,
  DescribeBackupCommand,
  ListBackupsCommand,
  type BackupSummary,
} from '@aws-sdk/client-dynamodb';
import type { AwsEnvironment } from '../../aws/clients.js';
import { expectedMs } from '../../aws/durations.js';
import { pollUntil } from '../../aws/polling.js';
import { stickyDetails } from '../../aws/heartbeat.js';
import { call, callMaybe } from './calls.js';

export interface BackupRef {
  arn: string;
  name: string;
  tableName: string;
  createdAt: string;
}

const toRef = (b: BackupSummary): BackupRef => ({
  arn: b.BackupArn ?? '',
  name: b.BackupName ?? '',
  tableName: b.TableName ?? '',
  createdAt: (b.BackupCreationDateTime ?? new Date()).toISOString(),
});

/** A user backup of `tableName` named `name` (backups outlive their table, so this works after a delete). */
export async function findBackup(
  env: AwsEnvironment,
  tableName: string,
  name: string,
): Promise<BackupRef | undefined> {
  let ExclusiveStartBackupArn: string | undefined;
  do {
    const out = await call(env, `ListBackups ${tableName}`, () =>
      env.dynamodb.send(
        new ListBackupsCommand({ TableName: tableName, BackupType: 'USER', ExclusiveStartBackupArn }),
      ),
    );
    const found = out.BackupSummaries?.find((b) => b.BackupName === name && b.BackupStatus !== 'DELETED');
    if (found) return toRef(found);
    ExclusiveStartBackupArn = out.LastEvaluatedBackupArn;
  } while (ExclusiveStartBackupArn);
  return undefined;
}

/**
 * CreateBackup has no client token: an earlier attempt's backup is found by its (plan-derived) name
 * first. Waits until AVAILABLE — nothing may be deleted on the strength of a backup still CREATING.
 */
export async function ensureBackup(env: AwsEnvironment, tableName: string, name: string): Promise<BackupRef> {
  const existing = await findBackup(env, tableName, name);
  const ref =
    existing ??
    (await call(env, `CreateBackup ${name} of ${tableName}`, async () => {
      const out = await env.dynamodb.send(
        new CreateBackupCommand({ TableName: tableName, BackupName: name }),
      );
      const d = out.BackupDetails;
      return {
        arn: d?.BackupArn ?? '',
        name,
        tableName,
        createdAt: (d?.BackupCreationDateTime ?? new Date()).toISOString(),
      };
    }));
  await pollUntil(
    `backup ${name} AVAILABLE`,
    async () => {
      const out = await call(env, `DescribeBackup ${name}`, () =>
        env.dynamodb.send(new DescribeBackupCommand({ BackupArn: ref.arn })),
      );
      const status = out.BackupDescription?.BackupDetails?.BackupStatus;
      return {
        done: status === 'AVAILABLE',
        state: status,
        ...(status === 'DELETED' ? { failed: 'deleted' } : {}),
      };
    },
    { expectedMs: expectedMs('dynamodb:create-backup'), details: stickyDetails() },
  );
  return ref;
}

/** Deletes one backup by name; true if it existed. Callers never pass `keep-*` names. */
export async function deleteBackupNamed(
  env: AwsEnvironment,
  tableName: string,
  name: string,
): Promise<string | undefined> {
  const backup = await findBackup(env, tableName, name);
  if (!backup) return undefined;
  await callMaybe(env, `DeleteBackup ${name}`, () =>
    env.dynamodb.send(new DeleteBackupCommand({ BackupArn: backup.arn })),
  );
  return backup.arn;
}
