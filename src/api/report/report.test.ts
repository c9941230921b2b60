import { describe, expect, it } from 'vitest';
import type { PlanStatus, ResourceStatus } from '../../domain/status.js';
import { computeReport } from './compute.js';
import { renderMarkdown } from './markdown.js';
import { humanDuration, secondsBetween } from './time.js';

const db: ResourceStatus = {
  key: 'rds-instance:shop-db',
  kind: 'rds-instance',
  source: 'shop-db',
  target: 'shop-db',
  phase: 'failback',
  state: 'succeeded',
  recoveryPoint: { id: 'fb-shop-fb-snap', capturedAt: '2026-11-28T02:01:30Z' },
  retirement: {
    originalId: 'shop-db',
    action: 'renamed',
    retiredId: 'shop-db-pre-failback-20261128',
    at: '2026-11-28T02:20:00Z',
  },
  restored: { id: 'shop-db', name: 'shop-db' },
  leftOff: [
    'enhanced monitoring on shop-db left off: AccessDenied iam:PassRole (turn it on yourself: ModifyDBInstance --monitoring-interval 30)',
  ],
  verification: {
    ok: true,
    at: '2026-11-28T02:30:00Z',
    checks: [{ name: 'engine', expected: 'postgres', actual: 'postgres', ok: true }],
    configuration: [
      { item: 'Multi-AZ', source: 'true', restored: 'true', outcome: 'carried' },
      { item: 'Performance Insights', source: null, restored: null, outcome: 'unset' },
      {
        item: 'subnet group',
        source: 'dr-subnets',
        restored: 'shop-subnets',
        outcome: 'mapped',
        note: 'as the plan spec maps it',
      },
      {
        item: 'deletion protection',
        from: 'primary',
        source: 'true',
        restored: 'false',
        outcome: 'differs',
        note: 'left off the copy | the final cleanup turns it on',
      },
    ],
  },
  timings: {
    'test-failback': [
      { step: 'takeRecoveryPoint', startedAt: '2026-11-27T10:00:00Z', finishedAt: '2026-11-27T10:05:00Z' },
    ],
    failback: [
      { step: 'takeRecoveryPoint', startedAt: '2026-11-28T02:01:00Z', finishedAt: '2026-11-28T02:06:00Z' },
      { step: 'copyRecoveryPoint', startedAt: '2026-11-28T02:06:00Z', finishedAt: '2026-11-28T02:18:30Z' },
      { step: 'restoreIntoPrimary', startedAt: '2026-11-28T02:18:30Z', finishedAt: '2026-11-28T02:29:00Z' },
    ],
  },
};

const table: ResourceStatus = {
  key: 'dynamodb-table:orders',
  kind: 'dynamodb-table',
  source: 'orders',
  target: 'orders',
  phase: 'failback',
  state: 'succeeded',
  // Taken 30 s before the quiesce: writes in those 30 s are the RPO.
  recoveryPoint: {
    id: 'arn:aws:dynamodb:us-west-2:222222222222:table/orders/backup/1',
    capturedAt: '2026-11-28T01:59:30Z',
  },
  retirement: {
    originalId: 'orders',
    action: 'backed-up-and-replaced',
    backupArn: 'arn:backup/orders-kept',
    at: '2026-11-28T02:10:00Z',
  },
  restored: { id: 'orders', name: 'orders' },
  verification: {
    ok: false,
    at: '2026-11-28T02:31:00Z',
    checks: [
      { name: 'itemCount', expected: 1200, actual: 1199, ok: false },
      { name: 'contentHash', expected: 'ab|cd', actual: 'ab|ce', ok: false },
    ],
  },
  timings: { failback: [{ step: 'copyRecoveryPoint', startedAt: '2026-11-28T02:01:00Z' }] },
};

const status: PlanStatus = {
  planId: 'shop-2026-11',
  application: 'shop',
  stage: 'completed',
  waitingFor: null,
  maintenanceWindow: {
    start: '2026-11-28T02:00:00Z',
    end: '2026-11-28T04:00:00Z',
    setBy: 'olga',
    setAt: '2026-11-27T12:00:00Z',
  },
  resources: [db, table],
  timeline: [
    { stage: 'preflight', at: '2026-11-27T09:00:00Z' },
    { stage: 'awaiting-window', at: '2026-11-27T11:00:00Z' },
    { stage: 'failback', at: '2026-11-28T02:00:00Z', note: 'window opened' },
    { stage: 'awaiting-dns-cutover', at: '2026-11-28T02:31:00Z' },
    { stage: 'awaiting-primary-validation', at: '2026-11-28T02:40:00Z' },
    { stage: 'completed', at: '2026-11-28T03:10:00Z' },
  ],
  audit: [
    { at: '2026-11-27T09:00:00Z', by: 'olga', action: 'start', outcome: 'accepted' },
    {
      at: '2026-11-27T09:30:00Z',
      by: 'anna',
      action: 'approve',
      gate: 'primary-ready',
      outcome: 'accepted',
      comment: 'checked | ok',
    },
    {
      at: '2026-11-27T09:31:00Z',
      by: 'bob',
      action: 'approve',
      gate: 'failback',
      outcome: 'ignored',
      reason: 'not waiting for failback',
    },
    {
      at: '2026-11-28T02:39:00Z',
      by: 'anna',
      action: 'dnsCutoverComplete',
      outcome: 'accepted',
      details: 'CNAME flipped',
    },
    {
      at: '2026-11-28T02:55:00Z',
      by: 'anna',
      action: 'approve',
      gate: 'primary-validated',
      outcome: 'accepted',
    },
  ],
  errors: [
    {
      at: '2026-11-28T02:31:00Z',
      stage: 'failback',
      resource: 'dynamodb-table:orders',
      type: 'VerificationFailed',
      message: 'item count differs',
      action: 'compare the tables, then retry',
    },
  ],
  dns: { mode: 'manual', cutoverAt: '2026-11-28T02:39:00Z', by: 'anna', details: 'CNAME flipped' },
  measurements: {
    startedAt: '2026-11-27T09:00:00Z',
    failbackStartedAt: '2026-11-28T02:00:00Z',
    quiescedAt: '2026-11-28T02:00:00Z',
    finalRecoveryPointsAt: '2026-11-28T01:59:30Z',
    restoreCompletedAt: '2026-11-28T02:29:00Z',
    dnsCutoverAt: '2026-11-28T02:39:00Z',
    primaryValidatedAt: '2026-11-28T02:55:00Z',
    completedAt: '2026-11-28T03:10:00Z',
  },
  outcome: { result: 'completed', at: '2026-11-28T03:10:00Z' },
};

const input = {
  status,
  workflowId: 'failback-shop-2026-11',
  workflowStatus: 'COMPLETED' as const,
  now: '2026-11-28T04:00:00Z',
};

describe('computeReport', () => {
  const report = computeReport(input);

  it('measures the RTO from the failback start to DNS cutover and to primary-validated', () => {
    expect(report.rto).toEqual({
      failbackStartedAt: '2026-11-28T02:00:00Z',
      dnsCutoverAt: '2026-11-28T02:39:00Z',
      primaryValidatedAt: '2026-11-28T02:55:00Z',
      toDnsCutoverSeconds: 39 * 60,
      toPrimaryValidatedSeconds: 55 * 60,
    });
  });

  it('measures the RPO per resource against the quiesce: 0 after it, the gap before it', () => {
    expect(report.rpo.resources).toEqual([
      { key: 'rds-instance:shop-db', capturedAt: '2026-11-28T02:01:30Z', seconds: 0, afterQuiesce: true },
      { key: 'dynamodb-table:orders', capturedAt: '2026-11-28T01:59:30Z', seconds: 30, afterQuiesce: false },
    ]);
    expect(report.rpo.seconds).toBe(30);
  });

  it('counts a recovery point stamped to the second, in the quiesce second, as after it', () => {
    const quiescedAt = '2026-11-28T02:00:00.004Z';
    const of = (capturedAt: string) =>
      computeReport({
        ...input,
        status: {
          ...status,
          measurements: { ...status.measurements, quiescedAt },
          resources: status.resources.map((r) => ({ ...r, recoveryPoint: { id: 'ami-1', capturedAt } })),
        },
      }).rpo;
    expect(of('2026-11-28T02:00:00Z')).toMatchObject({ seconds: 0 });
    expect(of('2026-11-28T02:00:00Z').resources.every((r) => r.afterQuiesce)).toBe(true);
    // …and the report says why, instead of an unexplained "after".
    expect(of('2026-11-28T02:00:00Z').resources[0]!.note).toMatch(/to the second only/);
    expect(of('2026-11-28T01:59:59Z').resources[0]!.note).toBeUndefined();
    // Millisecond times and earlier seconds are taken as they are.
    expect(of('2026-11-28T02:00:00.001Z').seconds).toBe(0.003);
    expect(of('2026-11-28T01:59:59Z').seconds).toBe(1.004);
  });

  it('falls back to the plan-level final recovery point when resources carry none', () => {
    const bare = computeReport({
      ...input,
      status: { ...status, resources: status.resources.map(({ recoveryPoint: _, ...r }) => r) },
    });
    expect(bare.rpo.resources).toEqual([]);
    expect(bare.rpo.seconds).toBe(30);
  });

  it('has no RTO or RPO before the failback ran', () => {
    const early = computeReport({
      ...input,
      status: {
        ...status,
        stage: 'awaiting-window',
        measurements: { startedAt: '2026-11-27T09:00:00Z' },
        outcome: undefined,
      },
    });
    expect(early.rto.toDnsCutoverSeconds).toBeNull();
    expect(early.rto.toPrimaryValidatedSeconds).toBeNull();
    expect(early.rpo).toEqual({
      quiescedAt: null,
      finalRecoveryPointsAt: null,
      worstResource: null,
      seconds: null,
      resources: [],
    });
    expect(early.outcome).toBeNull();
  });

  it('times every phase and step of every resource; an unfinished step leaves its phase open', () => {
    const [dbReport, tableReport] = report.resources;
    expect(dbReport!.phases.map((p) => [p.phase, p.seconds])).toEqual([
      ['test-failback', 300],
      ['failback', 28 * 60],
    ]);
    expect(dbReport!.phases[1]!.steps.map((s) => s.seconds)).toEqual([300, 750, 630]);
    expect(tableReport!.phases[0]).toMatchObject({ finishedAt: null, seconds: null });
    expect(dbReport!.retired).toBe('shop-db renamed to shop-db-pre-failback-20261128');
    expect(tableReport!.retired).toBe('orders backed up as arn:backup/orders-kept');
  });

  it('counts the data checks and keeps every audited action with who and when', () => {
    expect(report.dataChecks).toEqual({ verified: 1, failed: 1, unverified: 0 });
    expect(report.approvals.map((a) => `${a.by}:${a.action}:${a.gate ?? ''}:${a.outcome}`)).toEqual([
      'olga:start::accepted',
      'anna:approve:primary-ready:accepted',
      'bob:approve:failback:ignored',
      'anna:dnsCutoverComplete::accepted',
      'anna:approve:primary-validated:accepted',
    ]);
  });

  it('gives each stage of the timeline its time until the next', () => {
    expect(report.timeline.map((t) => t.seconds)).toEqual([7200, 54000, 1860, 540, 1800, 0]);
  });
});

describe('renderMarkdown', () => {
  const markdown = renderMarkdown(computeReport(input));

  it('states the recovery objectives in a table', () => {
    expect(markdown).toContain('# Failback report: shop-2026-11');
    expect(markdown).toContain(
      '| RTO to DNS cutover | 2026-11-28T02:00:00Z | 2026-11-28T02:39:00Z | 39 min 00 s |',
    );
    expect(markdown).toContain(
      '| RTO to primary validated | 2026-11-28T02:00:00Z | 2026-11-28T02:55:00Z | 55 min 00 s |',
    );
    expect(markdown).toContain(
      '| RPO (worst resource: `dynamodb-table:orders`) | 2026-11-28T01:59:30Z | 2026-11-28T02:00:00Z | 30 s |',
    );
    expect(markdown).toContain(
      '| `dynamodb-table:orders` | 2026-11-28T01:59:30Z | 2026-11-28T02:00:00Z | 30 s | taken before the quiesce |',
    );
  });

  it('says where it ran: AWS, or an emulator at its time scale', () => {
    expect(markdown).toContain('- Environment: Ran against AWS');
    const emulated = renderMarkdown(
      computeReport({ ...input, environment: { timeScale: 0.01, awsEndpoint: 'http://127.0.0.1:4566' } }),
    );
    expect(emulated).toContain(
      '- Environment: Ran against an AWS emulator (http://127.0.0.1:4566) at time scale 0.01: its AWS operations take about 0.01 × AWS',
    );
  });

  it('keeps long ARNs out of the tables and lists each once under Identifiers', () => {
    const arn = 'arn:aws:dynamodb:us-east-1:111111111111:table/orders/backup/01764000000000-abcdef12';
    const long = renderMarkdown(
      computeReport({
        ...input,
        status: {
          ...status,
          resources: status.resources.map((r) =>
            r.retirement ? { ...r, retirement: { ...r.retirement, backupArn: arn } } : r,
          ),
        },
      }),
    );
    const rows = long.split('\n').filter((l) => l.startsWith('|'));
    expect(rows.some((l) => l.includes(arn))).toBe(false);
    expect(rows.some((l) => l.includes('table/orders/backup/01764000000000-abcdef12'))).toBe(true);
    expect(long).toContain(`## Identifiers\n\n- \`${arn}\``);
  });

  it('lists per-resource step timings, data checks and approvals, escaping table cells', () => {
    expect(markdown).toContain(
      '| failback | copyRecoveryPoint | 2026-11-28T02:06:00Z | 2026-11-28T02:18:30Z | 12 min 30 s |',
    );
    expect(markdown).toContain('| `dynamodb-table:orders` | contentHash | ab\\|cd | ab\\|ce | MISMATCH |');
    expect(markdown).toContain(
      '| 2026-11-27T09:30:00Z | anna | approve | primary-ready | accepted | checked \\| ok |',
    );
    expect(markdown).toContain(
      '| 2026-11-27T09:31:00Z | bob | approve | failback | ignored | not waiting for failback |',
    );
    expect(markdown).toContain('1 verified, 1 failed, 0 not verified.');
    expect(markdown).toContain('- Outcome: **completed** at 2026-11-28T03:10:00Z');
  });

  it('has a configuration section: the counts, and each item not simply carried with why', () => {
    const section = markdown.slice(markdown.indexOf('## Configuration'));
    expect(section).toContain('1 carried, 1 mapped, 1 unset, 1 differs, 0 unknown.');
    expect(section).toContain(
      '| `rds-instance:shop-db` | deletion protection | old primary | true | false | DIFFERS | left off the copy \\| the final cleanup turns it on |',
    );
    expect(section).toContain(
      '| `rds-instance:shop-db` | subnet group | recovery | dr-subnets | shop-subnets | mapped |',
    );
    expect(section).not.toContain('Multi-AZ');
    expect(computeReport(input).resources.find((r) => r.kind === 'rds-instance')?.configuration).toHaveLength(
      4,
    );
    expect(computeReport(input).resources.find((r) => r.kind === 'dynamodb-table')?.configuration).toEqual(
      [],
    );
  });

  it('lists what the final cleanup left for a person, with the fix; nothing when it left nothing', () => {
    const section = markdown.slice(
      markdown.indexOf('## Left for a person'),
      markdown.indexOf('## Approvals'),
    );
    expect(section).toContain(
      '| `rds-instance:shop-db` | enhanced monitoring on shop-db left off: AccessDenied iam:PassRole (turn it on yourself: ModifyDBInstance --monitoring-interval 30) |',
    );
    expect(section).not.toContain('dynamodb-table:orders');
    const none = renderMarkdown(computeReport({ ...input, status: { ...input.status, resources: [table] } }));
    expect(none.slice(none.indexOf('## Left for a person'))).toMatch(/^## Left for a person\n\nNothing\./);
  });

  it('has a well-formed table everywhere: every row has as many cells as its header', () => {
    const lines = markdown.split('\n');
    let columns = 0;
    for (const line of lines) {
      if (!line.startsWith('|')) {
        columns = 0;
        continue;
      }
      const cells = line.replace(/\\\|/g, '').split('|').length - 2;
      if (columns === 0) columns = cells;
      expect(cells, line).toBe(columns);
    }
  });
});

describe('durations', () => {
  it('reads like a person would write them', () => {
    expect(humanDuration(null)).toBe('—');
    expect(humanDuration(0.0042)).toBe('0.004 s');
    expect(humanDuration(42.4)).toBe('42.4 s');
    // The table and a text give the same number: never "60 s" for 59.96 s, and never "60.0 s".
    expect(humanDuration(59.552)).toBe('59.6 s');
    expect(humanDuration(59.96)).toBe('1 min 00 s');
    expect(humanDuration(754)).toBe('12 min 34 s');
    expect(humanDuration(7500)).toBe('2 h 05 min');
    expect(humanDuration(-30)).toBe('−30 s');
    expect(secondsBetween('2026-01-01T00:00:00Z', 'not a date')).toBeNull();
  });
});
