import { describe, expect, it } from 'vitest';
import { validSpec } from '../../../test/support/specs.js';
import { schemaFindings } from './preflight.js';

// A plan started with `temporal workflow start` never met the API's validation: preflight repeats it.
describe('preflight schema check', () => {
  it('accepts the design example', () => {
    expect(schemaFindings(validSpec())).toEqual([]);
  });

  it('lists each violation as a spec finding', () => {
    const spec = {
      ...validSpec(),
      planId: 'Bad--Id',
      extra: true,
      maintenanceWindow: { start: 'soon', end: validSpec().maintenanceWindow!.end },
    };
    const messages = schemaFindings(spec).map((f) => f.message);
    expect(messages.some((m) => m.startsWith('/planId'))).toBe(true);
    expect(messages.some((m) => /additional/.test(m))).toBe(true);
    expect(messages.some((m) => m.startsWith('/maintenanceWindow/start'))).toBe(true);
    expect(schemaFindings(spec).every((f) => f.severity === 'error' && f.check === 'spec')).toBe(true);
  });
});
