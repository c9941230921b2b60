import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { listeningAddresses, LOOPBACK } from './support/processes.js';

// The time-skipping test server the workflow timer tests use: installed by scripts/stack, started by
// the SDK through its existing-path executable, kept on loopback by the wrapper's bind shim.
describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: inject('testServerPath') } },
    });
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('skips days of workflow time at once', async () => {
    const before = await env.currentTimeMs();
    await env.sleep('3 days');
    expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(3 * 24 * 3600 * 1000);
  });

  it('listens on loopback only', () => {
    const port = Number(env.connection.options.address.split(':').pop());
    const addresses = listeningAddresses(port);
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(LOOPBACK).toContain(address);
  });
});
