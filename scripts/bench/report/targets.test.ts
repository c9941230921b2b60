import { describe, expect, it } from 'vitest';
import type { BenchResult } from '../bench.js';
import { targetChecks } from './targets.js';

const plan = (size: number) => ({
  size,
  wallOverLowerBound: 1.05,
  throttlingFailures: 0,
  aws: { describesPerResourceInterval: 1.5, throttlesInjected: 0 },
  temporal: {
    failbackEventsPerResource: 30,
    planEventsPerResource: 35,
    planEvents: 90,
    failbackPhaseEvents: 1500,
  },
});
const result = (size: number) =>
  ({
    plans: [plan(size)],
    comparison: [{ size, runbookOverOurs: 25, extrapolated: false }],
  }) as unknown as BenchResult;
const verdicts = (size: number) =>
  Object.fromEntries(targetChecks(result(size)).map((t) => [t.target, t.met]));

describe('targetChecks', () => {
  it('judges the 500-resource targets only at 500 resources', () => {
    expect(Object.values(verdicts(500))).toEqual([true, true, true, true, true, true]);
    const small = verdicts(100);
    expect(small['wall / lower bound ≤ 1.10 at 500 resources']).toBeUndefined();
    expect(small['runbook / ours ≥ 20 at 500 resources']).toBeUndefined();
    expect(small['parent history under 2,000 events at 500 resources']).toBeUndefined();
    expect(small['zero plan failures from throttling']).toBe(true);
  });
});
