import { describe, expect, it } from 'vitest';
import type { PlanDetail } from '../../src/api/schemas/plans.js';
import { progressChanges, renderProgress, resourceRows } from './progress.js';

function detail(stage: string, live?: Array<{ key: string; state: string; step?: string }>): PlanDetail {
  return {
    planId: 'demo-1',
    workflowId: 'failback-demo-1',
    runId: 'r',
    workflowStatus: 'RUNNING',
    startedAt: '2026-11-25T10:00:00.000Z',
    closedAt: null,
    status: {
      planId: 'demo-1',
      application: 'shop',
      stage,
      waitingFor:
        stage === 'awaiting-test-validation' ? { kind: 'gate', gate: 'test-failback', since: 'x' } : null,
      resources: [
        {
          key: 'ec2-instance:web',
          kind: 'ec2-instance',
          source: 'i-1',
          target: 'web',
          phase: 'test-failback',
          state: 'succeeded',
        },
        {
          key: 'dynamodb-table:orders',
          kind: 'dynamodb-table',
          source: 'orders',
          target: 'orders',
          phase: null,
          state: 'pending',
        },
      ],
      timeline: [],
      audit: [],
      errors: [],
      dns: { mode: 'manual' },
      measurements: { startedAt: 'x' },
    },
    ...(live
      ? {
          activePhase: {
            phase: 'failback',
            workflowId: 'w',
            detail: { phase: 'failback', resources: live, copySlots: {} },
          },
        }
      : {}),
  } as PlanDetail;
}

describe('demo progress', () => {
  it('shows each resource with the running phase’s live state over the plan’s last known one', () => {
    const rows = resourceRows(
      detail('failback', [{ key: 'dynamodb-table:orders', state: 'running', step: 'copyRecoveryPoint' }]),
    );
    expect(rows).toEqual([
      { key: 'ec2-instance:web', kind: 'ec2-instance', phase: 'test-failback', state: 'succeeded', step: '' },
      {
        key: 'dynamodb-table:orders',
        kind: 'dynamodb-table',
        phase: 'failback',
        state: 'running',
        step: 'copyRecoveryPoint',
      },
    ]);
  });

  it('draws the stages done, current and to come, what the plan waits for, and one line per resource', () => {
    const lines = renderProgress(detail('awaiting-test-validation'), 12);
    expect(lines[0]).toContain('stage awaiting-test-validation');
    expect(lines[1]).toMatch(/✔ preflight .*✔ test failback +▶ test validated\? +· window/);
    expect(lines[2]).toContain('gate test-failback');
    expect(
      lines.filter((l) => l.includes('ec2-instance:web') || l.includes('dynamodb-table:orders')),
    ).toHaveLength(2);
  });

  it('reports only what changed when it cannot redraw', () => {
    const first = detail('test-failback');
    expect(progressChanges(undefined, first)).toEqual([
      'stage test-failback',
      '  ec2-instance:web: test-failback succeeded',
      '  dynamodb-table:orders: pending',
    ]);
    expect(progressChanges(first, detail('test-failback'))).toEqual([]);
    expect(
      progressChanges(
        first,
        detail('failback', [{ key: 'dynamodb-table:orders', state: 'running', step: 'takeRecoveryPoint' }]),
      ),
    ).toEqual([
      'stage failback',
      '  dynamodb-table:orders: failback running (takeRecoveryPoint: CreateBackup or ExportTableToPointInTime → available)',
    ]);
  });

  it('marks nothing done before it is, and says what a finished plan waits for: nothing any more', () => {
    const first = renderProgress(detail('preflight'), 0);
    expect(first[1]).toMatch(/^ {2}▶ preflight/);
    expect(first[1]).not.toContain('✔');
    const done = detail('completed');
    done.status!.outcome = { result: 'completed', at: '2026-11-25T11:00:00.000Z' };
    const lines = renderProgress(done, 60);
    expect(lines[1]).not.toContain('▶');
    expect(lines[1]).toContain('✔ done');
    expect(lines[2]).toBe('  waiting for: nothing any more: the plan ended completed');
  });

  it('never shows the last copy step beside a later phase', () => {
    const later = detail('test-failback');
    later.status!.resources[0] = {
      ...later.status!.resources[0]!,
      phase: 'test-cleanup',
      state: 'removed',
      step: 'restoreAndVerify',
    };
    expect(resourceRows(later)[0]).toMatchObject({ phase: 'test-cleanup', state: 'removed', step: '' });
  });

  it('shows time in step, the AWS operation waited on and an ETA from the expected durations', () => {
    const live = detail('failback', [
      { key: 'dynamodb-table:orders', state: 'running', step: 'takeRecoveryPoint' },
    ]);
    const durations = (_kind: string, _key: string, step: string) =>
      ({ takeRecoveryPoint: 10, copyRecoveryPoint: 0, restoreAndVerify: 30 })[step];
    const lines = renderProgress(live, 5, { inStep: new Map([['dynamodb-table:orders', 4]]), durations });
    const row = lines.find((l) => l.includes('dynamodb-table:orders'))!;
    expect(row).toMatch(/takeRecoveryPoint +4 s +~36 s +CreateBackup or ExportTableToPointInTime/);
    expect(lines[0]).toContain('ETA of the phase ~36 s');
  });
});
