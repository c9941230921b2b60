import { describe, expect, it } from 'vitest';
import type { QuotaClass } from '../../domain/resources.js';
import { CopySchedule, READY_PER_SLOT } from './copy-schedule.js';

const LIMITS: Record<QuotaClass, number> = { 'ebs-copy': 2, 'rds-copy': 1 };
const id = (item: string) => `wf-${item}`;

function plan(counts: { ebs?: number; rds?: number; none?: number }) {
  const items = [
    ...Array.from({ length: counts.ebs ?? 0 }, (_, i) => ({
      item: `ec2-${i}`,
      quotaClass: 'ebs-copy' as const,
    })),
    ...Array.from({ length: counts.rds ?? 0 }, (_, i) => ({
      item: `rds-${i}`,
      quotaClass: 'rds-copy' as const,
    })),
    ...Array.from({ length: counts.none ?? 0 }, (_, i) => ({ item: `ddb-${i}`, quotaClass: null })),
  ];
  return items;
}

function takeAll(schedule: CopySchedule<string>): string[] {
  const taken: string[] = [];
  for (let item = schedule.take(id); item !== undefined; item = schedule.take(id)) taken.push(item);
  return taken;
}

describe('CopySchedule', () => {
  it('keeps a quota class to a few children per copy slot, and lets the others start meanwhile', () => {
    const schedule = new CopySchedule(plan({ ebs: 20, none: 3 }), 10, LIMITS);
    const taken = takeAll(schedule);
    // 2 EBS slots: 6 instances on their way to a copy; the tables start beside them
    expect(taken.filter((t) => t.startsWith('ec2'))).toHaveLength(READY_PER_SLOT * 2);
    expect(taken.filter((t) => t.startsWith('ddb'))).toEqual(['ddb-0', 'ddb-1', 'ddb-2']);
    expect(schedule.canStart).toBe(false);
  });

  it('starts the class with the most work per slot first, in plan order within it', () => {
    // 4 RDS copies through 1 slot weigh more than 4 EC2 copies through 2
    const schedule = new CopySchedule(plan({ ebs: 4, rds: 4 }), 2, LIMITS);
    expect(takeAll(schedule)).toEqual(['rds-0', 'rds-1']);
  });

  it('starts the next one when a copy is done or a child ends, never beyond the concurrency', () => {
    const schedule = new CopySchedule(plan({ rds: 5, none: 1 }), 4, LIMITS);
    expect(takeAll(schedule)).toEqual(['rds-0', 'rds-1', 'rds-2', 'ddb-0']);
    expect(schedule.canStart).toBe(false);
    schedule.copied(id('rds-0')); // its slot went back, but the concurrency is full
    expect(schedule.canStart).toBe(false);
    schedule.finished(id('ddb-0'));
    expect(takeAll(schedule)).toEqual(['rds-3']);
    schedule.finished(id('rds-0'));
    schedule.finished(id('rds-0')); // repeated: no effect
    expect(takeAll(schedule)).toEqual([]); // three RDS children still before their copy
    schedule.finished(id('rds-1')); // ended without a copy (a failure): its place frees too
    expect(takeAll(schedule)).toEqual(['rds-4']);
    expect(schedule.drained).toBe(true);
  });

  it('drops what will not run', () => {
    const schedule = new CopySchedule(plan({ ebs: 2, none: 2 }), 10, LIMITS);
    schedule.drop((item) => item === 'ec2-0' || item === 'ddb-1');
    expect(takeAll(schedule).sort()).toEqual(['ddb-0', 'ec2-1']);
    expect(schedule.drained).toBe(true);
  });
});
