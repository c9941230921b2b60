import { describe, expect, it } from 'vitest';
import { chooseMethod } from './method.js';

const ctx = (crossAccount: boolean, copyMethod?: string) => ({
  crossAccount,
  resource: {
    key: 'dynamodb-table:t',
    kind: 'dynamodb-table' as const,
    source: 't',
    target: 't',
    ...(copyMethod ? { options: { copyMethod } } : {}),
  },
});
const lsi = { name: 'l', keySchema: [], projection: {} };

describe('DynamoDB copy method', () => {
  it('auto: backup restore within one account, export/import across accounts, else scan copy', () => {
    expect(chooseMethod(ctx(false), { pitr: false, lsis: [] })).toEqual({ method: 'restore' });
    expect(chooseMethod(ctx(true), { pitr: true, lsis: [] })).toEqual({ method: 'export-import' });
    expect(chooseMethod(ctx(true), { pitr: false, lsis: [] })).toEqual({ method: 'scan-copy' });
    expect(chooseMethod(ctx(true), { pitr: true, lsis: [lsi] })).toEqual({ method: 'scan-copy' });
  });

  it('an explicit method that cannot work says why', () => {
    expect(chooseMethod(ctx(true, 'restore'), { pitr: true, lsis: [] }).problem).toMatch(/another account/);
    expect(chooseMethod(ctx(false, 'export-import'), { pitr: false, lsis: [] }).problem).toMatch(
      /point-in-time/,
    );
    expect(chooseMethod(ctx(true, 'export-import'), { pitr: true, lsis: [lsi] }).problem).toMatch(
      /local secondary/,
    );
    expect(chooseMethod(ctx(true, 'scan-copy'), { pitr: true, lsis: [] })).toEqual({ method: 'scan-copy' });
  });
});
