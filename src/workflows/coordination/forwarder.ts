import {
  CancellationScope,
  getExternalWorkflowHandle,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { copySlotCoordinatorId } from '../../domain/naming.js';
import type { RegionSlotRequest } from '../../domain/region-copy-slots.js';
import type { PlanContext, ResolvedResource } from '../../domain/resources.js';
import type { CopySlotRequest } from '../phases/copy-slots.js';
import { releaseRegionSlotSignal, requestRegionSlotsSignal } from './messages.js';

/** GiB a resource's copy moves, as far as preflight saw it (0: unknown, the request's age decides). */
export function copyWeightGiB(resource: ResolvedResource | undefined): number {
  const d = resource?.sourceDetails ?? {};
  const gib = d.sizeGiB ?? d.allocatedStorageGiB;
  return typeof gib === 'number' && Number.isFinite(gib) && gib > 0 ? gib : 0;
}

/**
 * A phase's side of the destination's copy slots: what the phase's own slots granted (at most the
 * quota per plan) is asked again of the coordinator, which grants the resource workflow once the
 * account and region have a slot free across every plan. Never throws: a request that could not be
 * sent, or that a coordinator lost (terminated by hand, failed), stays pending and is sent again by
 * `resend` until its grant is seen; the coordinator grants a holder it already has again, once.
 */
export class RegionSlotForwarder {
  private readonly coordinatorId: string;
  private ensured = false;
  /** Forwarded and not yet granted, by holder. */
  private readonly pending = new Map<string, RegionSlotRequest>();
  /** Forwarded and not yet released: what the coordinator may count as held or queued. */
  private readonly forwarded = new Set<string>();
  private readonly ensure = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 5 },
  }).ensureCopySlotCoordinator;

  constructor(
    private readonly plan: PlanContext,
    private readonly phaseWorkflowId: string,
    private readonly sweepIntervalMs: number,
  ) {
    this.coordinatorId = copySlotCoordinatorId(
      workflowInfo().taskQueue,
      plan.primary.accountId,
      plan.primary.region,
    );
  }

  get waiting(): boolean {
    return this.pending.size > 0;
  }

  /** Forwards the phase's grants; `held`: whether the phase still counts the workflow as a holder. */
  async forward(
    batch: Array<CopySlotRequest & { resource?: ResolvedResource }>,
    held: (workflowId: string) => boolean,
  ): Promise<void> {
    const requests = batch.map((g): RegionSlotRequest => ({
      holder: g.workflowId,
      planId: this.plan.planId,
      phase: this.phaseWorkflowId,
      key: g.key,
      quotaClass: g.quotaClass,
      weightGiB: copyWeightGiB(g.resource),
      ...(g.units !== undefined ? { units: g.units } : {}),
    }));
    for (const r of requests) {
      this.pending.set(r.holder, r);
      this.forwarded.add(r.holder);
    }
    await this.send(requests);
    // A resource cancelled meanwhile gives its region slot (or queue place) straight back.
    for (const r of requests) if (!held(r.holder)) this.release(r.holder);
  }

  /** Sends every request still waiting for its grant again. */
  async resend(): Promise<void> {
    if (this.pending.size > 0) await this.send([...this.pending.values()]);
  }

  /** The coordinator granted `holder` (its notice to the phase). */
  granted(holder: string): void {
    this.pending.delete(holder);
  }

  /** Gives the region slot (or queue place) of `holder` back; not awaited, never cancelled. */
  release(holder: string): void {
    this.pending.delete(holder);
    if (!this.forwarded.delete(holder)) return;
    void CancellationScope.nonCancellable(() =>
      getExternalWorkflowHandle(this.coordinatorId).signal(releaseRegionSlotSignal, { holder }),
    ).catch(() => undefined); // a coordinator gone holds nothing to give back
  }

  private async send(requests: RegionSlotRequest[]): Promise<void> {
    try {
      if (!this.ensured) {
        await this.ensure({
          accountId: this.plan.primary.accountId,
          region: this.plan.primary.region,
          phase: this.phaseWorkflowId,
          sweepIntervalMs: this.sweepIntervalMs,
        });
        this.ensured = true;
      }
      await getExternalWorkflowHandle(this.coordinatorId).signal(requestRegionSlotsSignal, requests);
    } catch {
      // Not running (ended, terminated) or not reachable: start it again before the next send.
      this.ensured = false;
    }
  }
}
