import { QUOTA_LIMITS, unitsOf, type QuotaClass } from './resources.js';

/** A resource workflow's request for one of a destination's copy slots, forwarded by its phase. */
export interface RegionSlotRequest {
  /** The resource workflow that copies: the grant is signalled to it. */
  holder: string;
  planId: string;
  /** The phase workflow that forwarded it (its slots go back when it ends). */
  phase: string;
  key: string;
  quotaClass: QuotaClass;
  /** GiB the copy moves, as far as preflight knew (0: unknown); larger first within a plan. */
  weightGiB: number;
  /** Units of the quota it takes (an AMI copy: one per volume); absent: one. */
  units?: number;
}

interface Waiting extends RegionSlotRequest {
  seq: number;
}

/** What continue-as-new carries over; also what the query shows, per holder. */
export interface RegionSlotsState {
  seq: number;
  held: RegionSlotRequest[];
  waiting: Waiting[];
}

export interface RegionSlotsSnapshot {
  [quotaClass: string]: {
    limit: number;
    inUse: number;
    waiting: number;
    plans: Record<string, { inUse: number; waiting: number }>;
  };
}

/**
 * The copy slots of one destination account and region, shared by every plan copying there (AWS's
 * concurrent-copy quotas are per account and destination region, not per plan: issue 16, item 3).
 * Slots are counted in units (an AMI copy takes one per volume: copySlotUnits). Grants go, per quota
 * class while the chosen request fits, to the plan holding the fewest units of the class
 * (ties: the plan waiting longest), and within that plan to its largest copy (ties: the oldest
 * request), so one plan's hundred copies cannot starve another's five, and a plan's long copies start
 * first. Pure and deterministic: the coordinator workflow feeds it messages and sends the grants.
 */
export class RegionCopySlots {
  private seq: number;
  private readonly held = new Map<string, RegionSlotRequest>();
  private waiting: Waiting[];

  constructor(
    state: RegionSlotsState = { seq: 0, held: [], waiting: [] },
    private readonly limits: Record<QuotaClass, number> = QUOTA_LIMITS,
  ) {
    this.seq = state.seq;
    for (const h of state.held) this.held.set(h.holder, h);
    this.waiting = [...state.waiting];
  }

  /**
   * Queues the request; returns the requests granted now. A repeated request of a holder is granted
   * again (its grant may have been lost; the slot is still counted once); of a waiter, changes nothing.
   */
  request(request: RegionSlotRequest): RegionSlotRequest[] {
    const holding = this.held.get(request.holder);
    if (holding) return [holding];
    if (this.waiting.some((w) => w.holder === request.holder)) return [];
    this.waiting.push({ ...request, seq: ++this.seq });
    return this.fill(request.quotaClass);
  }

  /** Frees the slot or queue place of `holder`; returns the requests granted in its place. */
  release(holder: string): RegionSlotRequest[] {
    const was = this.held.get(holder) ?? this.waiting.find((w) => w.holder === holder);
    if (!was) return [];
    this.held.delete(holder);
    this.waiting = this.waiting.filter((w) => w.holder !== holder);
    return this.fill(was.quotaClass);
  }

  /** Every workflow whose end frees something here: holders, waiters and the phases behind them. */
  workflows(): string[] {
    const all = [...this.held.values(), ...this.waiting];
    return [...new Set(all.flatMap((r) => [r.holder, r.phase]))];
  }

  /** Frees what ended workflows held or waited for (a holder, or any request of an ended phase). */
  releaseEnded(ended: ReadonlySet<string>): RegionSlotRequest[] {
    const isGone = (r: RegionSlotRequest) => ended.has(r.holder) || ended.has(r.phase);
    const classes = new Set<QuotaClass>();
    for (const r of [...this.held.values(), ...this.waiting].filter(isGone)) {
      classes.add(r.quotaClass);
      this.held.delete(r.holder);
    }
    // All of them out first: a freed slot must not go to a waiter that ended too.
    this.waiting = this.waiting.filter((w) => !isGone(w));
    return [...classes].flatMap((quotaClass) => this.fill(quotaClass));
  }

  get idle(): boolean {
    return this.held.size === 0 && this.waiting.length === 0;
  }

  state(): RegionSlotsState {
    return { seq: this.seq, held: [...this.held.values()], waiting: [...this.waiting] };
  }

  snapshot(): RegionSlotsSnapshot {
    const result: RegionSlotsSnapshot = {};
    for (const quotaClass of Object.keys(this.limits) as QuotaClass[]) {
      const plans: Record<string, { inUse: number; waiting: number }> = {};
      const plan = (id: string) => (plans[id] ??= { inUse: 0, waiting: 0 });
      const held = [...this.held.values()].filter((h) => h.quotaClass === quotaClass);
      const waiting = this.waiting.filter((w) => w.quotaClass === quotaClass);
      for (const h of held) plan(h.planId).inUse += this.unitsOf(h);
      for (const w of waiting) plan(w.planId).waiting++;
      result[quotaClass] = {
        limit: this.limits[quotaClass],
        inUse: this.inUse(quotaClass),
        waiting: waiting.length,
        plans,
      };
    }
    return result;
  }

  private inUse(quotaClass: QuotaClass, planId?: string): number {
    let n = 0;
    for (const h of this.held.values())
      if (h.quotaClass === quotaClass && (planId === undefined || h.planId === planId)) n += this.unitsOf(h);
    return n;
  }

  private unitsOf(request: RegionSlotRequest): number {
    return unitsOf(request, this.limits[request.quotaClass]);
  }

  private fill(quotaClass: QuotaClass): RegionSlotRequest[] {
    const granted: RegionSlotRequest[] = [];
    for (;;) {
      const next = this.next(quotaClass);
      // The chosen copy waits for room rather than let smaller ones pass it for ever.
      if (!next || this.inUse(quotaClass) + this.unitsOf(next) > this.limits[quotaClass]) break;
      this.waiting = this.waiting.filter((w) => w !== next);
      const { seq: _seq, ...request } = next;
      this.held.set(request.holder, request);
      granted.push(request);
    }
    return granted;
  }

  private next(quotaClass: QuotaClass): Waiting | undefined {
    const candidates = this.waiting.filter((w) => w.quotaClass === quotaClass);
    if (candidates.length === 0) return undefined;
    const oldest = new Map<string, number>();
    for (const w of candidates) oldest.set(w.planId, Math.min(oldest.get(w.planId) ?? Infinity, w.seq));
    const [planId] = [...oldest.entries()].sort(
      ([a, aSeq], [b, bSeq]) => this.inUse(quotaClass, a) - this.inUse(quotaClass, b) || aSeq - bSeq,
    )[0]!;
    return candidates
      .filter((w) => w.planId === planId)
      .sort((a, b) => b.weightGiB - a.weightGiB || a.seq - b.seq)[0];
  }
}
