import { createHash } from 'node:crypto';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';

/**
 * An order-independent fingerprint of a table's content: each item is encoded canonically (types
 * included, numbers normalised, sets sorted, map keys sorted), hashed with SHA-256, and the item
 * hashes are summed modulo 2^256. The sum does not depend on scan order or segmentation, and partial
 * sums of disjoint segments add up to the table's sum (so parallel scans combine exactly).
 */
export type Item = Record<string, AttributeValue>;

const MOD = 1n << 256n;

/** DynamoDB numbers as `[-]<digits>e<exp>` without leading/trailing zeros: 1.50, 15E-1, 0015e-1 agree. */
export function normaliseNumber(raw: string): string {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(raw.trim());
  if (!match) return `?${raw}`;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  let digits = `${whole}${fraction}`;
  let exp = Number(exponent) - fraction.length;
  digits = digits.replace(/^0+/, '');
  if (digits === '') return '0';
  const trailing = /0+$/.exec(digits)?.[0].length ?? 0;
  digits = digits.slice(0, digits.length - trailing);
  exp += trailing;
  return `${sign === '-' ? '-' : ''}${digits}e${exp}`;
}

function base64(bytes: Uint8Array | string): string {
  return typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('base64');
}

/** Canonical text of one attribute value, tagged with its type. */
export function encodeValue(value: AttributeValue): string {
  if (value.S !== undefined) return `S${JSON.stringify(value.S)}`;
  if (value.N !== undefined) return `N${normaliseNumber(value.N)}`;
  if (value.B !== undefined) return `B${base64(value.B)}`;
  if (value.BOOL !== undefined) return `T${value.BOOL ? 1 : 0}`;
  if (value.NULL !== undefined) return 'Z';
  if (value.SS !== undefined)
    return `SS[${value.SS.map((s) => JSON.stringify(s))
      .sort()
      .join(',')}]`;
  if (value.NS !== undefined) return `NS[${value.NS.map(normaliseNumber).sort().join(',')}]`;
  if (value.BS !== undefined) return `BS[${value.BS.map(base64).sort().join(',')}]`;
  if (value.L !== undefined) return `L[${value.L.map(encodeValue).join(',')}]`;
  if (value.M !== undefined) return `M${encodeItem(value.M)}`;
  throw new Error(`unknown DynamoDB attribute type: ${Object.keys(value).join(',')}`);
}

export function encodeItem(item: Item): string {
  const keys = Object.keys(item).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${encodeValue(item[k] as AttributeValue)}`).join(',')}}`;
}

export function itemDigest(item: Item): bigint {
  return BigInt(`0x${createHash('sha256').update(encodeItem(item)).digest('hex')}`);
}

/** A running (count, sum) over items; serialisable for heartbeats as hex. */
export class ContentHash {
  constructor(
    public count = 0,
    public sum = 0n,
  ) {}

  add(item: Item): bigint {
    const digest = itemDigest(item);
    this.count += 1;
    this.sum = (this.sum + digest) % MOD;
    return digest;
  }

  merge(other: ContentHash): void {
    this.count += other.count;
    this.sum = (this.sum + other.sum) % MOD;
  }

  get hex(): string {
    return this.sum.toString(16).padStart(64, '0');
  }

  static fromHex(count: number, hex: string): ContentHash {
    return new ContentHash(count, BigInt(`0x${hex || '0'}`));
  }
}
