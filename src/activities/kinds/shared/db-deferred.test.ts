import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { deferredInsights, keepLeftOff } from './db-deferred.js';

// The handover removes the record of what was deferred: a retry after it finds nothing to leave off
// again, so what an earlier attempt left off must come back from its heartbeat.
describe('keepLeftOff', () => {
  it('keeps what an earlier attempt left off, heartbeats the union before the handover', async () => {
    const retry = new MockActivityEnvironment({
      heartbeatDetails: { leftOff: ['enhanced monitoring on db left off: AccessDenied'] },
    });
    const beats: unknown[] = [];
    retry.on('heartbeat', (d: unknown) => beats.push(d));
    const all: string[] = await retry.run(async () =>
      keepLeftOff(['Performance Insights on db left off: InvalidParameterCombination']),
    );
    expect(all).toEqual([
      'enhanced monitoring on db left off: AccessDenied',
      'Performance Insights on db left off: InvalidParameterCombination',
    ]);
    expect(beats).toContainEqual(expect.objectContaining({ leftOff: all }));
    // The same item again (a retry that was refused the same way) is said once.
    const again = new MockActivityEnvironment({ heartbeatDetails: { leftOff: all } });
    expect(await again.run(async () => keepLeftOff([all[0]!]))).toEqual(all);
  });

  it('says nothing when nothing was left off', async () => {
    const env = new MockActivityEnvironment();
    const beats: unknown[] = [];
    env.on('heartbeat', (d: unknown) => beats.push(d));
    expect(await env.run(async () => keepLeftOff([]))).toEqual([]);
    expect(beats).toEqual([]);
  });
});

describe('the deferred Performance Insights item', () => {
  it('reads the retention it carries, and a record written before it carried one', () => {
    expect(deferredInsights(['deletion-protection', 'performance-insights:731'])).toEqual({ days: 731 });
    expect(deferredInsights(['performance-insights'])).toEqual({}); // RDS's 7 days
    expect(deferredInsights(['performance-insights:x'])).toEqual({});
    expect(deferredInsights(['deletion-protection', 'enhanced-monitoring'])).toBeUndefined();
    expect(deferredInsights(['performance-insightsx'])).toBeUndefined();
  });
});
