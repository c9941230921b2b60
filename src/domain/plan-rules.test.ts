import { describe, expect, it } from 'vitest';
import type { PlanSpec } from './plan-spec.js';
import { validSpec } from '../../test/support/specs.js';
import { DAY_MS, HOUR_MS, windowFrom } from './window-times.js';
import { checkPlanRules } from './plan-rules.js';

// The clock the rules are evaluated with; every window below is relative to it (clock-independence.test.ts).
const NOW = Date.now();
const paths = (spec: PlanSpec) => checkPlanRules(spec, NOW).map((e) => e.path);

describe('checkPlanRules', () => {
  it('accepts the design example', () => {
    expect(checkPlanRules(validSpec(NOW), NOW)).toEqual([]);
  });

  it('requires roles in the account they serve', () => {
    const spec = validSpec();
    spec.primary.roleArn = 'arn:aws:iam::222222222222:role/failback-access';
    spec.primary.bootstrapRoleArn = 'arn:aws:iam::333333333333:role/x';
    spec.recovery.roleArn = 'arn:aws:iam::111111111111:role/x';
    expect(paths(spec)).toEqual(['/primary/roleArn', '/recovery/roleArn', '/primary/bootstrapRoleArn']);
  });

  it('requires recovery to differ from primary', () => {
    const spec = validSpec();
    spec.recovery = {
      accountId: '111111111111',
      region: 'us-east-1',
      roleArn: 'arn:aws:iam::111111111111:role/r',
    };
    expect(paths(spec)).toContain('/recovery');
  });

  it('checks KMS key ARNs against account and region', () => {
    const spec = validSpec();
    spec.primary.kmsKeyId = 'arn:aws:kms:us-west-2:111111111111:key/abc';
    expect(paths(spec)).toEqual(['/primary/kmsKeyId']);
    spec.primary.kmsKeyId = 'alias/failback';
    expect(paths(spec)).toEqual([]);
  });

  it('lists every duplicate target and source', () => {
    const spec = validSpec();
    spec.resources = [
      { kind: 'rds-instance', source: 'a', target: 'db' },
      { kind: 'rds-instance', source: 'b', target: 'db' },
      { kind: 'rds-instance', source: 'a', target: 'db2' },
      { kind: 'dynamodb-table', source: 'db', target: 'db' },
    ];
    expect(paths(spec)).toEqual(['/resources/1/target', '/resources/2/source']);
  });

  it('needs resources or a selector', () => {
    const spec = validSpec();
    spec.resources = [];
    expect(paths(spec)).toEqual(['/resources']);
    spec.select = { tags: { app: 'shop' } };
    expect(paths(spec)).toEqual([]);
  });

  it('checks the window and route53 records', () => {
    const spec = validSpec();
    // Inverted and over: five days ago, ending two hours before it starts.
    spec.maintenanceWindow = windowFrom(NOW, -5 * DAY_MS + 2 * HOUR_MS, -5 * DAY_MS);
    spec.dnsCutover = {
      mode: 'route53',
      hostedZoneId: 'Z123',
      records: [
        { name: 'shop.example.com', type: 'A', value: '10.0.0.1', ttl: 60 },
        { name: 'SHOP.example.com.', type: 'A', value: '10.0.0.2', ttl: 60 },
      ],
    };
    expect(paths(spec)).toEqual([
      '/maintenanceWindow/end',
      '/maintenanceWindow/end',
      '/dnsCutover/records/1',
    ]);
  });

  it('accepts targets as long as AWS allows (derived names shorten themselves)', () => {
    const spec = validSpec();
    spec.planId = 'p'.repeat(32);
    spec.resources = [
      { kind: 'rds-instance', source: 'src-db', target: `d${'b'.repeat(62)}` },
      { kind: 'aurora-cluster', source: 'src-aurora', target: `a${'u'.repeat(62)}` },
      { kind: 'dynamodb-table', source: 'orders', target: 'o'.repeat(255) },
    ];
    expect(checkPlanRules(spec, Date.now())).toEqual([]);
  });
});
