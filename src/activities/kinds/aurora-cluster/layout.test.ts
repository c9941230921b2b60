import { describe, expect, it } from 'vitest';
import { memberNames } from './layout.js';

describe('memberNames', () => {
  it("reuses the retired cluster's instance names, writer first, then numbers the rest", () => {
    expect(memberNames('shop', 3, ['shop-writer', 'shop-reader'])).toEqual([
      'shop-writer',
      'shop-reader',
      'shop-1',
    ]);
  });

  it('never gives two instances the same name', () => {
    expect(memberNames('shop', 3, ['shop-1'])).toEqual(['shop-1', 'shop-2', 'shop-3']);
    expect(memberNames('shop', 2, ['a', 'a'])).toEqual(['a', 'shop-1']);
  });

  it('fits long cluster names into 63 characters', () => {
    const names = memberNames('c'.repeat(63), 2, []);
    expect(names.every((n) => n.length <= 63)).toBe(true);
    expect(new Set(names).size).toBe(2);
  });
});
