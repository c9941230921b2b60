/**
 * The exact inventory of one account and region: every resource a failback plan may touch, with its
 * tags and every setting that must come back as it was, keyed `<kind>/<id>` so a before/after
 * comparison names each difference (diff.ts). Values are plain JSON, sorted where AWS's order is
 * not meaningful, so that two inventories of the same state are deeply equal.
 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export type Tags = Record<string, string>;

export interface ResourceRecord {
  [field: string]: Json;
}

export interface ExactInventory {
  accountId: string;
  region: string;
  /** `<kind>/<id>` → the resource's settings, tags and (tables) content fingerprint. */
  resources: Record<string, ResourceRecord>;
}

/** The resource kinds of the keys, each listed by one collector. */
export type ResourceKey =
  | `ec2-instance/${string}`
  | `ec2-volume/${string}`
  | `ec2-image/${string}`
  | `ec2-snapshot/${string}`
  | `rds-instance/${string}`
  | `rds-cluster/${string}`
  | `rds-snapshot/${string}`
  | `rds-cluster-snapshot/${string}`
  | `dynamodb-table/${string}`
  | `dynamodb-backup/${string}`
  | `autoscaling-target/${string}`
  | `autoscaling-policy/${string}`
  | `s3-bucket/${string}`
  | `s3-object/${string}`
  | `cloudformation-stack/${string}`
  | `iam-role/${string}`
  | `route53-zone/${string}`
  | `route53-record/${string}`
  | `kms-key/${string}`;

export const tagMap = (tags: Array<{ Key?: string; Value?: string }> | undefined): Tags =>
  Object.fromEntries(
    (tags ?? [])
      .filter((t) => t.Key)
      .map((t) => [t.Key!, t.Value ?? ''] as const)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );

/** A policy document (JSON or URL-encoded JSON) as a value with sorted keys, for comparison. */
export function policyDocument(text: string | undefined): Json {
  if (!text) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = JSON.parse(decodeURIComponent(text));
  }
  return sortKeys(parsed);
}

export function sortKeys(value: unknown): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  if (value === undefined) return null;
  return value as Json;
}

export const sorted = <T>(values: T[]): T[] => [...values].sort();

/** AWS's dates (Date objects from the SDK) as ISO strings; absent is null. */
export const iso = (date: Date | string | undefined): string | null =>
  date === undefined ? null : typeof date === 'string' ? date : date.toISOString();
