import { describe, expect, it } from 'vitest';
import { check, notBefore } from './checks.js';

describe('verification checks', () => {
  it('compares what AWS reports with what the plan expects; missing is a failure', () => {
    expect(check('state', 'available', 'available').ok).toBe(true);
    expect(check('state', 'available', 'creating').ok).toBe(false);
    expect(check('state', 'available', undefined)).toEqual({
      name: 'state',
      expected: 'available',
      actual: 'missing',
      ok: false,
    });
  });

  it('accepts a capture in the quiesce second or later, not before it', () => {
    const quiescedAt = '2026-11-28T02:00:00.700Z';
    expect(notBefore('rp', new Date('2026-11-28T02:00:00.000Z'), quiescedAt).ok).toBe(true);
    expect(notBefore('rp', new Date('2026-11-28T02:00:05.000Z'), quiescedAt).ok).toBe(true);
    expect(notBefore('rp', new Date('2026-11-28T01:59:59.999Z'), quiescedAt).ok).toBe(false);
    expect(notBefore('rp', undefined, quiescedAt).ok).toBe(false);
  });
});
