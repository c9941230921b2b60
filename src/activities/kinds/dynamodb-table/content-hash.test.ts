import { describe, expect, it } from 'vitest';
import { ContentHash, encodeItem, normaliseNumber, type Item } from './content-hash.js';

const hashOf = (items: Item[]) => {
  const hash = new ContentHash();
  items.forEach((i) => hash.add(i));
  return hash.hex;
};

describe('content hash', () => {
  it('normalises numbers DynamoDB considers equal', () => {
    expect(normaliseNumber('1.50')).toBe(normaliseNumber('15E-1'));
    expect(normaliseNumber('150')).toBe(normaliseNumber('1.5e2'));
    expect(normaliseNumber('-0.0')).toBe('0');
    expect(normaliseNumber('007')).toBe('7e0');
    expect(normaliseNumber('1')).not.toBe(normaliseNumber('10'));
    expect(normaliseNumber('-2')).not.toBe(normaliseNumber('2'));
  });

  it('ignores item order, set order and map key order', () => {
    const a: Item = {
      pk: { S: 'a' },
      tags: { SS: ['x', 'y'] },
      m: { M: { b: { N: '1' }, a: { BS: [new Uint8Array([1]), new Uint8Array([2])] } } },
    };
    const aShuffled: Item = {
      m: { M: { a: { BS: [new Uint8Array([2]), new Uint8Array([1])] }, b: { N: '1.0' } } },
      tags: { SS: ['y', 'x'] },
      pk: { S: 'a' },
    };
    const b: Item = { pk: { S: 'b' }, l: { L: [{ N: '1' }, { S: '1' }] } };
    expect(encodeItem(a)).toBe(encodeItem(aShuffled));
    expect(hashOf([a, b])).toBe(hashOf([b, aShuffled]));
  });

  it('tells types, list order and values apart', () => {
    const base: Item = { pk: { S: 'a' }, v: { L: [{ N: '1' }, { N: '2' }] } };
    expect(hashOf([base])).not.toBe(hashOf([{ pk: { S: 'a' }, v: { L: [{ N: '2' }, { N: '1' }] } }]));
    expect(encodeItem({ v: { S: '1' } })).not.toBe(encodeItem({ v: { N: '1' } }));
    expect(encodeItem({ v: { SS: ['1'] } })).not.toBe(encodeItem({ v: { NS: ['1'] } }));
    expect(encodeItem({ v: { B: new Uint8Array([1]) } })).not.toBe(
      encodeItem({ v: { B: new Uint8Array([2]) } }),
    );
    expect(hashOf([base, base])).not.toBe(hashOf([base]));
  });

  it('combines partial hashes of segments into the whole', () => {
    const items: Item[] = Array.from({ length: 50 }, (_, i) => ({ pk: { S: `k${i}` }, n: { N: `${i}` } }));
    const whole = new ContentHash();
    items.forEach((i) => whole.add(i));
    const left = new ContentHash();
    const right = new ContentHash();
    items.forEach((item, i) => (i % 3 ? left : right).add(item));
    const merged = ContentHash.fromHex(left.count, left.hex);
    merged.merge(right);
    expect(merged.hex).toBe(whole.hex);
    expect(merged.count).toBe(50);
  });
});
