import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * An order-independent fingerprint of a table's items, written apart from the product's own
 * (src/activities/kinds/dynamodb-table/content-hash.ts) so that a defect there cannot hide one in
 * what it verifies: each item becomes canonical JSON (attribute names sorted, set members sorted,
 * numbers in one spelling, binary as base64), the items' SHA-256 digests are sorted and hashed again.
 */
export function contentFingerprint(items: Array<Record<string, AttributeValue>>): {
  count: number;
  hash: string;
} {
  const digests = items.map((item) => createHash('sha256').update(canonicalItem(item)).digest('hex')).sort();
  const hash = createHash('sha256');
  for (const digest of digests) hash.update(digest);
  return { count: items.length, hash: hash.digest('hex') };
}

/** `1.50`, `+15e-1` and `0015E-1` are the same DynamoDB number: one spelling, `<digits>e<exponent>`. */
export function canonicalNumber(text: string): string {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m) return `invalid:${text}`;
  const fraction = m[3] ?? '';
  let digits = `${m[2] ?? ''}${fraction}`.replace(/^0+/, '');
  let exponent = Number(m[4] ?? 0) - fraction.length;
  if (digits === '') return '0';
  while (digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    exponent += 1;
  }
  return `${m[1] === '-' ? '-' : ''}${digits}e${exponent}`;
}

const bytes = (b: Uint8Array | string): string =>
  typeof b === 'string' ? b : Buffer.from(b).toString('base64');

function canonicalValue(v: AttributeValue): unknown {
  if (v.S !== undefined) return { S: v.S };
  if (v.N !== undefined) return { N: canonicalNumber(v.N) };
  if (v.B !== undefined) return { B: bytes(v.B) };
  if (v.BOOL !== undefined) return { BOOL: v.BOOL };
  if (v.NULL !== undefined) return { NULL: true };
  if (v.SS !== undefined) return { SS: [...v.SS].sort() };
  if (v.NS !== undefined) return { NS: v.NS.map(canonicalNumber).sort() };
  if (v.BS !== undefined) return { BS: v.BS.map(bytes).sort() };
  if (v.L !== undefined) return { L: v.L.map(canonicalValue) };
  if (v.M !== undefined) return { M: canonicalMap(v.M) };
  throw new Error(`an attribute value of no known type: ${JSON.stringify(v)}`);
}

function canonicalMap(m: Record<string, AttributeValue>): Array<[string, unknown]> {
  return Object.keys(m)
    .sort()
    .map((k) => [k, canonicalValue(m[k]!)]);
}

export function canonicalItem(item: Record<string, AttributeValue>): string {
  return JSON.stringify(canonicalMap(item));
}
