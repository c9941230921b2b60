/**
 * Two plans must never act on the same application or the same resources at once (decision 0033):
 * each plan carries its footprint in its workflow memo, and a plan, its preflight and the API's start
 * compare footprints with the other running plans. Pure: used by the workflows, the activity and the API.
 */
import type { ResourceKind } from './contract.js';
import { shortHash } from './naming.js';

/** Workflow memo key of a plan's footprint (read from visibility by the conflict check). */
export const FOOTPRINT_MEMO_KEY = 'failbackFootprint';

export interface PlanFootprint {
  planId: string;
  application: string;
  /** The primary account the application is failed back into: an application is named within it. */
  primaryAccount: string;
  /**
   * Resource identities: `primary:<account>/<region>/<kind>/<target>` for what the plan changes in
   * primary, `recovery:<account>/<region>/<kind>/<source>` for what it reads and quiesces in recovery.
   */
  resources: string[];
  /** Whether the resources are the resolved set (after preflight) or only the spec's explicit ones. */
  resolved: boolean;
}

interface Side {
  accountId: string;
  region: string;
}

interface FootprintSource {
  planId: string;
  application: string;
  primary: Side;
  recovery: Side;
  resources?: ReadonlyArray<{ kind: ResourceKind; source: string; target: string }>;
}

/** The footprint of a spec (explicit resources) or of a preflight's resolved resources. */
export function footprintOf(plan: FootprintSource, resolved = false): PlanFootprint {
  const keys = new Set<string>();
  for (const r of plan.resources ?? []) {
    keys.add(`primary:${plan.primary.accountId}/${plan.primary.region}/${r.kind}/${r.target}`);
    keys.add(`recovery:${plan.recovery.accountId}/${plan.recovery.region}/${r.kind}/${r.source}`);
  }
  return {
    planId: plan.planId,
    application: plan.application,
    primaryAccount: plan.primary.accountId,
    resources: [...keys].sort(),
    resolved,
  };
}

/**
 * The footprint as it travels in a memo (Temporal lists memos with every execution): the resource
 * identities as 16-hex-digit hashes, so a 1,000-resource plan's memo stays about 32 kB.
 */
export interface FootprintMemo {
  planId: string;
  application: string;
  /** Absent in a memo written before it was added: the application then conflicts in any account. */
  primaryAccount?: string;
  resolved: boolean;
  /** Concatenated 16-character hashes of the resource identities. */
  hashes: string;
}

const keyHash = (key: string) => `${shortHash(key)}${shortHash(`${key}#`)}`;

export function footprintMemo(footprint: PlanFootprint): FootprintMemo {
  return {
    planId: footprint.planId,
    application: footprint.application,
    primaryAccount: footprint.primaryAccount,
    resolved: footprint.resolved,
    hashes: footprint.resources.map(keyHash).join(''),
  };
}

/** Reads a memo value back (anything else, e.g. a plan started before footprints existed: undefined). */
export function asFootprintMemo(value: unknown): FootprintMemo | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.planId !== 'string' || typeof v.application !== 'string' || typeof v.hashes !== 'string')
    return undefined;
  return {
    planId: v.planId,
    application: v.application,
    ...(typeof v.primaryAccount === 'string' ? { primaryAccount: v.primaryAccount } : {}),
    resolved: v.resolved === true,
    hashes: v.hashes,
  };
}

/** What my footprint shares with another plan's, in words (empty: no conflict). */
export function overlap(mine: PlanFootprint, theirs: FootprintMemo): string[] {
  const shared: string[] = [];
  // An application is named within its primary account: two customers' "shop" in two accounts (or
  // two test scenarios) are two applications; their resources still conflict by identity below.
  const sameAccount = theirs.primaryAccount === undefined || theirs.primaryAccount === mine.primaryAccount;
  if (mine.application === theirs.application && sameAccount)
    shared.push(`application ${mine.application} in ${mine.primaryAccount}`);
  const other = new Set<string>();
  for (let i = 0; i + 16 <= theirs.hashes.length; i += 16) other.add(theirs.hashes.slice(i, i + 16));
  for (const key of mine.resources) if (other.has(keyHash(key))) shared.push(key);
  return shared;
}

/** A running plan that holds what another wants. */
export interface PlanConflict {
  planId: string;
  workflowId: string;
  startedAt: string;
  /** The application and resource identities both plans have. */
  shared: string[];
}

/** One sentence naming the plans that hold what this plan wants (for errors, findings and 409s). */
export function describeConflicts(planId: string, conflicts: PlanConflict[]): string {
  const named = conflicts.map(
    (c) =>
      `plan ${c.planId} (workflow ${c.workflowId}, started ${c.startedAt}) holds ${c.shared.slice(0, 5).join(', ')}` +
      (c.shared.length > 5 ? ` and ${c.shared.length - 5} more` : ''),
  );
  return `plan ${planId} conflicts with ${conflicts.length === 1 ? 'an active plan' : 'active plans'}: ${named.join('; ')}`;
}

/**
 * Which of two running plans gives way: the one started later (ties: the larger workflow id), so
 * two plans started at once refuse exactly one of them, whichever checks first.
 */
export function startedFirst(
  a: { startedAt: string; workflowId: string },
  b: { startedAt: string; workflowId: string },
): boolean {
  const ta = Date.parse(a.startedAt);
  const tb = Date.parse(b.startedAt);
  if (ta !== tb) return ta < tb;
  return a.workflowId < b.workflowId;
}
