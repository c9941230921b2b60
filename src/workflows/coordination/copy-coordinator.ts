import {
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import {
  RegionCopySlots,
  type RegionSlotRequest,
  type RegionSlotsState,
} from '../../domain/region-copy-slots.js';
import { copySlotGrantedSignal } from '../phases/messages.js';
import {
  regionCopySlotsQuery,
  regionSlotGrantedSignal,
  registerPhaseSignal,
  releaseRegionSlotSignal,
  requestRegionSlotsSignal,
} from './messages.js';
import { COPY_SLOT_UNITS_PATCH } from '../versions.js';

export interface CopySlotCoordinatorInput {
  accountId: string;
  region: string;
  /** How often it looks for holders and phases that ended without giving their slots back. */
  sweepIntervalMs: number;
  /** Carried over by continue-as-new. */
  state?: RegionSlotsState;
  phases?: string[];
}

/**
 * The copy slots of one destination account and region, for every plan of this orchestrator (one
 * per task queue, account and region: copySlotCoordinatorId). Phases register when they start and
 * forward their resources' requests; grants go to the resource workflows (region-copy-slots.ts
 * decides who). A slot whose holder or phase ended without a release — terminated, timed out, a
 * worker lost with its history — is found by the sweep and given on. Ends when no phase is left and
 * nothing is held or queued; the next phase's signal-with-start begins a new run (decision 0043).
 */
export async function copySlotCoordinator(input: CopySlotCoordinatorInput): Promise<{ ended: 'idle' }> {
  const slots = new RegionCopySlots(input.state);
  // With it: a request's units count (an AMI copy: one per volume); without, every request is one.
  const byUnits = patched(COPY_SLOT_UNITS_PATCH);
  const phases = new Set(input.phases ?? []);
  const grants: RegionSlotRequest[] = [];
  setHandler(registerPhaseSignal, ({ phase }) => void phases.add(phase));
  setHandler(requestRegionSlotsSignal, (requests) => {
    for (const request of requests) {
      phases.add(request.phase);
      grants.push(...slots.request(byUnits ? request : { ...request, units: undefined }));
    }
  });
  setHandler(releaseRegionSlotSignal, ({ holder }) => void grants.push(...slots.release(holder)));
  setHandler(regionCopySlotsQuery, () => slots.snapshot());
  const { closedWorkflows } = proxyActivities<Activities>({
    startToCloseTimeout: '2 minutes',
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
  });

  let nextSweep = Date.now() + input.sweepIntervalMs;
  for (;;) {
    await condition(() => grants.length > 0, Math.max(1, nextSweep - Date.now()));
    while (grants.length > 0) {
      const batch = grants.splice(0, grants.length);
      // A grant that cannot be delivered: its holder has ended; the slot goes on at once.
      const undelivered = await Promise.all(
        batch.map(async (g) => {
          try {
            await getExternalWorkflowHandle(g.holder).signal(copySlotGrantedSignal);
          } catch {
            return g.holder;
          }
          // Only for the status: a phase that ended has nothing to show.
          await getExternalWorkflowHandle(g.phase)
            .signal(regionSlotGrantedSignal, { key: g.key, holder: g.holder })
            .catch(() => undefined);
          return undefined;
        }),
      );
      const ended = new Set(undelivered.filter((h): h is string => h !== undefined));
      if (ended.size > 0) grants.push(...slots.releaseEnded(ended));
    }
    if (Date.now() >= nextSweep) {
      const watched = [...new Set([...slots.workflows(), ...phases])];
      if (watched.length > 0) {
        // A sweep that fails (Temporal busy, a describe refused) is tried again next time.
        const ended = new Set(await closedWorkflows({ workflowIds: watched }).catch(() => []));
        for (const phase of ended) phases.delete(phase);
        grants.push(...slots.releaseEnded(ended));
      }
      nextSweep = Date.now() + input.sweepIntervalMs;
      if (grants.length === 0 && slots.idle && phases.size === 0) return { ended: 'idle' };
    }
    if (grants.length === 0 && workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof copySlotCoordinator>({
        ...input,
        state: slots.state(),
        phases: [...phases],
      });
    }
  }
}
