import type { Item } from './content-hash.js';
import { keyFromJson, keyToJson, type JsonKey } from './scan.js';

export const SAMPLE_SIZE = 25;

/** One sampled item: its content digest, and the item (or only its key: the digest says the rest). */
export interface SampleEntry {
  digest: bigint;
  item: Item;
}

/** A sample in heartbeat details (JSON): each item's key and the digest of the whole item, as hex. */
export interface SampleJson {
  digest: string;
  key: JsonKey;
}

/**
 * A bottom-k sample: the items with the smallest content digests, a uniform, reproducible choice. It
 * depends only on the set of items offered, not on their order or on how often one is offered, so a
 * scan resumed from a heartbeat (which may repeat the pages in flight) picks the same items as one
 * uninterrupted scan.
 */
export class Sample {
  readonly items: SampleEntry[] = [];

  offer(digest: bigint, item: Item): void {
    if (this.items.length === SAMPLE_SIZE && digest >= (this.items.at(-1)?.digest ?? 0n)) return;
    if (this.items.some((s) => s.digest === digest)) return; // a repeated page: the same item
    this.items.push({ digest, item });
    this.items.sort((a, b) => (a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0));
    if (this.items.length > SAMPLE_SIZE) this.items.pop();
  }

  /** Bounded for heartbeats: SAMPLE_SIZE keys (at most 3 KB each in DynamoDB) and digests. */
  toJson(keyNames: string[]): SampleJson[] {
    return this.items.map(({ digest, item }) => ({
      digest: digest.toString(16),
      key: keyToJson(Object.fromEntries(keyNames.map((k) => [k, item[k]])) as Item),
    }));
  }

  static fromJson(entries: SampleJson[]): Sample {
    const sample = new Sample();
    for (const e of entries) sample.offer(BigInt(`0x${e.digest}`), keyFromJson(e.key));
    return sample;
  }
}
