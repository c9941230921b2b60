import { describe, expect, it } from 'vitest';
import type { ResourcePhaseResult } from '../resources/resource-pipeline.js';
import { compact } from './pipeline-phase.js';

describe('compact phase results', () => {
  const full: ResourcePhaseResult = {
    key: 'dynamodb-table:orders',
    ok: true,
    timings: [{ step: 'takeRecoveryPoint', startedAt: 'a', finishedAt: 'b' }],
    recoveryPoint: { id: 'rp', arn: 'arn:rp', capturedAt: 't', details: { settings: 'x'.repeat(2000) } },
    copy: { id: 'c', region: 'us-east-1', details: { method: 'scan-copy' } },
    restore: {
      retirement: {
        originalId: 'orders',
        action: 'backed-up-and-replaced',
        backupArn: 'arn:b',
        at: 't',
        details: { settings: '{}' },
      },
      restored: { id: 'arn:t', arn: 'arn:t', name: 'orders', details: { copiedItems: 4 } },
    },
    verification: { ok: true, checks: [{ name: 'item-count', expected: 4, actual: 4, ok: true }], at: 't' },
  };

  it('keeps status, report and compensation facts and drops descriptive details', () => {
    const small = compact(full);
    expect(small).toEqual({
      key: full.key,
      ok: true,
      timings: full.timings,
      recoveryPoint: { id: 'rp', capturedAt: 't' },
      restore: { retirement: full.restore!.retirement, restored: { id: 'arn:t', name: 'orders' } },
      verification: full.verification,
    });
    expect(JSON.stringify(small).length).toBeLessThan(1024);
  });

  it('keeps a failure as it is', () => {
    const failed: ResourcePhaseResult = {
      key: 'k',
      ok: false,
      timings: [],
      error: { type: 'AccessDenied', message: 'm', step: 's' },
    };
    expect(compact(failed)).toEqual(failed);
  });
});
