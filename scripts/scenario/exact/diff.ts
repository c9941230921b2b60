import type { ExactInventory, Json, ResourceRecord } from './types.js';

/** One way in which `after` is not `before`: a resource gone, a new one, or one field changed. */
export interface Difference {
  key: string;
  change: 'added' | 'removed' | 'changed';
  /** The changed field, dotted (`tags.failback:retired-by`, `timeToLive.status`); changes only. */
  field?: string;
  before?: Json;
  after?: Json;
  /** A name people know the resource by (Name tag, backup name), when it has one. */
  label?: string;
}

const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const same = (a: Json | undefined, b: Json | undefined) => JSON.stringify(a) === JSON.stringify(b);

function fieldChanges(
  path: string,
  a: Json | undefined,
  b: Json | undefined,
  out: Array<[string, Json?, Json?]>,
) {
  if (same(a, b)) return;
  if (isObject(a) && isObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
      fieldChanges(path ? `${path}.${k}` : k, a[k], b[k], out);
    return;
  }
  out.push([path, a, b]);
}

function labelOf(record: ResourceRecord | undefined): string | undefined {
  if (!record) return undefined;
  const tags = record.tags;
  if (isObject(tags) && typeof tags.Name === 'string') return tags.Name;
  return typeof record.name === 'string' && record.name ? record.name : undefined;
}

/** Every difference between two inventories of the same account and region, in key order. */
export function diffInventories(before: ExactInventory, after: ExactInventory): Difference[] {
  const out: Difference[] = [];
  const keys = [...new Set([...Object.keys(before.resources), ...Object.keys(after.resources)])].sort();
  for (const key of keys) {
    const a = before.resources[key];
    const b = after.resources[key];
    const label = labelOf(b ?? a);
    const named = label ? { label } : {};
    if (!a) out.push({ key, change: 'added', after: b as Json, ...named });
    else if (!b) out.push({ key, change: 'removed', before: a as Json, ...named });
    else {
      const changes: Array<[string, Json?, Json?]> = [];
      fieldChanges('', a as Json, b as Json, changes);
      for (const [field, was, is] of changes)
        out.push({
          key,
          change: 'changed',
          field,
          ...(was === undefined ? {} : { before: was }),
          ...(is === undefined ? {} : { after: is }),
          ...named,
        });
    }
  }
  return out;
}

const show = (v: Json | undefined): string => {
  if (v === undefined) return '(absent)';
  const text = JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
};

/** `primary ec2-instance/i-0abc (web-1): state "stopped" → "running"`, one line. */
export function formatDifference(d: Difference, where = ''): string {
  const who = `${where ? `${where} ` : ''}${d.key}${d.label ? ` (${d.label})` : ''}`;
  if (d.change === 'added') return `${who}: new`;
  if (d.change === 'removed') return `${who}: gone`;
  return `${who}: ${d.field} ${show(d.before)} → ${show(d.after)}`;
}
