import { describe, expect, it } from 'vitest';
import { footprintMemo, footprintOf, overlap } from './plan-conflicts.js';

const plan = (planId: string, application: string, primaryAccount: string, target = `t-${planId}`) => ({
  planId,
  application,
  primary: { accountId: primaryAccount, region: 'us-east-1' },
  recovery: { accountId: '222222222222', region: 'us-west-2' },
  resources: [{ kind: 'dynamodb-table' as const, source: target, target }],
});

describe('overlap of two plans', () => {
  it('the same application in the same primary account conflicts', () => {
    const a = footprintOf(plan('a', 'shop', '111111111111'));
    const b = footprintMemo(footprintOf(plan('b', 'shop', '111111111111')));
    expect(overlap(a, b)).toEqual(['application shop in 111111111111']);
  });

  it('an application of the same name in another primary account does not; a shared resource would', () => {
    const a = footprintOf(plan('a', 'shop', '111111111111'));
    expect(overlap(a, footprintMemo(footprintOf(plan('b', 'shop', '333333333333'))))).toEqual([]);
    const sameSource = footprintMemo(footprintOf(plan('c', 'other', '333333333333', 't-a')));
    expect(overlap(a, sameSource)).toEqual(['recovery:222222222222/us-west-2/dynamodb-table/t-a']);
  });

  it('a memo without the account (written before it was kept) conflicts by name, as it did', () => {
    const a = footprintOf(plan('a', 'shop', '111111111111'));
    const { primaryAccount: _dropped, ...old } = footprintMemo(
      footprintOf(plan('b', 'shop', '333333333333')),
    );
    expect(overlap(a, old)).toEqual(['application shop in 111111111111']);
  });
});
