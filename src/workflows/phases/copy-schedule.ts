import { QUOTA_LIMITS, type QuotaClass } from '../../domain/resources.js';

export interface Schedulable<T> {
  item: T;
  /** The copy quota the resource's copy waits for; null: none (it copies without a slot). */
  quotaClass: QuotaClass | null;
}

/** How many children of a quota class may be on their way to a copy at once, per slot of the class. */
export const READY_PER_SLOT = 3;

/**
 * Which resource starts next when the plan's `concurrency` is smaller than the phase. Starting in
 * plan order let one quota class (say 300 EC2 instances behind 20 EBS copy slots) fill every place
 * with children that only wait for a slot, while the classes that could run meanwhile (DynamoDB, or the
 * RDS copies that bound the whole plan) waited behind them. So:
 *
 * - a class never has more than READY_PER_SLOT × its slots children before their copy (each slot
 *   has children that have taken their recovery point and wait for it, no more);
 * - among the classes that may start, the one with the most work left per slot goes first (without a
 *   quota, a class's slots are the whole concurrency); within a class, plan order.
 *
 * Pure: the phase workflow tells it when a child starts, finishes its copy and ends.
 */
export class CopySchedule<T> {
  private readonly pending = new Map<QuotaClass | null, T[]>();
  private readonly beforeCopy = new Map<QuotaClass, Set<string>>();
  private readonly classOf = new Map<string, QuotaClass | null>();
  private running = 0;

  constructor(
    items: readonly Schedulable<T>[],
    private readonly concurrency: number,
    private readonly limits: Record<QuotaClass, number> = QUOTA_LIMITS,
  ) {
    for (const { item, quotaClass } of items) {
      const queue = this.pending.get(quotaClass) ?? [];
      queue.push(item);
      this.pending.set(quotaClass, queue);
    }
  }

  /** Takes items that will not run after all (the failback could not quiesce them) off the queues. */
  drop(unwanted: (item: T) => boolean): void {
    for (const [quotaClass, queue] of this.pending)
      this.pending.set(
        quotaClass,
        queue.filter((i) => !unwanted(i)),
      );
  }

  /** Nothing left to start. */
  get drained(): boolean {
    return [...this.pending.values()].every((q) => q.length === 0);
  }

  /** Something may start now. */
  get canStart(): boolean {
    return this.pick() !== undefined;
  }

  /** The next item that may start now (and counts it as started under `id`), or undefined. */
  take(id: (item: T) => string): T | undefined {
    const quotaClass = this.pick();
    if (quotaClass === undefined) return undefined;
    const item = this.pending.get(quotaClass)!.shift()!;
    const key = id(item);
    this.running++;
    this.classOf.set(key, quotaClass);
    if (quotaClass) this.waiting(quotaClass).add(key);
    return item;
  }

  /** Its copy is done (the slot went back): it no longer counts against its class. */
  copied(key: string): void {
    const quotaClass = this.classOf.get(key);
    if (quotaClass) this.waiting(quotaClass).delete(key);
  }

  /** It ended, whichever way. Repeated calls are harmless. */
  finished(key: string): void {
    if (!this.classOf.has(key)) return;
    this.copied(key);
    this.classOf.delete(key);
    this.running--;
  }

  /** The class to start from: the most work left per slot among those that may start. */
  private pick(): QuotaClass | null | undefined {
    if (this.running >= this.concurrency) return undefined;
    let best: { quotaClass: QuotaClass | null; pressure: number } | undefined;
    for (const [quotaClass, queue] of this.pending) {
      if (queue.length === 0 || !this.mayStart(quotaClass)) continue;
      const pressure = queue.length / (quotaClass ? this.limits[quotaClass] : this.concurrency);
      if (!best || pressure > best.pressure) best = { quotaClass, pressure };
    }
    return best?.quotaClass;
  }

  private mayStart(quotaClass: QuotaClass | null): boolean {
    return !quotaClass || this.waiting(quotaClass).size < READY_PER_SLOT * this.limits[quotaClass];
  }

  private waiting(quotaClass: QuotaClass): Set<string> {
    let set = this.beforeCopy.get(quotaClass);
    if (!set) this.beforeCopy.set(quotaClass, (set = new Set()));
    return set;
  }
}
