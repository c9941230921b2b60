import { describe, expect, it } from 'vitest';
import { boundedAll } from './bounded.js';

describe('boundedAll', () => {
  it('keeps at most `limit` tasks in flight and returns results in item order', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await boundedAll([5, 1, 4, 2, 3], 2, async (ms, i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      return i * 10;
    });
    expect(results).toEqual([0, 10, 20, 30, 40]);
    expect(peak).toBe(2);
  });

  it('handles empty input and a limit above the item count', async () => {
    expect(await boundedAll([], 4, async () => 1)).toEqual([]);
    expect(await boundedAll([1, 2], 10, async (x) => x * 2)).toEqual([2, 4]);
  });
});
