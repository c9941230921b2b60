import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { RegionSlotRequest, RegionSlotsSnapshot } from '../../domain/region-copy-slots.js';

/**
 * Between the phase workflows and a destination's copy-slot coordinator (internal: not an operator
 * contract; the query is for the Temporal CLI and Web UI). The grant goes to the resource workflow
 * itself, as the phase's own grant did (copySlotGrantedSignal).
 */
export const registerPhaseSignal = defineSignal<[{ phase: string }]>('registerCopyPhase');
/** One or more requests; a request the coordinator already holds is granted again, never twice. */
export const requestRegionSlotsSignal = defineSignal<[RegionSlotRequest[]]>('requestRegionCopySlots');
export const releaseRegionSlotSignal = defineSignal<[{ holder: string }]>('releaseRegionCopySlot');
export const regionCopySlotsQuery = defineQuery<RegionSlotsSnapshot>('copySlots');
/** To the phase that forwarded the request: its resource copies now (the phase status shows it). */
export const regionSlotGrantedSignal =
  defineSignal<[{ key: string; holder: string }]>('regionCopySlotGranted');
