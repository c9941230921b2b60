import { describe, expect, it } from 'vitest';
import { nextInterval } from './polling.js';

const EXPECTED = 600_000; // a ten-minute operation
const MIN = 2_000;
const MAX = 1_800_000;
const next = (elapsed: number, attempt: number, progress?: number) =>
  nextInterval(elapsed, attempt, EXPECTED, progress, MIN, MAX);

describe('nextInterval', () => {
  it('waits the expected duration after the first probe', () => {
    expect(next(0, 0)).toBe(EXPECTED);
  });

  it('waits out the rest of the expected duration when an earlier probe came early', () => {
    expect(next(400_000, 1)).toBe(200_000);
    expect(next(590_000, 1)).toBe(60_000); // never less than a tenth of it
  });

  it('backs off with the time already waited once the operation runs late', () => {
    expect(next(600_000, 1)).toBe(150_000);
    expect(next(1_200_000, 3)).toBe(300_000);
    // three expected durations late: seven probes (each step adds a quarter), not thirty once a minute
    let elapsed = EXPECTED;
    let probes = 0;
    for (let attempt = 1; elapsed < 4 * EXPECTED; attempt++, probes++) elapsed += next(elapsed, attempt);
    expect(probes).toBeLessThanOrEqual(7);
  });

  it('trusts the progress AWS reports', () => {
    // a quarter done after 100 s: three times as long again
    expect(next(100_000, 1, 0.25)).toBe(300_000);
  });

  it('keeps to the floor and the ceiling', () => {
    expect(nextInterval(0, 0, 10, undefined, MIN, MAX)).toBe(MIN);
    expect(nextInterval(0, 0, 10 * MAX, undefined, MIN, MAX)).toBe(MAX);
    expect(next(40 * MAX, 9)).toBe(MAX);
  });
});
