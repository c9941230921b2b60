import type { ConfigurationItemReport, RestoreResult, Verification } from '../../../domain/resources.js';
import { awsErrorCode } from '../../aws/errors.js';
import type { KindContext, ResourceKindModule } from '../resource-kind.js';
import { configurationFrom } from './options.js';
import { where, type Findings } from './preflight.js';

/**
 * One line of a kind's configuration table (docs/decisions/0013-configuration-tables.md): an item that
 * makes the resource what it is, read the same way from the recovery source, the old primary and the
 * restored copy. The restore carries it from the configuration source (the recovery source, or the old
 * primary with options.configurationFrom = 'primary') unless the plan spec maps it; verify compares.
 */
export interface ConfigurationItem<R> {
  item: string;
  /** A canonical string of the item (undefined: not set), so that equal configuration compares equal. */
  read(resource: R): string | undefined;
  /** The plan spec's value for it (subnet, security groups, class…): then the copy has that, not the source's. */
  mapped?(ctx: KindContext, source: R): string | undefined;
  /** Why the copy keeps AWS's default instead (said in the report whenever the item differs). */
  notCarried?: string;
  /** Why a test copy differs on purpose (deletion protection would keep the test copy from being removed). */
  notInTest?: string;
  /**
   * The snapshot or AMI itself determines it (engine version, storage, block devices…): the copy has
   * the recovery source's whatever configurationFrom says, so it is compared with the recovery source.
   */
  fromSnapshot?: true;
}

/** A kind's table, with how it reads one resource on either side. */
export interface ConfigurationTable<R> {
  items: ConfigurationItem<R>[];
  describe(ctx: KindContext, side: 'recovery' | 'primary', id: string): Promise<R | undefined>;
  /** The old primary in primary: live under the target name, or retired (renamed, stopped) by this run. */
  oldPrimary(ctx: KindContext): Promise<R | undefined>;
}

const FROM_SNAPSHOT_NOTE =
  'the snapshot determines it: as on the recovery source, whatever configurationFrom says';

/** Longer values are cut in the report: the status of a 500-resource plan stays small. */
const VALUE_MAX = 240;

function shown(value: string | undefined): string | null {
  if (value === undefined) return null;
  return value.length > VALUE_MAX ? `${value.slice(0, VALUE_MAX - 1)}…` : value;
}

/**
 * Item by item: carried (as on the configuration source), mapped (as the spec says), unset on both, or
 * differs and why. With `oldPrimary` (configurationFrom 'primary') each item is compared with it,
 * except what the snapshot determines (`fromSnapshot`), compared with the recovery source.
 */
export function compareConfiguration<R>(
  items: ConfigurationItem<R>[],
  ctx: KindContext,
  source: R,
  restored: R,
  oldPrimary?: R,
): ConfigurationItemReport[] {
  const test = ctx.input.phase === 'test-failback';
  return items.map((item) => {
    const from: 'primary' | 'recovery' =
      oldPrimary !== undefined && !item.fromSnapshot ? 'primary' : 'recovery';
    const side = from === 'primary' && oldPrimary !== undefined ? oldPrimary : source;
    const onSource = item.read(side);
    const onCopy = item.read(restored);
    const mapped = item.mapped?.(ctx, side);
    const expected = mapped ?? onSource;
    const why = oldPrimary !== undefined && item.fromSnapshot ? { note: FROM_SNAPSHOT_NOTE } : {};
    const report = { item: item.item, source: shown(onSource), restored: shown(onCopy), from };
    if (expected === undefined && onCopy === undefined) return { ...report, outcome: 'unset', ...why };
    if (expected === onCopy) {
      return mapped === undefined
        ? { ...report, outcome: 'carried', ...why }
        : { ...report, outcome: 'mapped', note: 'as the plan spec maps it' };
    }
    const note =
      mapped !== undefined
        ? `the plan spec maps it to ${mapped}, the copy has ${onCopy ?? 'none'}`
        : ((test ? item.notInTest : undefined) ??
          item.notCarried ??
          why.note ??
          `the copy differs from the ${from === 'primary' ? 'old primary' : 'source'}`);
    return { ...report, outcome: 'differs', note };
  });
}

/**
 * The kind's verify, then its configuration table compared on both sides. A failed read (a role without
 * a describe permission, the source gone) is reported as unknown: a report must never stop a failback
 * whose data is proven.
 */
export function withConfiguration<R>(
  verify: ResourceKindModule['verify'],
  table: ConfigurationTable<R>,
): ResourceKindModule['verify'] {
  return async (ctx, restore: RestoreResult, recoveryPoint, quiescedAt): Promise<Verification> => {
    const verification = await verify(ctx, restore, recoveryPoint, quiescedAt);
    return { ...verification, configuration: await configurationOf(ctx, table, restore) };
  };
}

async function configurationOf<R>(
  ctx: KindContext,
  table: ConfigurationTable<R>,
  restore: RestoreResult,
): Promise<ConfigurationItemReport[]> {
  const unknown = (note: string): ConfigurationItemReport[] =>
    table.items.map((i) => ({ item: i.item, source: null, restored: null, outcome: 'unknown', note }));
  try {
    const fromPrimary = configurationFrom(ctx.resource) === 'primary';
    const [source, restored, oldPrimary] = await Promise.all([
      table.describe(ctx, 'recovery', ctx.resource.source),
      table.describe(ctx, 'primary', restore.restored.id),
      fromPrimary ? table.oldPrimary(ctx) : undefined,
    ]);
    if (!source) return unknown(`the source ${ctx.resource.source} is not found in recovery`);
    if (!restored) return unknown(`the copy ${restore.restored.id} is not found in primary`);
    if (fromPrimary && !oldPrimary)
      return unknown(
        `the old primary ${ctx.resource.target} (configurationFrom primary) is not found in primary`,
      );
    return compareConfiguration(table.items, ctx, source, restored, oldPrimary);
  } catch (error) {
    const code = awsErrorCode(error) ?? 'Error';
    return unknown(`could not read the configuration: ${code}: ${(error as Error).message}`);
  }
}

/**
 * Preflight: configurationFrom 'primary' needs an old primary to carry from (`oldPrimary` only finds
 * it: preflight's role in primary may describe, not read user data). Without one the copy would get
 * nothing of the configuration: refused, with the fix.
 */
export async function checkConfigurationSource(
  findings: Findings,
  ctx: KindContext,
  oldPrimary: (ctx: KindContext) => Promise<unknown>,
  what: string,
): Promise<void> {
  if (configurationFrom(ctx.resource) !== 'primary') return;
  const { absent } = await findings.lookup('settings', `the old primary ${ctx.resource.target}`, () =>
    oldPrimary(ctx),
  );
  if (absent)
    findings.add(
      'error',
      'settings',
      `options.configurationFrom is primary, but primary (${where(ctx.primary)}) has no ${what} ${ctx.resource.target} to carry the configuration from: name the target the old primary has, or remove configurationFrom (the copy then carries the recovery source's configuration)`,
    );
}

type TagList = Array<{ Key?: string; Value?: string }> | undefined;

/**
 * The copy's tags: the plan's own first (cleanup and compensation find the copy by them), then the
 * source's as many as AWS allows on one resource (the rest is reported as differing).
 */
export function withCustomerTags<T extends { Key: string; Value: string }>(
  own: T[],
  customer: Array<{ Key: string; Value: string }>,
): Array<{ Key: string; Value: string }> {
  const keys = new Set(own.map((t) => t.Key));
  const room = Math.max(0, TAGS_PER_RESOURCE - own.length);
  return [...own, ...customer.filter((t) => !keys.has(t.Key)).slice(0, room)];
}

/** Tags the plan sets itself (or AWS reserves): never carried, never compared. */
function ownTag(key: string, extraOwn: string[]): boolean {
  return key.startsWith('aws:') || key.startsWith('failback:') || extraOwn.includes(key);
}

/** AWS's limit of tags on one EC2 or RDS resource (aws: tags not counted). */
export const TAGS_PER_RESOURCE = 50;

/** Why a test copy carries none of the source's tags (its tags item's `notInTest`). */
export const TEST_COPY_TAGS_NOTE =
  'a test copy carries none of the source’s tags: automation that selects by tag (backup plans, patching, ' +
  'load-balancer registration, cost allocation) would treat it as production';

/**
 * The source's tags the copy carries: all of them in the failback, none on a test copy (it holds test
 * data and runs beside production: TEST_COPY_TAGS_NOTE).
 */
export function carriedTags(
  ctx: KindContext,
  tags: TagList,
  extraOwn: string[] = [],
): Array<{ Key: string; Value: string }> {
  return ctx.input.phase === 'test-failback' ? [] : customerTags(tags, extraOwn);
}

/** The source's own tags, as the copy should carry them. */
export function customerTags(tags: TagList, extraOwn: string[] = []): Array<{ Key: string; Value: string }> {
  return (tags ?? [])
    .filter((t) => t.Key !== undefined && !ownTag(t.Key, extraOwn))
    .map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }))
    .sort((a, b) => (a.Key < b.Key ? -1 : a.Key > b.Key ? 1 : 0));
}

/** Tags as one canonical string (JSON of the sorted pairs: any character survives). */
export function tagsItem(tags: TagList, extraOwn: string[] = []): string | undefined {
  const own = customerTags(tags, extraOwn);
  return own.length ? JSON.stringify(own.map((t) => [t.Key, t.Value])) : undefined;
}

export function listItem(values: Array<string | undefined> | undefined): string | undefined {
  const list = (values ?? []).filter((v): v is string => !!v).sort();
  return list.length ? list.join(',') : undefined;
}

export function valueItem(value: string | number | boolean | undefined | null): string | undefined {
  return value === undefined || value === null || value === '' ? undefined : String(value);
}
