import { ScanCommand } from '@aws-sdk/client-dynamodb';
import type { AwsEnvironment } from '../../aws/clients.js';
import { abortSignal } from '../../aws/heartbeat.js';
import { call } from './calls.js';
import { ContentHash, type Item } from './content-hash.js';

/** A key as JSON-safe attributes (binary as base64): heartbeats are JSON. */
export type JsonKey = Record<string, { S?: string; N?: string; B64?: string }>;

/** Progress of one scan segment: where the next page starts, and what the pages so far held. */
export interface SegmentState {
  done: boolean;
  /** The page boundary. */
  lastKey?: JsonKey;
  count: number;
  /** ContentHash of the segment's items so far (hex) */
  hash: string;
}

export interface ScanOptions {
  totalSegments: number;
  concurrency: number;
  /** Resume from here (a previous attempt's heartbeat); segment count must match. */
  state?: SegmentState[];
  consistentRead?: boolean;
  pageSize?: number;
  /** Called with each page before the segment's state moves past it. */
  onPage?: (segment: number, items: Item[]) => Promise<void>;
  /** Called after each page with the state of every segment (for heartbeats). */
  onProgress?: (state: SegmentState[]) => void;
}

export function keyToJson(key: Item): JsonKey {
  return Object.fromEntries(
    Object.entries(key).map(([name, v]) => [
      name,
      v.B !== undefined
        ? { B64: Buffer.from(v.B).toString('base64') }
        : v.N !== undefined
          ? { N: v.N }
          : { S: v.S ?? '' },
    ]),
  );
}

export function keyFromJson(key: JsonKey): Item {
  return Object.fromEntries(
    Object.entries(key).map(([name, v]) => [
      name,
      v.B64 !== undefined
        ? { B: Buffer.from(v.B64, 'base64') }
        : v.N !== undefined
          ? { N: v.N }
          : { S: v.S ?? '' },
    ]),
  );
}

/** Segments for a parallel scan: about one per 64 MiB, between 4 and 64. */
export function segmentsFor(sizeBytes: number | undefined): number {
  return Math.min(64, Math.max(4, Math.ceil((sizeBytes ?? 0) / (64 * 1024 * 1024))));
}

export function emptyState(totalSegments: number): SegmentState[] {
  return Array.from({ length: totalSegments }, () => ({ done: false, count: 0, hash: '' }));
}

export function combine(state: SegmentState[]): ContentHash {
  const total = new ContentHash();
  for (const s of state) total.merge(ContentHash.fromHex(s.count, s.hash));
  return total;
}

/**
 * Parallel Scan with bounded concurrency. Each segment's state advances only after its page was
 * handled, so a crash repeats at most the pages in flight (harmless for idempotent puts).
 */
export async function parallelScan(
  env: AwsEnvironment,
  table: string,
  options: ScanOptions,
): Promise<SegmentState[]> {
  const state =
    options.state?.length === options.totalSegments
      ? options.state.map((s) => ({ ...s }))
      : emptyState(options.totalSegments);
  const pending = state.map((s, i) => (s.done ? -1 : i)).filter((i) => i >= 0);
  const worker = async () => {
    for (let segment = pending.shift(); segment !== undefined; segment = pending.shift()) {
      let current = state[segment] as SegmentState;
      while (!current.done) {
        const page = await call(env, `Scan ${table} segment ${segment}`, () =>
          env.dynamodb.send(
            new ScanCommand({
              TableName: table,
              Segment: segment,
              TotalSegments: options.totalSegments,
              Limit: options.pageSize ?? 500,
              ConsistentRead: options.consistentRead ?? true,
              ...(current.lastKey ? { ExclusiveStartKey: keyFromJson(current.lastKey) } : {}),
            }),
            { abortSignal: abortSignal() },
          ),
        );
        const items = (page.Items ?? []) as Item[];
        if (options.onPage) await options.onPage(segment, items);
        const hash = ContentHash.fromHex(current.count, current.hash);
        items.forEach((item) => hash.add(item));
        current = {
          done: !page.LastEvaluatedKey,
          ...(page.LastEvaluatedKey ? { lastKey: keyToJson(page.LastEvaluatedKey as Item) } : {}),
          count: hash.count,
          hash: hash.hex,
        };
        state[segment] = current;
        options.onProgress?.(state);
      }
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.concurrency, pending.length)) }, worker),
  );
  return state;
}
