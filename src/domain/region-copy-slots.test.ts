import { describe, expect, it } from 'vitest';
import { RegionCopySlots, type RegionSlotRequest } from './region-copy-slots.js';

const limits = { 'ebs-copy': 3, 'rds-copy': 2 } as const;
const req = (planId: string, n: number, weightGiB = 0, quotaClass: 'ebs-copy' | 'rds-copy' = 'rds-copy') =>
  ({
    holder: `${planId}-r${n}`,
    planId,
    phase: `${planId}-phase`,
    key: `rds-instance:db${n}`,
    quotaClass,
    weightGiB,
  }) satisfies RegionSlotRequest;
const holders = (granted: RegionSlotRequest[]) => granted.map((g) => g.holder);

describe('RegionCopySlots', () => {
  it('never grants more than the class limit across plans', () => {
    const slots = new RegionCopySlots(undefined, limits);
    const granted = [1, 2, 3].flatMap((n) => [...slots.request(req('a', n)), ...slots.request(req('b', n))]);
    expect(holders(granted)).toEqual(['a-r1', 'b-r1']);
    expect(slots.snapshot()['rds-copy']).toMatchObject({ limit: 2, inUse: 2, waiting: 4 });
    expect(slots.snapshot()['ebs-copy']).toMatchObject({ inUse: 0, waiting: 0 });
  });

  it('gives a freed slot to the plan holding fewest, then to its largest copy', () => {
    const slots = new RegionCopySlots(undefined, limits);
    // Plan a asks first for everything; b's small copies come later.
    for (const [n, gib] of [
      [1, 10],
      [2, 400],
      [3, 20],
      [4, 100],
    ] as const)
      slots.request(req('a', n, gib));
    slots.request(req('b', 1, 5));
    slots.request(req('b', 2, 50));
    expect(slots.snapshot()['rds-copy']!.plans).toEqual({
      a: { inUse: 2, waiting: 2 },
      b: { inUse: 0, waiting: 2 },
    });
    // a holds 2, b none: b gets the slot, its largest first.
    expect(holders(slots.release('a-r1'))).toEqual(['b-r2']);
    // a 0, b 1: a's largest waiting copy (100 GiB) goes, before its older 20 GiB one.
    expect(holders(slots.release('a-r2'))).toEqual(['a-r4']);
    expect(holders(slots.release('b-r2'))).toEqual(['b-r1']);
    // a 0, b 1: a's copy goes, though b's waiting copy is larger (fair before longest).
    slots.request(req('b', 3, 999));
    expect(holders(slots.release('a-r4'))).toEqual(['a-r3']);
  });

  it('starts a plan’s largest copies first when it is alone', () => {
    const slots = new RegionCopySlots(undefined, limits);
    const first = slots.request(req('a', 1, 1));
    [2, 3, 4].forEach((n) => slots.request(req('a', n, n * 100)));
    expect(holders(first)).toEqual(['a-r1']);
    expect(slots.snapshot()['rds-copy']!.inUse).toBe(2);
    expect(holders(slots.release('a-r1'))).toEqual(['a-r4']);
  });

  it('grants a repeated request of a holder again, and ignores a repeated waiter and an unknown release', () => {
    const slots = new RegionCopySlots(undefined, limits);
    expect(holders(slots.request(req('a', 1)))).toEqual(['a-r1']);
    expect(holders(slots.request(req('a', 1)))).toEqual(['a-r1']);
    slots.request(req('a', 2));
    slots.request(req('a', 3));
    expect(slots.request(req('a', 3))).toEqual([]);
    expect(slots.release('nobody')).toEqual([]);
    expect(slots.snapshot()['rds-copy']).toMatchObject({ inUse: 2, waiting: 1 });
  });

  it('recovers the slots of ended holders and of every request of an ended phase', () => {
    const slots = new RegionCopySlots(undefined, limits);
    [1, 2, 3].forEach((n) => slots.request(req('a', n)));
    [1, 2].forEach((n) => slots.request(req('b', n)));
    expect(slots.workflows()).toEqual(expect.arrayContaining(['a-r1', 'a-phase', 'b-phase']));
    // a's phase died: its two holders and its waiter go; b's two get the slots.
    expect(holders(slots.releaseEnded(new Set(['a-phase'])))).toEqual(['b-r1', 'b-r2']);
    expect(slots.releaseEnded(new Set(['b-r1']))).toEqual([]);
    expect(slots.snapshot()['rds-copy']).toMatchObject({ inUse: 1, waiting: 0 });
    expect(holders(slots.releaseEnded(new Set(['b-r2'])))).toEqual([]);
    expect(slots.idle).toBe(true);
  });

  it('keeps its queue, holders and order across continue-as-new', () => {
    const slots = new RegionCopySlots(undefined, limits);
    [1, 2, 3, 4].forEach((n) => slots.request(req('a', n, n)));
    const again = new RegionCopySlots(structuredClone(slots.state()), limits);
    expect(again.snapshot()).toEqual(slots.snapshot());
    expect(holders(again.release('a-r1'))).toEqual(['a-r4']);
    expect(again.request(req('a', 3))).toEqual([]);
  });

  it('keeps the quota classes apart', () => {
    const slots = new RegionCopySlots(undefined, limits);
    const granted = [1, 2, 3, 4].flatMap((n) => slots.request(req('a', n, 0, 'ebs-copy')));
    expect(granted).toHaveLength(3);
    expect(holders(slots.request(req('a', 9)))).toEqual(['a-r9']);
  });

  it('counts units across plans: the chosen copy waits for room, the fewest units go first', () => {
    const slots = new RegionCopySlots(undefined, { 'ebs-copy': 6, 'rds-copy': 2 });
    const ami = (planId: string, n: number, units: number, gib = 0) => ({
      ...req(planId, n, gib, 'ebs-copy'),
      units,
    });
    expect(holders(slots.request(ami('a', 1, 4)))).toEqual(['a-r1']);
    expect(holders(slots.request(ami('a', 2, 1)))).toEqual(['a-r2']); // 5 of 6
    expect(holders(slots.request(ami('b', 1, 3)))).toEqual([]); // b holds none, but 3 do not fit
    expect(holders(slots.request(ami('a', 3, 1)))).toEqual([]); // would fit; b's turn comes first
    expect(slots.snapshot()['ebs-copy']).toMatchObject({
      inUse: 5,
      waiting: 2,
      plans: { a: { inUse: 5, waiting: 1 }, b: { inUse: 0, waiting: 1 } },
    });
    expect(holders(slots.release('a-r2'))).toEqual([]); // 4 + 3 > 6: b waits, and a-r3 behind it
    expect(holders(slots.release('a-r1'))).toEqual(['b-r1', 'a-r3']);
    expect(slots.snapshot()['ebs-copy']).toMatchObject({ inUse: 4, waiting: 0 });
  });
});
