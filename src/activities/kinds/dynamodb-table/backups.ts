import {
  CreateBackupCommand,
  DeleteBackupCommand,
  DescribeBackupCommand,
  ListBackupsCommand,
  type BackupSummary,
} from '@aws-sdk/client-dynamodb';
import type { AwsEnvironment } from '../../aws/clients.js';
import { expectedMs } from '../../aws/durations.js';
import { pollUntil, timeScale, WaitFailed } from '../../aws/polling.js';
import { remember, stickyDetails } from '../../aws/heartbeat.js';
import { call, callMaybe } from './calls.js';
import { isKeptBackupName } from './names.js';

export interface BackupRef {
  arn: string;
  name: string;
  tableName: string;
  createdAt: string;
  /** DescribeBackup only: the table it was taken of (which incarnation). */
  source?: { TableId?: string; TableCreationDateTime?: Date; ItemCount?: number };
}

const toRef = (b: BackupSummary): BackupRef => ({
  arn: b.BackupArn ?? '',
  name: b.BackupName ?? '',
  tableName: b.TableName ?? '',
  createdAt: (b.BackupCreationDateTime ?? new Date()).toISOString(),
});

/** The user backups of `tableName` named `name` (backups outlive their table, so this works after a delete). */
async function findBackups(env: AwsEnvironment, tableName: string, name: string): Promise<BackupRef[]> {
  const found: BackupRef[] = [];
  let ExclusiveStartBackupArn: string | undefined;
  do {
    const out = await call(env, `ListBackups ${tableName}`, () =>
      env.dynamodb.send(
        new ListBackupsCommand({ TableName: tableName, BackupType: 'USER', ExclusiveStartBackupArn }),
      ),
    );
    for (const b of out.BackupSummaries ?? [])
      if (b.BackupName === name && b.BackupStatus !== 'DELETED') found.push(toRef(b));
    ExclusiveStartBackupArn = out.LastEvaluatedBackupArn;
  } while (ExclusiveStartBackupArn);
  return found;
}

/**
 * The backup named `name` of `tableName`: the one this activity (or its previous attempt) created,
 * by the ARN CreateBackup answered (kept in the heartbeat: ListBackups need not list a new backup at
 * once, item 13), else the first ListBackups finds by the plan-derived name.
 */
export async function findBackup(
  env: AwsEnvironment,
  tableName: string,
  name: string,
): Promise<BackupRef | undefined> {
  const arn = madeHere(env, name);
  if (arn) {
    const known = await describeBackup(env, arn);
    if (known && known.name === name) return known;
  }
  return (await findBackups(env, tableName, name))[0];
}

interface BackupProgress {
  /** Backups this activity created, by `<account>/<region>/<name>`: their ARN as CreateBackup answered. */
  createdBackups?: Record<string, string>;
}

const keyOf = (env: AwsEnvironment, name: string) => `${env.access.accountId}/${env.access.region}/${name}`;

function madeHere(env: AwsEnvironment, name: string): string | undefined {
  return (stickyDetails() as BackupProgress).createdBackups?.[keyOf(env, name)];
}

/** A backup by ARN (DescribeBackup is consistent), undefined when gone or deleted. */
export async function describeBackup(env: AwsEnvironment, arn: string): Promise<BackupRef | undefined> {
  const out = await callMaybe(env, `DescribeBackup ${arn}`, () =>
    env.dynamodb.send(new DescribeBackupCommand({ BackupArn: arn })),
  );
  const d = out?.BackupDescription?.BackupDetails;
  if (!d || d.BackupStatus === 'DELETED') return undefined;
  const source = out?.BackupDescription?.SourceTableDetails;
  return {
    arn: d.BackupArn ?? arn,
    name: d.BackupName ?? '',
    tableName: source?.TableName ?? '',
    createdAt: (d.BackupCreationDateTime ?? new Date()).toISOString(),
    source: {
      ...(source?.TableId ? { TableId: source.TableId } : {}),
      ...(source?.TableCreationDateTime ? { TableCreationDateTime: source.TableCreationDateTime } : {}),
      ...(source?.ItemCount !== undefined ? { ItemCount: source.ItemCount } : {}),
    },
  };
}

/** Waits (heartbeating) until the backup is AVAILABLE: nothing is deleted on the strength of one CREATING. */
async function waitAvailable(env: AwsEnvironment, ref: BackupRef): Promise<void> {
  await pollUntil(
    `backup ${ref.name} AVAILABLE`,
    async () => {
      const out = await call(env, `DescribeBackup ${ref.name}`, () =>
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
}

/**
 * CreateBackup has no client token: an earlier attempt's backup is found by its (plan-derived) name
 * first. Waits until AVAILABLE — nothing may be deleted on the strength of a backup still CREATING.
 * A backup this call made is then settled against the ones ListBackups did not list yet.
 */
export async function ensureBackup(env: AwsEnvironment, tableName: string, name: string): Promise<BackupRef> {
  const existing = await findBackup(env, tableName, name);
  if (existing) {
    await waitAvailable(env, existing);
    return existing;
  }
  const made = await call(env, `CreateBackup ${name} of ${tableName}`, async () => {
    const out = await env.dynamodb.send(new CreateBackupCommand({ TableName: tableName, BackupName: name }));
    const d = out.BackupDetails;
    const ref = {
      arn: d?.BackupArn ?? '',
      name,
      tableName,
      createdAt: (d?.BackupCreationDateTime ?? new Date()).toISOString(),
    };
    // At once: a retry finds it by this ARN even while ListBackups does not list it yet.
    rememberBackup(env, name, ref.arn);
    return ref;
  });
  await waitAvailable(env, made);
  return settleDuplicate(env, tableName, name, made);
}

function rememberBackup(env: AwsEnvironment, name: string, arn: string): void {
  const createdBackups = { ...(stickyDetails() as BackupProgress).createdBackups };
  createdBackups[keyOf(env, name)] = arn;
  remember({ createdBackups });
}

/** How long a new backup may take to appear in ListBackups before the check is given up (unscaled). */
const LISTING_TIMEOUT_MS = 60_000;

const before = (a: BackupRef, b: BackupRef) =>
  a.createdAt < b.createdAt || (a.createdAt === b.createdAt && a.arn < b.arn);

/**
 * ListBackups is eventually consistent (decision 0039): a retry that lost its predecessor's answer and
 * heartbeat may not see that backup and make a second of the same name. Once ListBackups lists the
 * one this call made it lists the older ones too, so: an older backup of that name is what a
 * consistent ListBackups would have given this call — it is returned, and this call's own (and only
 * that: an older one may be what an earlier attempt returned) deleted, unless it is a `keep-*` backup
 * (never deleted). Not listed in time: this call's is returned (a recovery point's duplicates go at
 * cleanup, which deletes every backup of the name).
 */
async function settleDuplicate(
  env: AwsEnvironment,
  tableName: string,
  name: string,
  made: BackupRef,
): Promise<BackupRef> {
  let listed: BackupRef[];
  try {
    listed = await pollUntil(
      `backup ${name} listed`,
      async () => {
        const found = await findBackups(env, tableName, name);
        const done = found.some((b) => b.arn === made.arn);
        return { done, value: found, state: done ? 'listed' : 'not listed yet' };
      },
      { expectedMs: 2_000 * timeScale(), timeoutMs: LISTING_TIMEOUT_MS, details: stickyDetails() },
    );
  } catch (error) {
    if (error instanceof WaitFailed) return made;
    throw error;
  }
  // Compared as ListBackups answers both (CreateBackup's own timestamp may be rounded otherwise).
  const self = listed.find((b) => b.arn === made.arn) ?? made;
  const oldest = listed
    .filter((b) => b.arn !== made.arn && before(b, self))
    .sort((a, b) => (before(a, b) ? -1 : 1))[0];
  if (!oldest) return made;
  await waitAvailable(env, oldest);
  rememberBackup(env, name, oldest.arn);
  // The plan never deletes a backup it keeps (primary's role may not delete backups at all).
  if (isKeptBackupName(name)) return oldest;
  await callMaybe(env, `DeleteBackup ${made.arn} (a second backup named ${name})`, () =>
    env.dynamodb.send(new DeleteBackupCommand({ BackupArn: made.arn })),
  );
  return oldest;
}

/**
 * Deletes the backups of that exact name (a retry that could not see its first attempt's backup may
 * have made a second); the ARN of one, if any existed. Callers never pass `keep-*` names.
 */
export async function deleteBackupNamed(
  env: AwsEnvironment,
  tableName: string,
  name: string,
): Promise<string | undefined> {
  const known = madeHere(env, name);
  const found = await findBackups(env, tableName, name);
  const arns = [...new Set([...(known ? [known] : []), ...found.map((b) => b.arn)])];
  for (const arn of arns)
    await callMaybe(env, `DeleteBackup ${name}`, () =>
      env.dynamodb.send(new DeleteBackupCommand({ BackupArn: arn })),
    );
  return arns[0];
}
