import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { listeningAddresses, LOOPBACK } from './support/processes.js';

// Servers started for tests listen on 127.0.0.1 only.
describe('the integration stack', () => {
  it.each([
    ['Temporal frontend', () => Number(inject('temporalAddress').split(':')[1])],
    ['Temporal Web UI', () => Number(new URL(inject('temporalUiUrl')).port)],
    ['AWS emulator', () => Number(new URL(inject('awsEndpoint')).port)],
  ])('%s listens on loopback only', (_name, port) => {
    const addresses = listeningAddresses(port());
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) expect(LOOPBACK).toContain(address);
  });
});
