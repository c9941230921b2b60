import { describe, expect, it } from 'vitest';
import type { KindContext } from '../resource-kind.js';
import {
  compareConfiguration,
  customerTags,
  tagsItem,
  TAGS_PER_RESOURCE,
  withCustomerTags,
  type ConfigurationItem,
} from './configuration.js';

interface Thing {
  size?: number;
  subnet?: string;
  protectedFlag?: boolean;
}

const items: ConfigurationItem<Thing>[] = [
  { item: 'size', read: (t) => (t.size === undefined ? undefined : String(t.size)) },
  {
    item: 'subnet',
    read: (t) => t.subnet,
    mapped: (ctx) => ctx.resource.options?.subnetId as string | undefined,
    notCarried: 'map it',
  },
  {
    item: 'protection',
    read: (t) => (t.protectedFlag ? 'true' : undefined),
    notCarried: 'turn it on later',
    notInTest: 'never on a test copy',
  },
];

function ctx(phase: string, options: Record<string, unknown> = {}): KindContext {
  return { input: { phase }, resource: { options } } as unknown as KindContext;
}

describe('compareConfiguration', () => {
  it('carried, unset, and the carried value that differs says why', () => {
    const out = compareConfiguration(items, ctx('failback'), { size: 20, protectedFlag: true }, { size: 20 });
    expect(out.map((o) => [o.item, o.outcome, o.note])).toEqual([
      ['size', 'carried', undefined],
      ['subnet', 'unset', undefined],
      ['protection', 'differs', 'turn it on later'],
    ]);
  });

  it('with the old primary, each item is compared with it, except what the snapshot determines', () => {
    const withSnapshot: ConfigurationItem<Thing>[] = [
      ...items,
      { item: 'subnet (snapshot)', read: (t) => t.subnet, fromSnapshot: true },
    ];
    const recovery = { size: 2, subnet: 'subnet-r' };
    const oldPrimary = { size: 8, subnet: 'subnet-p' };
    const copy = { size: 8, subnet: 'subnet-r' };
    const out = compareConfiguration(withSnapshot, ctx('failback'), recovery, copy, oldPrimary);
    expect(out.map((o) => [o.item, o.from, o.outcome, o.source])).toEqual([
      ['size', 'primary', 'carried', '8'],
      ['subnet', 'primary', 'differs', 'subnet-p'],
      ['protection', 'primary', 'unset', null],
      ['subnet (snapshot)', 'recovery', 'carried', 'subnet-r'],
    ]);
    expect(out[3]?.note).toMatch(/snapshot determines it/);
    // The recovery source's size on the copy is not what the old primary had.
    const small = compareConfiguration(items, ctx('failback'), recovery, { size: 2 }, oldPrimary);
    expect(small[0]).toMatchObject({ outcome: 'differs', note: 'the copy differs from the old primary' });
    expect(compareConfiguration(items, ctx('failback'), recovery, copy)[0]?.from).toBe('recovery');
  });

  it('a mapped item must have the spec value, not the source value', () => {
    const spec = ctx('failback', { subnetId: 'subnet-p' });
    const mapped = compareConfiguration(items, spec, { subnet: 'subnet-r' }, { subnet: 'subnet-p' });
    expect(mapped[1]).toMatchObject({ outcome: 'mapped', source: 'subnet-r', restored: 'subnet-p' });
    const unmapped = compareConfiguration(items, spec, { subnet: 'subnet-r' }, { subnet: 'subnet-r' });
    expect(unmapped[1]).toMatchObject({ outcome: 'differs' });
    expect(unmapped[1]?.note).toContain('subnet-p');
  });

  it('without a mapping, a source value the copy lacks differs with the item note', () => {
    const out = compareConfiguration(items, ctx('failback'), { subnet: 'subnet-r' }, { subnet: 'subnet-x' });
    expect(out[1]).toMatchObject({ outcome: 'differs', note: 'map it' });
  });

  it('a test copy gives its own reason', () => {
    const out = compareConfiguration(items, ctx('test-failback'), { protectedFlag: true }, {});
    expect(out[2]).toMatchObject({ outcome: 'differs', note: 'never on a test copy' });
  });

  it('a value on the copy the source lacks is a difference too', () => {
    const out = compareConfiguration(items, ctx('failback'), {}, { size: 8 });
    expect(out[0]).toMatchObject({ outcome: 'differs', source: null, restored: '8' });
  });

  it('cuts long values', () => {
    const out = compareConfiguration(
      items,
      ctx('failback'),
      { subnet: 'x'.repeat(1000) },
      { subnet: 'x'.repeat(1000) },
    );
    expect(out[1]?.source?.length).toBeLessThan(300);
    expect(out[1]?.outcome).toBe('carried');
  });
});

describe('tags', () => {
  const source = [
    { Key: 'Name', Value: 'web' },
    { Key: 'aws:cloudformation:stack-name', Value: 's' },
    { Key: 'failback:plan-id', Value: 'old' },
    { Key: 'b', Value: '2' },
    { Key: 'a', Value: 'x=y / z' },
  ];

  it('carries the customer tags only, sorted, and compares them order-free', () => {
    expect(customerTags(source, ['Name'])).toEqual([
      { Key: 'a', Value: 'x=y / z' },
      { Key: 'b', Value: '2' },
    ]);
    expect(tagsItem(source, ['Name'])).toBe(tagsItem([...source].reverse(), ['Name']));
    expect(tagsItem([{ Key: 'failback:phase', Value: 'x' }])).toBeUndefined();
  });

  it('puts the plan tags first and stops at AWS’s limit', () => {
    const own = [{ Key: 'failback:plan-id', Value: 'p' }];
    const many = Array.from({ length: 60 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    const tags = withCustomerTags(own, [{ Key: 'failback:plan-id', Value: 'spoof' }, ...many]);
    expect(tags).toHaveLength(TAGS_PER_RESOURCE);
    expect(tags[0]).toEqual({ Key: 'failback:plan-id', Value: 'p' });
    expect(tags.filter((t) => t.Key === 'failback:plan-id')).toHaveLength(1);
  });
});
