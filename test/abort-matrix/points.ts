import type { DurationKind, HoldRuleInput, LoggedRequest } from '../../emulator/client.js';
import {
  isMutating,
  longOperation,
  normalise,
  sideOf,
  type LongOperation,
  type Side,
  type Sides,
} from './calls.js';

/**
 * The abort points of one plan, enumerated from a recorded clean run of it (the emulator's request
 * log): right after each mutating call it made, and while each long operation it started was still
 * in progress; plus the primary-validated gate, after the DNS cutover. A call the product starts
 * making joins the matrix by itself.
 */
export type PointMode = 'after-call' | 'in-progress' | 'at-gate';

export interface AbortPoint {
  /** Stable across runs of the same code: variant, group, side, call, its n-th, mode. */
  id: string;
  variant: string;
  /** Before the failback gate (access stack, test failback, test cleanup), or after it. */
  group: 'test-failback' | 'failback';
  /** The plan's stage when the recorded call was made. */
  stage: string;
  mode: PointMode;
  side?: Side;
  service?: string;
  operation?: string;
  region?: string;
  /** The call is the n-th of its account, region and operation the plan made. */
  nth?: number;
  /** What the call named, without run-specific ids. */
  resource?: string;
  long?: LongOperation;
  trafficServed: boolean;
  failbackStarted: boolean;
}

export interface RecordedRun {
  variant: string;
  planId: string;
  sides: Sides;
  /** The product's calls in both environments up to the primary-validated gate, by seq. */
  calls: LoggedRequest[];
  /** The plan's timeline: when it entered each stage. */
  timeline: Array<{ stage: string; at: string }>;
}

const ok = (c: LoggedRequest) => c.status !== null && c.status >= 200 && c.status < 300;

function stageAt(timeline: RecordedRun['timeline'], time: number): string {
  let stage = timeline[0]?.stage ?? 'preflight';
  for (const t of timeline) if (Date.parse(t.at) / 1000 <= time) stage = t.stage;
  return stage;
}

export function enumeratePoints(run: RecordedRun): AbortPoint[] {
  const { sides } = run;
  const failbackAt = run.timeline.find((t) => t.stage === 'failback');
  const failbackSince = failbackAt ? Date.parse(failbackAt.at) / 1000 : Infinity;
  const counts = new Map<string, number>();
  const points: AbortPoint[] = [];
  let trafficServed = false;
  const calls = run.calls.filter((c) => c.caller === 'product' && sideOf(c, sides));
  calls.forEach((call, index) => {
    const key = `${call.account}/${call.region}/${call.service}:${call.operation}`;
    const nth = (counts.get(key) ?? 0) + 1;
    counts.set(key, nth);
    if (!isMutating(call) || !ok(call)) return;
    const side = sideOf(call, sides)!;
    if (call.service === 'route53' && call.operation === 'ChangeResourceRecordSets') trafficServed = true;
    const group = call.time >= failbackSince ? 'failback' : 'test-failback';
    const base = {
      variant: run.variant,
      group,
      stage: stageAt(run.timeline, call.time),
      side,
      service: call.service,
      operation: call.operation,
      region: call.region,
      nth,
      resource: normalise(call.resource, run.planId, sides),
      trafficServed,
      failbackStarted: group === 'failback',
    } as const;
    const name = `${run.variant} ${group} ${side} ${call.service}:${call.operation}${nth > 1 ? ` #${nth}` : ''}`;
    points.push({ ...base, id: `${name} (after the call)`, mode: 'after-call' });
    const long = longOperation(call);
    const polled =
      long &&
      calls
        .slice(index + 1)
        .some(
          (c) =>
            c.account === call.account &&
            c.region === call.region &&
            c.service === long.poll.service &&
            c.operation === long.poll.operation,
        );
    if (long && polled) points.push({ ...base, id: `${name} (in progress)`, mode: 'in-progress', long });
  });
  const last = run.timeline.at(-1)?.stage ?? 'awaiting-primary-validation';
  points.push({
    id: `${run.variant} failback primary-validated gate (after the DNS cutover)`,
    variant: run.variant,
    group: 'failback',
    stage: last,
    mode: 'at-gate',
    trafficServed: true,
    failbackStarted: true,
  });
  return points;
}

/** How long a slowed-down transition takes in a case's accounts: in progress while compensating. */
export const IN_PROGRESS_MS = 3_000;

/** The hold rule (and the durations) that stop a fresh run of the plan at `point`. */
export function holdFor(
  point: AbortPoint,
  sides: Sides,
  id: string,
): { rule: HoldRuleInput; durations?: Partial<Record<DurationKind, number>> } | undefined {
  if (point.mode === 'at-gate') return undefined;
  const call = {
    account: sides[point.side!].accountId,
    region: point.region!,
    service: point.service!,
    operation: point.operation!,
    caller: 'product' as const,
  };
  if (point.mode === 'after-call') return { rule: { id, action: 'hold-after', nth: point.nth!, ...call } };
  const long = point.long!;
  return {
    rule: {
      id,
      action: 'hold-before',
      account: call.account,
      region: call.region,
      caller: 'product',
      ...long.poll,
      armedBy: { ...call, nth: point.nth! },
    },
    durations: { [long.kind]: IN_PROGRESS_MS },
  };
}

/** `npm test`'s sample: 4 points spread evenly over the plan's (at 1/8, 3/8, 5/8 and 7/8 of them), besides
 * the abort after the DNS cutover that every variant's clean run ends with. */
export function sample(points: AbortPoint[]): AbortPoint[] {
  const picks = [1, 3, 5, 7].map((k) => Math.floor((points.length * k) / 8));
  return [...new Set(picks)].map((i) => points[i]!).filter(Boolean);
}
