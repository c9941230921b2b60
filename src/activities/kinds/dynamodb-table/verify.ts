import { BatchGetItemCommand, type TableDescription } from '@aws-sdk/client-dynamodb';
import type {
  RecoveryPoint,
  RestoreResult,
  Verification,
  VerificationCheck,
} from '../../../domain/resources.js';
import type { AwsEnvironment } from '../../aws/clients.js';
import { sleep } from '../../aws/heartbeat.js';
import type { KindContext } from '../resource-kind.js';
import { call } from './calls.js';
import { encodeItem, itemDigest, type Item } from './content-hash.js';
import { fingerprint } from './fingerprint.js';
import { settingsOf } from './recovery-point.js';
import { recoveryPointReference, type Reference } from './reference.js';
import type { SampleEntry } from './sample.js';
import { describeTable } from './tables.js';

const MAX_READ_ATTEMPTS = 8;

/** The items with these keys (at most 100: one BatchGetItem), re-asking for UnprocessedKeys with backoff. */
async function readByKey(env: AwsEnvironment, table: string, keys: Item[]): Promise<Item[]> {
  const items: Item[] = [];
  let pending = keys;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= MAX_READ_ATTEMPTS)
      throw new Error(
        `BatchGetItem ${table}: ${pending.length} keys still unprocessed after ${attempt} attempts`,
      );
    if (attempt > 0) await sleep(Math.min(5000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2));
    const out = await call(env, `BatchGetItem ${table}`, () =>
      env.dynamodb.send(
        new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
      ),
    );
    items.push(...((out.Responses?.[table] ?? []) as Item[]));
    pending = (out.UnprocessedKeys?.[table]?.Keys ?? []) as Item[];
  }
  return items;
}

const check = (name: string, expected: string | number, actual: string | number): VerificationCheck => ({
  name,
  expected,
  actual,
  ok: expected === actual,
});

/**
 * How many of `sample` (items of the reference, or only their keys, with each item's content digest)
 * read back from `table` equal, attribute types included.
 */
async function sampledEqual(env: AwsEnvironment, table: string, keyNames: string[], sample: SampleEntry[]) {
  const keyOf = (item: Item) => Object.fromEntries(keyNames.map((k) => [k, item[k]])) as Item;
  const readBack = await readByKey(
    env,
    table,
    sample.map((s) => keyOf(s.item)),
  );
  const found = new Map(readBack.map((item) => [encodeItem(keyOf(item)), itemDigest(item)]));
  return sample.filter((s) => found.get(encodeItem(keyOf(s.item))) === s.digest).length;
}

/**
 * The failback (sources quiesced): source (recovery) against the restored table (primary), item count
 * and order-independent content hash over full consistent scans, a sample of source items read back by
 * key from the target, and the recovery point taken after the quiesce.
 */
async function verifyAgainstSource(
  ctx: KindContext,
  restore: RestoreResult,
  rp: RecoveryPoint,
  quiescedAt?: string,
): Promise<VerificationCheck[]> {
  const source = String(rp.details?.sourceTable ?? ctx.resource.source);
  const target = restore.restored.name;
  const keyNames = settingsOf(rp).keySchema.map((k) => k.AttributeName ?? '');
  const [sourceTable, targetTable] = await Promise.all([
    describeTable(ctx.recovery, source),
    describeTable(ctx.primary, target),
  ]);
  const [expected, actual] = await Promise.all([
    fingerprint(ctx, ctx.recovery, source, sourceTable, keyNames),
    fingerprint(ctx, ctx.primary, target, targetTable),
  ]);
  const sample = expected.sample ?? [];
  const equal = await sampledEqual(ctx.primary, target, keyNames, sample);
  const checks = [
    check('item-count', expected.hash.count, actual.hash.count),
    check('content-hash', expected.hash.hex, actual.hash.hex),
    check('sampled-items-equal', sample.length, equal),
  ];
  if (quiescedAt) {
    checks.push({
      name: 'recovery-point-after-quiesce',
      expected: quiescedAt,
      actual: rp.capturedAt,
      ok: Date.parse(rp.capturedAt) >= Date.parse(quiescedAt),
    });
  }
  return checks;
}

/**
 * The test failback (the recovery table is live and keeps taking writes): the copy against the
 * recovery point it was made from (reference.ts, decision 0037).
 */
async function verifyAgainstRecoveryPoint(
  ctx: KindContext,
  restore: RestoreResult,
  rp: RecoveryPoint,
): Promise<VerificationCheck[]> {
  const target = restore.restored.name;
  const table: TableDescription | undefined = await describeTable(ctx.primary, target);
  const reference: Reference = await recoveryPointReference(ctx, rp, table?.TableArn ?? '');
  const actual = (await fingerprint(ctx, ctx.primary, target, table)).hash;
  const checks: VerificationCheck[] = [];
  if (rp.details?.method === 'restore') {
    checks.push(
      check(
        'restored-from-recovery-point',
        rp.arn ?? rp.id,
        table?.RestoreSummary?.SourceBackupArn ?? 'none',
      ),
    );
    checks.push(
      check('restore-complete', 'false', String(table?.RestoreSummary?.RestoreInProgress ?? false)),
    );
  }
  checks.push(check('item-count', reference.count ?? `unknown (${reference.from})`, actual.count));
  if (reference.hash !== undefined) checks.push(check('content-hash', reference.hash, actual.hex));
  if (reference.sample) {
    const keyNames = settingsOf(rp).keySchema.map((k) => k.AttributeName ?? '');
    const equal = await sampledEqual(ctx.primary, target, keyNames, reference.sample);
    checks.push(check('sampled-items-equal', reference.sample.length, equal));
  }
  return checks;
}

/** Proves the copy: against the quiesced source in the failback, against its recovery point in a test. */
export async function verifyTable(
  ctx: KindContext,
  restore: RestoreResult,
  rp: RecoveryPoint,
  quiescedAt?: string,
): Promise<Verification> {
  const checks =
    ctx.input.phase === 'failback'
      ? await verifyAgainstSource(ctx, restore, rp, quiescedAt)
      : await verifyAgainstRecoveryPoint(ctx, restore, rp);
  return { ok: checks.every((c) => c.ok), checks, at: new Date().toISOString() };
}
