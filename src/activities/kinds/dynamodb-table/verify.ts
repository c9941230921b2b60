import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type {
  RecoveryPoint,
  RestoreResult,
  Verification,
  VerificationCheck,
} from '../../../domain/resources.js';
import type { AwsEnvironment } from '../../aws/clients.js';
import { heartbeat } from '../../aws/heartbeat.js';
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
    // A large table takes longer to read than the heartbeat timeout: each page proves progress.
    onProgress: (segments) =>
      heartbeat({ verifying: table, items: segments.reduce((n, s) => n + s.count, 0) }),
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

const check = (name: string, expected: string | number, actual: string | number): VerificationCheck => ({
  name,
  expected,
  actual,
  ok: expected === actual,
});

/**
 * Source (recovery) against the restored table (primary): item count and order-independent content
 * hash over full consistent scans, and a sample of source items read back by key from the target.
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
  let sampledEqual = 0;
  for (const { item } of sample.items) {
    const Key = Object.fromEntries(keyNames.map((k) => [k, item[k]])) as Item;
    const out = await call(ctx.primary, `GetItem ${target}`, () =>
      ctx.primary.dynamodb.send(new GetItemCommand({ TableName: target, Key, ConsistentRead: true })),
    );
    if (out.Item && encodeItem(out.Item as Item) === encodeItem(item)) sampledEqual++;
  }
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
