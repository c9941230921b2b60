import { describe, expect, it } from 'vitest';
import type { TimingModel } from '../../emulator/client.js';
import type { PlanStatus } from '../../src/domain/status.js';
import { remainingSeconds, stepDurations } from './eta.js';

const status = {
  resources: [
    {
      key: 'rds-instance:db',
      kind: 'rds-instance',
      timings: {
        'test-failback': [
          {
            step: 'takeRecoveryPoint',
            startedAt: '2026-11-25T10:00:00.000Z',
            finishedAt: '2026-11-25T10:00:03.000Z',
          },
        ],
      },
    },
  ],
} as unknown as PlanStatus;
const model = {
  durationsMs: {
    'rds.snapshot': 5000,
    'rds.snapshot-copy': 9000,
    'rds.instance-rename': 1000,
    'rds.instance-restore': 8000,
  },
} as unknown as TimingModel;

describe('the demo’s ETA', () => {
  it('takes a step’s duration from the test failback where recorded, else from the emulator’s profile', () => {
    const durations = stepDurations(status, model);
    expect(durations('rds-instance', 'rds-instance:db', 'takeRecoveryPoint')).toBe(3);
    expect(durations('rds-instance', 'rds-instance:db', 'copyRecoveryPoint')).toBe(9);
    expect(durations('rds-instance', 'rds-instance:db', 'restoreIntoPrimary')).toBe(9);
    expect(
      stepDurations(status, undefined)('rds-instance', 'rds-instance:other', 'copyRecoveryPoint'),
    ).toBeUndefined();
  });

  it('adds what is left of the current step to every step after it', () => {
    const durations = stepDurations(status, model);
    const row = { kind: 'rds-instance' as const, key: 'rds-instance:db', state: 'running' };
    expect(remainingSeconds(durations, { ...row, step: 'takeRecoveryPoint', inStepSeconds: 1 })).toBe(
      2 + 9 + 9,
    );
    // Late: the current step still counts a second, never a negative time.
    expect(remainingSeconds(durations, { ...row, step: 'copyRecoveryPoint', inStepSeconds: 60 })).toBe(1 + 9);
    expect(remainingSeconds(durations, { ...row, step: 'removeTestCopy', inStepSeconds: 0 })).toBeUndefined();
    expect(remainingSeconds(durations, { ...row, state: 'succeeded', step: '', inStepSeconds: 0 })).toBe(0);
  });
});
