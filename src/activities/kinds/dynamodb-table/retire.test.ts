import { describe, expect, it } from 'vitest';
import { sameTable } from './retire.js';

describe('sameTable', () => {
  const at = (iso: string) => new Date(iso);
  it('tells two incarnations under one name apart by TableId where AWS reports it', () => {
    expect(sameTable({ TableId: 'a', TableName: 't' }, { TableId: 'a', TableName: 't' })).toBe(true);
    expect(sameTable({ TableId: 'a' }, { TableId: 'b', CreationDateTime: at('2026-01-01T00:00:00Z') })).toBe(
      false,
    );
  });
  it('else by creation time, to the millisecond', () => {
    const old = { TableName: 't', CreationDateTime: at('2026-01-01T00:00:00.100Z') };
    expect(sameTable(old, { TableName: 't', CreationDateTime: at('2026-01-01T00:00:00.100Z') })).toBe(true);
    expect(sameTable(old, { TableName: 't', CreationDateTime: at('2026-01-01T00:00:00.101Z') })).toBe(false);
  });
});
