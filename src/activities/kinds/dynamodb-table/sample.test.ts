import { describe, expect, it } from 'vitest';
import { itemDigest, type Item } from './content-hash.js';
import { resumable, type FingerprintProgress } from './fingerprint.js';
import { Sample, SAMPLE_SIZE } from './sample.js';

const KEYS = ['pk', 'sk'];
const item = (i: number): Item => ({
  pk: { S: `p${i % 7}` },
  sk: { N: String(i) },
  bin: { B: new Uint8Array([i % 256]) },
  v: { S: `value ${i}` },
});
const keyOf = (it: Item): Item => ({ pk: it.pk!, sk: it.sk! });
const offerAll = (sample: Sample, items: Item[]) =>
  items.forEach((it) => sample.offer(itemDigest(it), keyOf(it)));
const items = Array.from({ length: 400 }, (_, i) => item(i));

describe('bottom-k sample', () => {
  it('keeps the SAMPLE_SIZE smallest digests whatever the order', () => {
    const forward = new Sample();
    offerAll(forward, items);
    const backward = new Sample();
    offerAll(backward, [...items].reverse());
    expect(forward.items).toHaveLength(SAMPLE_SIZE);
    expect(backward.items).toEqual(forward.items);
    const smallest = items.map(itemDigest).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(forward.items.map((s) => s.digest)).toEqual(smallest.slice(0, SAMPLE_SIZE));
  });

  it('resumed from its JSON (a heartbeat) with pages offered again, it is the uninterrupted sample', () => {
    const whole = new Sample();
    offerAll(whole, items);
    const first = new Sample();
    offerAll(first, items.slice(0, 250));
    const json = JSON.parse(JSON.stringify(first.toJson(KEYS))) as ReturnType<Sample['toJson']>;
    const resumed = Sample.fromJson(json);
    offerAll(resumed, items.slice(200)); // the pages in flight at the crash come again
    expect(resumed.toJson(KEYS)).toEqual(whole.toJson(KEYS));
    expect(resumed.items.map((s) => s.digest)).toEqual(whole.items.map((s) => s.digest));
  });

  it('stores keys and digests only (bounded heartbeats)', () => {
    const sample = new Sample();
    offerAll(sample, items);
    for (const entry of sample.toJson(KEYS)) expect(Object.keys(entry.key).sort()).toEqual(KEYS);
  });
});

describe('verification scan progress', () => {
  const owner = { tableArn: 'arn:t/a', createdAt: '2026-12-01T00:00:00.000Z', run: 'r1', phase: 'failback' };
  const progress: FingerprintProgress = {
    ...owner,
    totalSegments: 2,
    segments: [
      { done: true, count: 3, hash: 'ab' },
      { done: false, count: 1, hash: 'cd', lastKey: { pk: { S: 'x' } } },
    ],
    sample: [],
  };

  it('resumes only the same table, creation, run and phase', () => {
    expect(resumable(progress, owner, true)).toBe(progress);
    expect(resumable(progress, { ...owner, tableArn: 'arn:t/b' }, true)).toBeUndefined();
    expect(resumable(progress, { ...owner, createdAt: '2026-12-02T00:00:00.000Z' }, true)).toBeUndefined();
    expect(resumable(progress, { ...owner, run: 'r2' }, true)).toBeUndefined();
    expect(resumable(progress, { ...owner, phase: 'test-failback' }, true)).toBeUndefined();
    expect(resumable(undefined, owner, false)).toBeUndefined();
  });

  it('does not resume a sampling scan from progress without its sample, nor a malformed one', () => {
    const { sample: _none, ...unsampled } = progress;
    expect(resumable(unsampled, owner, true)).toBeUndefined();
    expect(resumable(unsampled, owner, false)).toBe(unsampled);
    expect(resumable({ ...progress, totalSegments: 3 }, owner, true)).toBeUndefined();
  });
});
