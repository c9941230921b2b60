import { CancellationScope, getExternalWorkflowHandle, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import type { RegionSlotRequest } from '../../domain/region-copy-slots.js';
import type { PlanContext, ResolvedResource } from '../../domain/resources.js';
import type { CopySlotRequest } from '../phases/copy-slots.js';
import { releaseRegionSlotSignal, requestRegionSlotSignal } from './messages.js';

/** GiB a resource's copy moves, as far as preflight saw it (0: unknown, the request's age decides). */
export function copyWeightGiB(resource: ResolvedResource | undefined): number {
  const d = resource?.sourceDetails ?? {};
  const gib = d.sizeGiB ?? d.allocatedStorageGiB;
  return typeof gib === 'number' && Number.isFinite(gib) && gib > 0 ? gib : 0;
}

/**
 * A phase's side of the destination's copy slots: what the phase's own slots granted (at most the
 * quota per plan) is asked again of the coordinator, which grants the resource workflow once the
 * account and region have a slot free across every plan. Releases go on only for what was forwarded.
 */
export class RegionSlotForwarder {
  private coordinator: string | undefined;
  private readonly forwarded = new Set<string>();
  private readonly ensure = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 20 },
  }).ensureCopySlotCoordinator;

  constructor(
    private readonly plan: PlanContext,
    private readonly phaseWorkflowId: string,
    private readonly sweepIntervalMs: number,
  ) {}

  /**
   * Forwards the phase's grants; `held` says whether the phase still counts the workflow as a holder
   * (a resource cancelled meanwhile gives its region slot straight back).
   */
  async forward(
    batch: Array<CopySlotRequest & { resource?: ResolvedResource }>,
    held: (workflowId: string) => boolean,
  ): Promise<void> {
    await Promise.all(
      batch.map(async (g) => {
        const request: RegionSlotRequest = {
          holder: g.workflowId,
          planId: this.plan.planId,
          phase: this.phaseWorkflowId,
          key: g.key,
          quotaClass: g.quotaClass,
          weightGiB: copyWeightGiB(g.resource),
        };
        try {
          await this.request(request);
        } catch {
          // The coordinator is gone (terminated by hand): a new one, then the request again.
          this.coordinator = undefined;
          await this.request(request);
        }
        this.forwarded.add(g.workflowId);
        if (!held(g.workflowId)) this.release(g.workflowId);
      }),
    );
  }

  /** Gives the region slot (or queue place) of `holder` back; not awaited, never cancelled. */
  release(holder: string): void {
    if (!this.forwarded.delete(holder) || !this.coordinator) return;
    const coordinator = this.coordinator;
    void CancellationScope.nonCancellable(() =>
      getExternalWorkflowHandle(coordinator).signal(releaseRegionSlotSignal, { holder }),
    ).catch(() => undefined); // a coordinator gone has nothing to give back
  }

  private async request(request: RegionSlotRequest): Promise<void> {
    this.coordinator ??= (
      await this.ensure({
        accountId: this.plan.primary.accountId,
        region: this.plan.primary.region,
        phase: this.phaseWorkflowId,
        sweepIntervalMs: this.sweepIntervalMs,
      })
    ).workflowId;
    await getExternalWorkflowHandle(this.coordinator).signal(requestRegionSlotSignal, request);
  }
}
