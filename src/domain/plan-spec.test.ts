import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { validSpec } from '../../test/support/specs.js';
import { configurationFrom } from '../activities/kinds/shared/options.js';
import { PlanSpecSchema } from './plan-spec.js';
import type { ResolvedResource } from './resources.js';

// Issue 15: options.configurationFrom, where a copy's configuration is carried from
// (docs/decisions/0013-configuration-tables.md).
const withOptions = (kind: string, options: Record<string, unknown>) => ({
  ...validSpec(),
  resources: [
    { kind, source: kind === 'ec2-instance' ? 'i-0123456789abcdef0' : 'shop-db', target: 'shop', options },
  ],
});
const errors = (spec: unknown) => [...Value.Errors(PlanSpecSchema, spec)].length;

describe('options.configurationFrom', () => {
  it('takes recovery or primary on EC2 instances, RDS instances and Aurora clusters', () => {
    for (const kind of ['ec2-instance', 'rds-instance', 'aurora-cluster'])
      for (const from of ['recovery', 'primary'])
        expect(errors(withOptions(kind, { configurationFrom: from })), `${kind} ${from}`).toBe(0);
  });

  it('refuses any other value, and DynamoDB tables (their settings come from the recovery table)', () => {
    expect(errors(withOptions('rds-instance', { configurationFrom: 'old-primary' }))).toBeGreaterThan(0);
    expect(errors(withOptions('ec2-instance', { configurationFrom: true }))).toBeGreaterThan(0);
    expect(errors(withOptions('dynamodb-table', { configurationFrom: 'primary' }))).toBeGreaterThan(0);
  });

  it('defaults to the recovery source', () => {
    const resource = (options?: Record<string, unknown>): ResolvedResource => ({
      key: 'rds-instance:shop',
      kind: 'rds-instance',
      source: 'shop-db',
      target: 'shop',
      ...(options ? { options } : {}),
    });
    expect(configurationFrom(resource())).toBe('recovery');
    expect(configurationFrom(resource({ instanceClass: 'db.m5.large' }))).toBe('recovery');
    expect(configurationFrom(resource({ configurationFrom: 'primary' }))).toBe('primary');
  });
});
