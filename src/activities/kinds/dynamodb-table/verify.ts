import { BatchGetItemCommand } from '@aws-sdk/client-dynamodb';
import type {
  RecoveryPoint,
  RestoreResult,
  Verification,
  VerificationCheck,
} from '../../../domain/resources.js';
import type { AwsEnvironment } from '../../aws/clients.js';
import { heartbeat, sleep } from '../../aws/heartbeat.js';
import type { KindContext } from '../resource-kind.js';
import { call } from './calls.js';
import { encodeItem, itemDigest, type Item } from './content-hash.js';
import { settingsOf } from './recovery-point.js';
import { combine, parallelScan, segmentsFor } from './scan.js';
import { describeTable } from './tables.js';

const SAMPLE_SIZE = 25;

/** A bottom-k sample: the items with the smallest content digests, a uniform, reproducible choice. */
class Sample {
  readonly items: Array<{ digest: bigint; item: Item }> = [];
  offer(digest: bigint, item: Item): void {
    if (this.items.length === SAMPLE_SIZE && digest >= (this.items.at(-1)?.digest ?? 0n)) return;
    this.items.push({ digest, item });
    this.items.sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
    if (this.items.length > SAMPLE_SIZE) this.items.pop();
  }
}

async function fingerprint(env: AwsEnvironment, table: string, sample?: Sample) {
  const description = await describeTable(env, table);
  const state = await parallelScan(env, table, {
    totalSegments: segmentsFor(description?.TableSizeBytes),
    concurrency: 4,
    // A full scan of a large table outlasts the heartbeat timeout: beat per page, or the attempt is
    // declared lost and restarted from scratch, again and again.
    onProgress: (segments) =>
      heartbeat({
        verifying: table,
        scanned: segments.reduce((n, s) => n + s.count, 0),
        expectedItems: description?.ItemCount ?? null,
      }),
    ...(sample
      ? {
          onPage: (_s: number, items: Item[]) => {
            items.forEach((item) => sample.offer(itemDigest(item), item));
            return Promise.resolve();
          },
        }
      : {}),
  });
  return combine(state);
}

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
 * Source (recovery) against the restored table (primary): item count and order-independent content
 * hash over full consistent scans, and a sample of source items read back by key from the target (one
 * BatchGetItem, consistent reads).
 */
export async function verifyTable(
  ctx: KindContext,
  restore: RestoreResult,
  rp: RecoveryPoint,
  quiescedAt?: string,
): Promise<Verification> {
  const source = String(rp.details?.sourceTable ?? ctx.resource.source);
  const target = restore.restored.name;
  const keyNames = settingsOf(rp).keySchema.map((k) => k.AttributeName ?? '');
  const sample = new Sample();
  const [expected, actual] = await Promise.all([
    fingerprint(ctx.recovery, source, sample),
    fingerprint(ctx.primary, target),
  ]);
  const readBack = await readByKey(
    ctx.primary,
    target,
    sample.items.map(({ item }) => Object.fromEntries(keyNames.map((k) => [k, item[k]])) as Item),
  );
  const keyOf = (item: Item) => encodeItem(Object.fromEntries(keyNames.map((k) => [k, item[k]])) as Item);
  const found = new Map(readBack.map((item) => [keyOf(item), encodeItem(item)]));
  const sampledEqual = sample.items.filter(({ item }) => found.get(keyOf(item)) === encodeItem(item)).length;
  const checks = [
    check('item-count', expected.count, actual.count),
    check('content-hash', expected.hex, actual.hex),
    check('sampled-items-equal', sample.items.length, sampledEqual),
  ];
  if (quiescedAt) {
    checks.push({
      name: 'recovery-point-after-quiesce',
      expected: quiescedAt,
      actual: rp.capturedAt,
      ok: Date.parse(rp.capturedAt) >= Date.parse(quiescedAt),
    });
  }
  return { ok: checks.every((c) => c.ok), checks, at: new Date().toISOString() };
}
