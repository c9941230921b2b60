/**
 * Every message of the plan workflow, defined once and imported by the workflows, the API and the
 * tests (DESIGN.md §2). Signals are the operator contract (`temporal workflow signal --name approve`);
 * the Updates carry the same payloads for callers that need an atomic answer: a validator rejects what
 * does not fit the state, so nothing is sent and the API answers 409 with the reason.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Gate, Stage } from './contract.js';
import type { PlanSpec } from './plan-spec.js';
import type { PhaseStatus, PlanStatus } from './status.js';

export interface ApprovePayload {
  gate: Gate;
  by: string;
  comment?: string;
}
export interface RejectPayload {
  gate: Gate;
  by: string;
  reason: string;
}
export interface MaintenanceWindowPayload {
  start: string;
  end: string;
  by: string;
}
export interface DnsCutoverPayload {
  by: string;
  details?: string;
}
/**
 * Compensation of a manual-DNS plan whose traffic may have moved to primary: a person pointed DNS back
 * at the recovery environment and resolvers answer with it again (the records' TTL has passed), so
 * primary's resources may be renamed back. Accepted only while the aborting plan waits for it.
 */
export interface DnsRollbackPayload {
  by: string;
  details?: string;
}
export interface RetryPayload {
  by: string;
}
export interface AbortPayload {
  by: string;
  reason: string;
}

export const approveSignal = defineSignal<[ApprovePayload]>('approve');
export const rejectSignal = defineSignal<[RejectPayload]>('reject');
export const setMaintenanceWindowSignal = defineSignal<[MaintenanceWindowPayload]>('setMaintenanceWindow');
export const dnsCutoverCompleteSignal = defineSignal<[DnsCutoverPayload]>('dnsCutoverComplete');
export const dnsRollbackCompleteSignal = defineSignal<[DnsRollbackPayload]>('dnsRollbackComplete');
export const retrySignal = defineSignal<[RetryPayload]>('retry');
export const abortSignal = defineSignal<[AbortPayload]>('abort');

export const statusQuery = defineQuery<PlanStatus>('status');

/** What an accepted Update returns. */
export interface Ack {
  accepted: true;
  stage: Stage;
  message: string;
}

export const approveUpdate = defineUpdate<Ack, [ApprovePayload]>('approveGate');
export const rejectUpdate = defineUpdate<Ack, [RejectPayload]>('rejectGate');
export const setMaintenanceWindowUpdate = defineUpdate<Ack, [MaintenanceWindowPayload]>(
  'setMaintenanceWindowChecked',
);
export const dnsCutoverCompleteUpdate = defineUpdate<Ack, [DnsCutoverPayload]>('dnsCutoverCompleteChecked');
export const dnsRollbackCompleteUpdate = defineUpdate<Ack, [DnsRollbackPayload]>(
  'dnsRollbackCompleteChecked',
);
export const retryUpdate = defineUpdate<Ack, [RetryPayload]>('retryChecked');
export const abortUpdate = defineUpdate<Ack, [AbortPayload]>('abortChecked');

/** Live detail of a phase child (its resources' steps and copy slots). */
export const phaseStatusQuery = defineQuery<PhaseStatus>('phaseStatus');

/** Input of the failbackPlan workflow (`temporal workflow start --type failbackPlan --input '{…}'`). */
export interface FailbackPlanInput {
  spec: PlanSpec;
  /** Who started the plan (API token name, or the CLI user's `by`). */
  startedBy: string;
  tuning?: PlanTuning;
}

/**
 * Knobs for the emulator's scaled clock (tests, demo, benchmark); absent against AWS. `timeScale`
 * matches FAILBACK_TIME_SCALE of the workers: heartbeat timeouts and retry intervals scale with it.
 */
export interface PlanTuning {
  timeScale?: number;
}
