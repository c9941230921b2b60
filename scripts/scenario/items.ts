import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/** A small deterministic PRNG (mulberry32): the same seed gives the same items on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'ünïcödé', 'emoji-🚀', 'space here', 'x'.repeat(40)];

/**
 * An order item of every DynamoDB type the copy must preserve: strings (unicode), numbers (integers,
 * decimals, negative, large), binary, string/number/binary sets, nested maps and lists, booleans and
 * null. `revision` changes the content, so a stale primary copy differs from the recovery data.
 */
export function orderItem(i: number, revision: number, seed = 7): Record<string, AttributeValue> {
  const rand = prng(seed * 1_000_003 + i * 31 + revision);
  const word = () => WORDS[Math.floor(rand() * WORDS.length)]!;
  const bytes = Uint8Array.from({ length: 1 + Math.floor(rand() * 16) }, () => Math.floor(rand() * 256));
  const item: Record<string, AttributeValue> = {
    pk: { S: `order#${String(i).padStart(6, '0')}` },
    sk: { N: String(revision) },
    customer: { S: `${word()}-${Math.floor(rand() * 1000)}` },
    total: { N: (rand() * 10_000 - 100).toFixed(2) },
    quantity: { N: String(Math.floor(rand() * 50)) },
    big: { N: '12345678901234567890123456789012345678' },
    blob: { B: bytes },
    tags: { SS: [...new Set([word(), word(), `t${i % 7}`])] },
    scores: { NS: [...new Set([String(i % 13), String((i * 7) % 101), '3.5'])] },
    sigs: { BS: [Uint8Array.of(i % 256, 1), Uint8Array.of(2, (i * 3) % 256)] },
    shipping: {
      M: {
        street: { S: `${i} ${word()} street` },
        geo: {
          M: { lat: { N: (rand() * 180 - 90).toFixed(5) }, lon: { N: (rand() * 360 - 180).toFixed(5) } },
        },
        lines: { L: [{ S: word() }, { N: String(i) }, { BOOL: i % 2 === 0 }, { NULL: true }] },
      },
    },
    paid: { BOOL: rand() > 0.3 },
    note: i % 5 === 0 ? { NULL: true } : { S: word() },
    revision: { N: String(revision) },
  };
  if (i % 11 === 0)
    item.history = {
      L: [{ M: { at: { S: `2026-11-${String(1 + (i % 28)).padStart(2, '0')}` }, by: { S: word() } } }],
    };
  return item;
}

/** A customer item for the table with a global secondary index on `email`. */
export function customerItem(i: number, revision: number, seed = 0): Record<string, AttributeValue> {
  return {
    id: { S: `customer-${i}` },
    email: { S: `c${i}@shop.example` },
    name: { S: `Customer ${i} r${revision}${seed ? ` (updated ${seed})` : ''}` },
    since: { N: String(2000 + (i % 26)) },
    ...(seed ? { updates: { NS: [String(seed)] } } : {}),
  };
}

/** An audit entry: the scenario's audit table starts empty and gets these only later. */
export function auditItem(i: number, revision: number, seed = 3): Record<string, AttributeValue> {
  const rand = prng(seed * 7919 + i);
  return {
    stream: { S: `orders-${i % 4}` },
    seq: { N: String(i) },
    at: { S: new Date(Date.UTC(2026, 10, 20, 0, 0, i)).toISOString() },
    action: { S: WORDS[Math.floor(rand() * WORDS.length)]! },
    payload: { M: { revision: { N: String(revision) }, bytes: { B: Uint8Array.of(i % 256, seed % 256) } } },
  };
}
