import { defineSignal } from '@temporalio/workflow';
import type { CopySlotRequest } from './copy-slots.js';

/** Between a phase workflow and its resource workflows (internal: not an operator contract). */
export const acquireCopySlotSignal = defineSignal<[CopySlotRequest]>('acquireCopySlot');
export const releaseCopySlotSignal = defineSignal<[{ workflowId: string }]>('releaseCopySlot');
export const copySlotGrantedSignal = defineSignal('copySlotGranted');
