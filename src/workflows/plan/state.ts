import { upsertSearchAttributes } from '@temporalio/workflow';
import { FINAL_STAGES, type Gate, type Stage } from '../../domain/contract.js';
import { operatorAction } from '../../domain/failures.js';
import type { PlanSpec } from '../../domain/plan-spec.js';
import type { ResolvedResource } from '../../domain/resources.js';
import { FailbackStage, FailbackWaitingFor } from '../../domain/search-attributes.js';
import {
  waitingForKeyword,
  type AuditEntry,
  type PlanStatus,
  type ResourceStatus,
  type WaitingFor,
} from '../../domain/status.js';

/** A gate decision as the main flow consumes it. */
export interface GateDecision {
  decision: 'approve' | 'reject';
  by: string;
  reason?: string;
}

/** Everything an abort needs: who, why. */
export interface AbortRequest {
  by: string;
  reason: string;
}

function nowIso(): string {
  // Date in workflow code is the SDK's deterministic workflow clock.
  return new Date().toISOString();
}

/**
 * The plan's state: the `status` answer plus the flags the main flow waits on. Message handlers only
 * record decisions here; the main flow (failback-plan.ts) acts on them, so every transition happens in
 * one place and in order.
 */
export class PlanState {
  readonly status: PlanStatus;
  readonly decisions = new Map<Gate, GateDecision>();
  abortRequest: AbortRequest | undefined;
  retryRequestedBy: string | undefined;
  dnsConfirmed: { by: string; details?: string } | undefined;
  /** Compensation after a manual cutover: a person confirmed DNS points back at recovery. */
  dnsRolledBack: { by: string; details?: string } | undefined;
  /** The stage the abort came from (what `interruptedStage` shows while aborting). */
  abortedFrom: Stage | undefined;
  /** Bumped on every window change, so a waiting timer re-arms. */
  windowVersion = 0;
  /** Set once the failback gate was approved for the current window (reset when a window is missed). */
  failbackApproved: { by: string; at: string } | undefined;
  /** After primary-validated was approved nothing is aborted any more (recovery is being concluded). */
  pastPointOfNoReturn = false;

  constructor(
    readonly spec: PlanSpec,
    startedBy: string,
    /** The run has the abort-safety patch (versions.ts): every new behaviour keys off this. */
    readonly safe = false,
  ) {
    const at = nowIso();
    this.status = {
      planId: spec.planId,
      application: spec.application,
      stage: 'preflight',
      waitingFor: null,
      resources: [],
      timeline: [{ stage: 'preflight', at }],
      audit: [{ at, by: startedBy, action: 'start', outcome: 'accepted' }],
      errors: [],
      dns: { mode: spec.dnsCutover.mode },
      measurements: { startedAt: at },
    };
    if (spec.maintenanceWindow) {
      this.status.maintenanceWindow = { ...spec.maintenanceWindow, setBy: startedBy, setAt: at };
    }
  }

  get stage(): Stage {
    return this.status.stage;
  }

  get finished(): boolean {
    return FINAL_STAGES.includes(this.status.stage);
  }

  /**
   * The stage work is in, also while parked in needs-attention. While aborting it is `aborting` (the
   * patched runs; before, the stage an abort from needs-attention came from leaked in here).
   */
  get effectiveStage(): Stage {
    if (this.safe && this.status.stage === 'aborting') return 'aborting';
    return this.status.interruptedStage ?? this.status.stage;
  }

  enterStage(stage: Stage, note?: string): void {
    this.status.stage = stage;
    if (stage !== 'needs-attention' && stage !== 'aborting') delete this.status.interruptedStage;
    this.status.timeline.push({ stage, at: nowIso(), ...(note ? { note } : {}) });
    this.publish();
  }

  waitFor(waiting: WaitingFor | null): void {
    this.status.waitingFor = waiting;
    this.publish();
  }

  /** Keeps the Web UI's / visibility's view (FailbackStage, FailbackWaitingFor) in step with status. */
  private publish(): void {
    upsertSearchAttributes([
      { key: FailbackStage, value: this.status.stage },
      { key: FailbackWaitingFor, value: waitingForKeyword(this.status.waitingFor) },
    ]);
  }

  audit(entry: Omit<AuditEntry, 'at'>): void {
    this.status.audit.push({ at: nowIso(), ...entry });
  }

  ignored(entry: Omit<AuditEntry, 'at' | 'outcome'>, reason: string): void {
    this.audit({ ...entry, outcome: 'ignored', reason });
  }

  recordError(type: string, message: string, resource?: string): void {
    this.status.errors.push({
      at: nowIso(),
      stage: this.effectiveStage,
      type,
      message,
      action: operatorAction(type),
      ...(resource ? { resource } : {}),
    });
  }

  setResources(resources: ResolvedResource[]): void {
    this.status.resources = resources.map<ResourceStatus>((r) => ({
      key: r.key,
      kind: r.kind,
      source: r.source,
      target: r.target,
      phase: 'preflight',
      state: 'pending',
    }));
  }

  resource(key: string): ResourceStatus | undefined {
    return this.status.resources.find((r) => r.key === key);
  }

  measure(name: keyof PlanStatus['measurements'], at = nowIso()): void {
    this.status.measurements[name] = at;
  }
}

export { nowIso };
