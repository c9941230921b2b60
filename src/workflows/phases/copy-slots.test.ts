import { describe, expect, it } from 'vitest';
import { copySlotUnits } from '../../domain/resources.js';
import { CopySlots } from './copy-slots.js';

const req = (n: number, quotaClass: 'ebs-copy' | 'rds-copy' = 'rds-copy') => ({
  key: `k${n}`,
  quotaClass,
  workflowId: `wf${n}`,
});

describe('CopySlots', () => {
  it('grants up to the limit per class, then queues in order', () => {
    const slots = new CopySlots({ 'ebs-copy': 2, 'rds-copy': 1 });
    expect(slots.request(req(1))).toEqual(req(1));
    expect(slots.request(req(2))).toBeUndefined();
    expect(slots.request(req(3))).toBeUndefined();
    expect(slots.request(req(4, 'ebs-copy'))).toEqual(req(4, 'ebs-copy'));
    expect(slots.snapshot()).toEqual({
      'ebs-copy': { limit: 2, inUse: 1, waiting: 0 },
      'rds-copy': { limit: 1, inUse: 1, waiting: 2 },
    });
    expect(slots.release('wf1')).toEqual([req(2)]);
    expect(slots.release('wf2')).toEqual([req(3)]);
    expect(slots.release('wf3')).toEqual([]);
  });

  it('is idempotent for repeated requests and releases', () => {
    const slots = new CopySlots({ 'ebs-copy': 1, 'rds-copy': 1 });
    expect(slots.request(req(1))).toEqual(req(1));
    expect(slots.request(req(1))).toEqual(req(1)); // a re-sent request is granted again, not double-counted
    expect(slots.request(req(2))).toBeUndefined();
    expect(slots.request(req(2))).toBeUndefined();
    expect(slots.snapshot()['rds-copy']).toEqual({ limit: 1, inUse: 1, waiting: 1 });
    expect(slots.release('wf1')).toEqual([req(2)]);
    expect(slots.release('wf1')).toEqual([]);
  });

  it('drops a queued request whose workflow went away', () => {
    const slots = new CopySlots({ 'ebs-copy': 1, 'rds-copy': 1 });
    slots.request(req(1));
    slots.request(req(2));
    slots.release('wf2'); // cancelled while waiting
    expect(slots.isQueued('wf2')).toBe(false);
    expect(slots.release('wf1')).toEqual([]);
  });

  it('never holds more than the limit under any interleaving', () => {
    const slots = new CopySlots({ 'ebs-copy': 3, 'rds-copy': 1 });
    const held = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const granted = slots.request(req(i, 'ebs-copy'));
      if (granted) held.add(granted.workflowId);
      if (i % 3 === 2) {
        const victim = [...held][0]!;
        held.delete(victim);
        for (const g of slots.release(victim)) held.add(g.workflowId);
      }
      expect(held.size).toBeLessThanOrEqual(3);
      expect(slots.snapshot()['ebs-copy']!.inUse).toBe(held.size);
    }
  });

  it('counts units: an AMI of 3 volumes takes 3 of the 20, and a large request at the head is not passed', () => {
    const slots = new CopySlots({ 'ebs-copy': 5, 'rds-copy': 1 });
    const ami = (n: number, units: number) => ({ ...req(n, 'ebs-copy'), units });
    expect(slots.request(ami(1, 3))).toEqual(ami(1, 3));
    expect(slots.request(ami(2, 3))).toBeUndefined(); // 3 + 3 > 5
    expect(slots.request(ami(3, 1))).toBeUndefined(); // would fit, but waits behind wf2
    expect(slots.snapshot()['ebs-copy']).toEqual({ limit: 5, inUse: 3, waiting: 2 });
    expect(slots.release('wf1')).toEqual([ami(2, 3), ami(3, 1)]);
    expect(slots.snapshot()['ebs-copy']).toEqual({ limit: 5, inUse: 4, waiting: 0 });
    // More volumes than the whole quota: it takes all of it, alone, and still gets its turn.
    expect(slots.request(ami(4, 40))).toBeUndefined();
    slots.release('wf2');
    expect(slots.release('wf3')).toEqual([ami(4, 40)]);
    expect(slots.snapshot()['ebs-copy']).toEqual({ limit: 5, inUse: 5, waiting: 0 });
  });

  it('a waiter that goes away from the head lets the request behind it in when it fits', () => {
    const slots = new CopySlots({ 'ebs-copy': 5, 'rds-copy': 1 });
    const ami = (n: number, units: number) => ({ ...req(n, 'ebs-copy'), units });
    slots.request(ami(1, 4));
    slots.request(ami(2, 3)); // waits: 4 + 3 > 5
    slots.request(ami(3, 1)); // waits behind it, though it fits
    expect(slots.release('wf2')).toEqual([ami(3, 1)]); // wf2 ended while waiting
    expect(slots.snapshot()['ebs-copy']).toEqual({ limit: 5, inUse: 5, waiting: 0 });
  });
});

describe('copySlotUnits', () => {
  it('is one per volume for an AMI copy, one for a DB copy, capped at the quota', () => {
    const seen = (volumes: unknown) => ({ sourceDetails: { volumes } });
    expect(copySlotUnits(seen(3), 'ebs-copy')).toBe(3);
    expect(copySlotUnits(seen(3), 'rds-copy')).toBe(1);
    expect(copySlotUnits(seen(64), 'ebs-copy')).toBe(20);
    for (const odd of [undefined, 0, -2, 2.5, '3', Number.NaN])
      expect(copySlotUnits(seen(odd), 'ebs-copy')).toBe(1);
    expect(copySlotUnits(undefined, 'ebs-copy')).toBe(1);
  });
});
