import { QUOTA_LIMITS, type QuotaClass } from '../../domain/resources.js';

export interface CopySlotRequest {
  key: string;
  quotaClass: QuotaClass;
  /** The requesting resource workflow: the grant is signalled back to it. */
  workflowId: string;
}

/**
 * AWS's concurrent-copy quotas per destination region (EBS snapshot copies ≤ 20, RDS/Aurora
 * cross-region copies ≤ 5), as a FIFO semaphore per quota class. Pure: the phase workflow feeds it
 * the request/release signals and sends the grants it returns.
 */
export class CopySlots {
  private readonly inUse = new Map<QuotaClass, Set<string>>();
  private readonly queues = new Map<QuotaClass, CopySlotRequest[]>();
  private readonly holders = new Map<string, QuotaClass>();

  constructor(private readonly limits: Record<QuotaClass, number> = QUOTA_LIMITS) {}

  /** Returns the request when it is granted at once, else queues it. Repeated requests are idempotent. */
  request(request: CopySlotRequest): CopySlotRequest | undefined {
    if (this.holders.has(request.workflowId)) return request; // already holds one: grant again
    const queue = this.queue(request.quotaClass);
    if (queue.some((r) => r.workflowId === request.workflowId)) return undefined;
    const used = this.used(request.quotaClass);
    if (used.size < this.limits[request.quotaClass]) {
      used.add(request.workflowId);
      this.holders.set(request.workflowId, request.quotaClass);
      return request;
    }
    queue.push(request);
    return undefined;
  }

  /** Frees the slot (or queue place) of `workflowId`; returns the requests granted in its place. */
  release(workflowId: string): CopySlotRequest[] {
    for (const queue of this.queues.values()) {
      const i = queue.findIndex((r) => r.workflowId === workflowId);
      if (i >= 0) queue.splice(i, 1);
    }
    const quotaClass = this.holders.get(workflowId);
    if (!quotaClass) return [];
    this.holders.delete(workflowId);
    this.used(quotaClass).delete(workflowId);
    const granted: CopySlotRequest[] = [];
    const queue = this.queue(quotaClass);
    while (queue.length > 0 && this.used(quotaClass).size < this.limits[quotaClass]) {
      const next = queue.shift()!;
      this.used(quotaClass).add(next.workflowId);
      this.holders.set(next.workflowId, quotaClass);
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

  snapshot(): Record<string, { limit: number; inUse: number; waiting: number }> {
    const result: Record<string, { limit: number; inUse: number; waiting: number }> = {};
    for (const quotaClass of Object.keys(this.limits) as QuotaClass[]) {
      result[quotaClass] = {
        limit: this.limits[quotaClass],
        inUse: this.used(quotaClass).size,
        waiting: this.queue(quotaClass).length,
      };
    }
    return result;
  }

  private used(quotaClass: QuotaClass): Set<string> {
    let set = this.inUse.get(quotaClass);
    if (!set) this.inUse.set(quotaClass, (set = new Set()));
    return set;
  }

  private queue(quotaClass: QuotaClass): CopySlotRequest[] {
    let queue = this.queues.get(quotaClass);
    if (!queue) this.queues.set(quotaClass, (queue = []));
    return queue;
  }
}
