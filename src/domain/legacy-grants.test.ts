import { describe, expect, it } from 'vitest';
import { grantsOfReport } from './legacy-grants.js';
import type { AccessGrants } from './resources.js';
import { tableArns, tableNames } from './table-names.js';

const base: AccessGrants = { primaryKmsKeyArns: ['k'], recoveryKmsKeyArns: [], exportBuckets: [] };

const plan = { planId: 'shop-2026-12', accountId: '111122223333', region: 'eu-west-1' };
const table = { kind: 'dynamodb-table' as const, target: 'Orders' };
const db = { kind: 'rds-instance' as const, target: 'orders-db' };
const ec2 = { kind: 'ec2-instance' as const, target: 'web' };

describe('the grants of a preflight report', () => {
  it('of today: as recorded', () => {
    const access = { ...base, dynamoDbTableArns: ['t'], rdsResourceArns: ['r'], rdsRetiredArns: [] };
    expect(grantsOfReport(access, [table, db], plan)).toEqual({ grants: access });
    expect(grantsOfReport(undefined, [table, db], plan)).toEqual({});
  });

  it('recorded before table names: the tables preflight would name, exact, or every table for databaseAccess account', () => {
    const { grants, problem } = grantsOfReport(base, [table, ec2], plan);
    expect(problem).toBeUndefined();
    expect(grants).toEqual({
      ...base,
      dynamoDbTableArns: tableArns(tableNames('Orders', plan.planId), plan.accountId, plan.region),
    });
    expect(grants?.dynamoDbTableArns).toContain('arn:aws:dynamodb:eu-west-1:111122223333:table/Orders');
    const wide = grantsOfReport(base, [table], { ...plan, databaseAccess: 'account' });
    expect(wide.grants?.dynamoDbTableArns).toContain('arn:aws:dynamodb:eu-west-1:111122223333:table/*');
    // No table: nothing added.
    expect(grantsOfReport(base, [ec2], plan)).toEqual({ grants: base });
  });

  it('recorded before database names: the plan is stopped, naming the databases', () => {
    const { problem } = grantsOfReport({ ...base, dynamoDbTableArns: ['t'] }, [db, ec2], plan);
    expect(problem).toMatch(/orders-db/);
    expect(problem).toMatch(/abort/);
    // The first version's names (no retired list): patterns wider than the plan's.
    expect(grantsOfReport({ ...base, rdsResourceArns: ['r'] }, [db], plan).problem).toMatch(/orders-db/);
    const named = { ...base, rdsResourceArns: ['r'], rdsRetiredArns: [] };
    expect(grantsOfReport(named, [db], plan).problem).toBeUndefined();
  });
});
