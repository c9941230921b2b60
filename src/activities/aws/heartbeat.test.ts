import { MockActivityEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { heartbeat, keepAlive, remember } from './heartbeat.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('keepAlive', () => {
  it('repeats the last heartbeat every third of the heartbeat timeout while the work runs', async () => {
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: 300 });
    const sent: unknown[] = [];
    env.on('heartbeat', (d: unknown) => sent.push(d));
    const result = await env.run(() =>
      keepAlive(async () => {
        remember({ imageId: 'ami-1' });
        heartbeat({ step: 'copy' });
        await sleep(450);
        return 'done';
      }),
    );
    expect(result).toBe('done');
    // Two of ours, then at least three repeats (every 100 ms over 450 ms), all with the last details.
    expect(sent.length).toBeGreaterThanOrEqual(5);
    for (const d of sent.slice(2)) expect(d).toEqual({ imageId: 'ami-1', step: 'copy' });
    const count = sent.length;
    await sleep(250);
    expect(sent.length).toBe(count); // stopped with the work
  });

  it('runs the work as is without a heartbeat timeout', async () => {
    const env = new MockActivityEnvironment({ heartbeatTimeoutMs: undefined });
    const sent: unknown[] = [];
    env.on('heartbeat', (d: unknown) => sent.push(d));
    await env.run(() => keepAlive(() => sleep(200)));
    expect(sent).toEqual([]);
  });
});
