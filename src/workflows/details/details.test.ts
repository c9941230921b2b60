import { describe, expect, it } from 'vitest';
import type { PlanStatus } from '../../domain/status.js';
import { renderPhaseDetails } from './phase-details.js';
import { MAX_LISTED_RESOURCES, nextSteps, renderPlanDetails } from './plan-details.js';
import { activitySummary, childWorkflowMetadata } from './summaries.js';

const resource = (i: number, state = 'succeeded') => ({
  key: `rds-instance:db-${i}`,
  kind: 'rds-instance' as const,
  source: `db-${i}`,
  target: `db-${i}`,
  phase: 'test-failback' as const,
  state: state as 'succeeded',
  step: 'restoreAndVerify',
});

function status(overrides: Partial<PlanStatus> = {}): PlanStatus {
  return {
    planId: 'shop-1',
    application: 'shop',
    stage: 'awaiting-test-validation',
    waitingFor: { kind: 'gate', gate: 'test-failback', since: '2026-11-27T10:00:00.000Z' },
    resources: [
      resource(1),
      { ...resource(2, 'failed'), lastError: { type: 'AccessDenied', message: 'no | way', at: 'x' } },
    ],
    timeline: [],
    audit: [],
    errors: [],
    dns: { mode: 'manual' },
    measurements: { startedAt: '2026-11-27T09:00:00.000Z' },
    ...overrides,
  };
}

describe('the plan’s Current Details', () => {
  it('say the stage, what it waits for since when, and the exact API call and CLI command that continue it', () => {
    const md = renderPlanDetails(status());
    expect(md).toContain('**Stage:** `awaiting-test-validation`');
    expect(md).toContain('**Waiting for an approver:** gate `test-failback`, since 2026-11-27T10:00:00.000Z');
    expect(md).toContain(
      `curl -sS --fail-with-body -X POST "$API/v1/plans/shop-1/approvals" -H "Authorization: Bearer $APPROVER_TOKEN" -H 'Content-Type: application/json' -d '{"gate":"test-failback","decision":"approve"}'`,
    );
    expect(md).toContain(
      `temporal workflow signal --workflow-id failback-shop-1 --name approve --input '{"gate":"test-failback","by":"<you>"}'`,
    );
  });

  it('list the resources’ progress, failed ones first, a pipe in an error escaped', () => {
    const md = renderPlanDetails(status());
    expect(md).toContain('#### Resources (2): 1 succeeded · 1 failed');
    const rows = md.split('\n').filter((l) => l.startsWith('| `rds-instance'));
    expect(rows[0]).toContain('db-2');
    expect(rows[0]).toContain('AccessDenied: no \\| way');
  });

  it('cut a long list, keeping the counts of all', () => {
    const many = Array.from({ length: MAX_LISTED_RESOURCES + 10 }, (_, i) => resource(i));
    const md = renderPlanDetails(status({ resources: many }));
    expect(md.split('\n').filter((l) => l.startsWith('| `rds-instance'))).toHaveLength(MAX_LISTED_RESOURCES);
    expect(md).toContain(`${MAX_LISTED_RESOURCES + 10} succeeded`);
    expect(md).toContain('… and 10 more');
  });

  it('tell each waiting state’s steps apart', () => {
    const window = nextSteps(
      status({ stage: 'awaiting-window', waitingFor: { kind: 'maintenance-window', since: 'x' } }),
    );
    expect(window.map((s) => s.what)).toEqual([
      'set the maintenance window',
      'approve the failback for the window (before or after it is set)',
    ]);
    const approved = status({
      stage: 'awaiting-window',
      waitingFor: { kind: 'maintenance-window', since: 'x' },
      failbackApproval: { by: 'anna', at: '2026-11-27T11:00:00.000Z' },
    });
    expect(nextSteps(approved).map((s) => s.role)).toEqual(['operator']);
    expect(renderPlanDetails(approved)).toContain(
      '**Failback approved** by anna at 2026-11-27T11:00:00.000Z',
    );
    const parked = nextSteps(
      status({ stage: 'needs-attention', waitingFor: { kind: 'operator', since: 'x', reason: 'quota' } }),
    );
    expect(parked.map((s) => s.cli)).toEqual([
      `temporal workflow signal --workflow-id failback-shop-1 --name retry --input '{"by":"<you>"}'`,
      `temporal workflow signal --workflow-id failback-shop-1 --name abort --input '{"by":"<you>","reason":"<why>"}'`,
    ]);
    const dns = nextSteps(
      status({ stage: 'awaiting-dns-cutover', waitingFor: { kind: 'dns-cutover', since: 'x' } }),
    );
    expect(dns[0]!.api).toContain('/dns-cutover');
  });

  it('say nothing is to be done while it works, or once it has finished', () => {
    const working = status({
      stage: 'failback',
      waitingFor: null,
      activePhase: { phase: 'failback', workflowId: 'failback-shop-1-failback' },
    });
    expect(nextSteps(working)).toEqual([]);
    expect(renderPlanDetails(working)).toContain('child workflow `failback-shop-1-failback`');
    const done = status({
      stage: 'completed',
      waitingFor: null,
      outcome: { result: 'completed', at: '2026-11-28T05:00:00.000Z' },
    });
    expect(renderPlanDetails(done)).toContain('**Finished:** completed at 2026-11-28T05:00:00.000Z');
    expect(renderPlanDetails(done)).not.toContain('To continue');
  });
});

describe('a phase’s Current Details', () => {
  it('show each resource’s live step and the copy slots', () => {
    const md = renderPhaseDetails({
      phase: 'failback',
      resources: [
        { key: 'rds-instance:db', state: 'waiting-for-copy-slot', step: 'copyRecoveryPoint' },
        { key: 'dynamodb-table:orders', state: 'succeeded' },
      ],
      copySlots: { 'rds-copy': { limit: 5, inUse: 5, waiting: 1 } },
    });
    expect(md).toContain('1 waiting-for-copy-slot · 1 succeeded');
    expect(md).toContain('| `rds-instance:db` | waiting-for-copy-slot | copyRecoveryPoint | — |');
    expect(md).toContain('| rds-copy | 5 | 5 | 1 |');
  });
});

describe('summaries of children and activities', () => {
  const plan = { planId: 'shop-1', application: 'shop' };
  const db = {
    key: 'rds-instance:shop-db',
    kind: 'rds-instance' as const,
    source: 'shop-db',
    target: 'shop-db',
  };

  it('name the phase, its resources and the retry', () => {
    expect(childWorkflowMetadata('failback', [{ plan, resources: [db], attempt: 1 }])?.summary).toBe(
      'Failback (maintenance window): 1 resource (retry 1)',
    );
    const child = childWorkflowMetadata('resourceFailback', [{ plan, phase: 'test-failback', resource: db }]);
    expect(child?.summary).toBe('Test failback of rds-instance:shop-db: shop-db → shop-db');
    expect(child?.details).toContain('of plan `shop-1`');
    expect(childWorkflowMetadata('somethingElse', [{}])).toBeUndefined();
  });

  it('name the step, the resource and the AWS operation an activity waits on', () => {
    expect(activitySummary('takeRecoveryPoint', [{ plan, phase: 'failback', resource: db }])).toBe(
      'takeRecoveryPoint rds-instance:shop-db (failback): CreateDBSnapshot → available',
    );
    expect(activitySummary('ensureAccessStack', [{ planId: 'shop-1' }])).toMatch(
      /CloudFormation CreateStack/,
    );
    expect(activitySummary('unknownThing', [42])).toBeUndefined();
  });
});
