import { QUOTA_LIMITS, unitsOf, type QuotaClass } from '../../domain/resources.js';

export interface CopySlotRequest {
  key: string;
  quotaClass: QuotaClass;
  /** The requesting resource workflow: the grant is signalled back to it. */
  workflowId: string;
  /**
   * How many units of the quota the copy takes (an AMI: one per volume; see copySlotUnits); absent:
   * one. Set by the phase, not the resource workflow (patch copy-slot-units).
   */
  units?: number;
}

/**
 * AWS's concurrent-copy quotas per destination region (EBS snapshot copies ≤ 20, RDS/Aurora
 * cross-region copies ≤ 5), as a FIFO semaphore per quota class counted in units (an AMI copy takes
 * one per volume). FIFO also for a large request at the head: the small ones behind it wait rather
 * than starve it. Pure: the phase workflow feeds it the request/release signals and sends the grants
 * it returns.
 */
export class CopySlots {
  /** Holders and the units each holds, per class. */
  private readonly inUse = new Map<QuotaClass, Map<string, number>>();
  private readonly queues = new Map<QuotaClass, CopySlotRequest[]>();
  private readonly holders = new Map<string, QuotaClass>();

  constructor(private readonly limits: Record<QuotaClass, number> = QUOTA_LIMITS) {}

  /** Returns the request when it is granted at once, else queues it. Repeated requests are idempotent. */
  request(request: CopySlotRequest): CopySlotRequest | undefined {
    if (this.holders.has(request.workflowId)) return request; // already holds one: grant again
    const queue = this.queue(request.quotaClass);
    if (queue.some((r) => r.workflowId === request.workflowId)) return undefined;
    if (queue.length === 0 && this.fits(request)) {
      this.take(request);
      return request;
    }
    queue.push(request);
    return undefined;
  }

  /** Frees the slot (or queue place) of `workflowId`; returns the requests granted in its place. */
  release(workflowId: string): CopySlotRequest[] {
    let quotaClass = this.holders.get(workflowId);
    for (const [waitingFor, queue] of this.queues) {
      const i = queue.findIndex((r) => r.workflowId === workflowId);
      if (i < 0) continue;
      queue.splice(i, 1);
      // A waiter gone from the head may have held up a request that fits (units: not only when full).
      quotaClass ??= waitingFor;
    }
    if (!quotaClass) return [];
    if (this.holders.delete(workflowId)) this.used(quotaClass).delete(workflowId);
    const granted: CopySlotRequest[] = [];
    const queue = this.queue(quotaClass);
    while (queue.length > 0 && this.fits(queue[0]!)) {
      const next = queue.shift()!;
      this.take(next);
      granted.push(next);
    }
    return granted;
  }

  holds(workflowId: string): boolean {
    return this.holders.has(workflowId);
  }

  isQueued(workflowId: string): boolean {
    return [...this.queues.values()].some((q) => q.some((r) => r.workflowId === workflowId));
  }

  /** Per class: the quota, the units in use, and the requests waiting. */
  snapshot(): Record<string, { limit: number; inUse: number; waiting: number }> {
    const result: Record<string, { limit: number; inUse: number; waiting: number }> = {};
    for (const quotaClass of Object.keys(this.limits) as QuotaClass[]) {
      result[quotaClass] = {
        limit: this.limits[quotaClass],
        inUse: this.unitsInUse(quotaClass),
        waiting: this.queue(quotaClass).length,
      };
    }
    return result;
  }

  private fits(request: CopySlotRequest): boolean {
    const limit = this.limits[request.quotaClass];
    return this.unitsInUse(request.quotaClass) + unitsOf(request, limit) <= limit;
  }

  private take(request: CopySlotRequest): void {
    this.used(request.quotaClass).set(request.workflowId, unitsOf(request, this.limits[request.quotaClass]));
    this.holders.set(request.workflowId, request.quotaClass);
  }

  private unitsInUse(quotaClass: QuotaClass): number {
    let n = 0;
    for (const units of this.used(quotaClass).values()) n += units;
    return n;
  }

  private used(quotaClass: QuotaClass): Map<string, number> {
    let held = this.inUse.get(quotaClass);
    if (!held) this.inUse.set(quotaClass, (held = new Map()));
    return held;
  }

  private queue(quotaClass: QuotaClass): CopySlotRequest[] {
    let queue = this.queues.get(quotaClass);
    if (!queue) this.queues.set(quotaClass, (queue = []));
    return queue;
  }
}
