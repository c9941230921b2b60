/**
 * The `status` query's answer (DESIGN.md §2): what the API returns, what `temporal workflow query
 * --type status` prints, what the report is computed from. Add optional fields only.
 */
import type { Gate, ResourceKind, Stage } from './contract.js';
import type { DnsRecord } from './plan-spec.js';
import type { Phase, RecoveryPoint, Restored, Retirement, Verification } from './resources.js';

export type WaitingFor =
  | { kind: 'gate'; gate: Gate; since: string }
  /** No window yet (start/end absent), or a timer to its start. */
  | { kind: 'maintenance-window'; start?: string; end?: string; since: string }
  | { kind: 'dns-cutover'; since: string }
  /** Aborting after a manual cutover: a person points DNS back at recovery (dnsRollbackComplete). */
  | { kind: 'dns-rollback'; since: string }
  /** needs-attention: an operator must send `retry` or `abort`. */
  | { kind: 'operator'; since: string; reason: string };

/** The value of the FailbackWaitingFor search attribute: `gate:failback`, `maintenance-window`, … */
export function waitingForKeyword(waiting: WaitingFor | null): string {
  if (!waiting) return 'nothing';
  return waiting.kind === 'gate' ? `gate:${waiting.gate}` : waiting.kind;
}

export type ResourceState =
  | 'pending'
  | 'running'
  | 'waiting-for-copy-slot'
  | 'succeeded'
  | 'failed'
  | 'compensating'
  | 'compensated'
  | 'removed';

export interface StepTiming {
  step: string;
  startedAt: string;
  finishedAt?: string;
}

export interface ResourceStatus {
  key: string;
  kind: ResourceKind;
  source: string;
  target: string;
  phase: Phase | 'preflight' | 'test-cleanup' | 'compensation' | 'cleanup' | null;
  state: ResourceState;
  /** The step running now or last (takeRecoveryPoint, copyRecoveryPoint, restoreIntoPrimary, …). */
  step?: string;
  lastError?: { type: string; message: string; at: string };
  recoveryPoint?: RecoveryPoint;
  retirement?: Retirement;
  restored?: Restored;
  verification?: Verification;
  /** From the final cleanup: what it left for a person to do, each with its fix (CleanupReport.leftOff). */
  leftOff?: string[];
  /** Per phase, the steps with their times (the report's per-resource durations). */
  timings?: Partial<Record<Phase, StepTiming[]>>;
}

export interface TimelineEntry {
  stage: Stage;
  at: string;
  note?: string;
}

export interface AuditEntry {
  at: string;
  /** The identity: the API token's name, or the `by` of a CLI signal. */
  by: string;
  action:
    | 'start'
    | 'approve'
    | 'reject'
    | 'setMaintenanceWindow'
    | 'dnsCutoverComplete'
    | 'dnsRollbackComplete'
    | 'retry'
    | 'abort';
  outcome: 'accepted' | 'ignored';
  gate?: string;
  /** Why it was ignored, or the operator's reason/comment. */
  reason?: string;
  comment?: string;
  details?: string;
}

export interface PlanError {
  at: string;
  stage: Stage;
  resource?: string;
  /** ApplicationFailure type: AccessDenied, QuotaExceeded, NameConflict, VerificationFailed, … */
  type: string;
  message: string;
  /** What an operator should do about it. */
  action: string;
}

export interface PlanMeasurements {
  startedAt: string;
  failbackStartedAt?: string;
  quiescedAt?: string;
  /** The oldest final recovery point of the failback (the RPO is quiescedAt → this, per resource). */
  finalRecoveryPointsAt?: string;
  restoreCompletedAt?: string;
  dnsCutoverAt?: string;
  primaryValidatedAt?: string;
  completedAt?: string;
}

export interface PlanStatus {
  planId: string;
  application: string;
  stage: Stage;
  /** needs-attention / aborting: the stage it happened in. */
  interruptedStage?: Stage;
  waitingFor: WaitingFor | null;
  maintenanceWindow?: { start: string; end: string; setBy: string; setAt: string };
  /**
   * The failback gate's approval, once given: it may come before the window is set, and holds for
   * the window until that window is missed (then it is cleared with it).
   */
  failbackApproval?: { by: string; at: string; comment?: string };
  /** The phase child running now: query it (same `status`-style query `phaseStatus`) for live detail. */
  activePhase?: { phase: string; workflowId: string };
  resources: ResourceStatus[];
  timeline: TimelineEntry[];
  audit: AuditEntry[];
  errors: PlanError[];
  dns: {
    mode: 'manual' | 'route53';
    cutoverAt?: string;
    by?: string;
    details?: string;
    /** Route 53: the values before the cutover, restored by an abort. */
    previousRecords?: DnsRecord[];
    /** Compensation: when DNS pointed back at recovery (and resolvers' caches had drained), and by whom. */
    rolledBackAt?: string;
    rolledBackBy?: string;
  };
  accessStack?: { stackName: string; roleArn: string; state: 'created' | 'existing' | 'deleted' };
  /**
   * The recovery-point schedule (options.recoveryPointSchedule): whether the plan paused it when the
   * failback started (it ran then), and whether it runs again (completion, or an abort that paused it).
   */
  recoveryPointSchedule?: { scheduleId: string; pausedByPlan: boolean; resumed?: boolean };
  measurements: PlanMeasurements;
  /** Set when the plan ended: completed, aborted (with reason) or failed. */
  outcome?: { result: 'completed' | 'aborted' | 'failed'; at: string; reason?: string };
}

/** Live detail of a running phase child (query `phaseStatus` on its workflow id). */
export interface PhaseStatus {
  phase: string;
  resources: Array<Pick<ResourceStatus, 'key' | 'state' | 'step' | 'lastError'>>;
  copySlots: Record<string, { limit: number; inUse: number; waiting: number }>;
}
