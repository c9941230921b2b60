import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { setHandler } from '@temporalio/workflow';
import {
  abortSignal,
  abortUpdate,
  approveSignal,
  approveUpdate,
  dnsCutoverCompleteSignal,
  dnsCutoverCompleteUpdate,
  dnsRollbackCompleteSignal,
  dnsRollbackCompleteUpdate,
  rejectSignal,
  rejectUpdate,
  retrySignal,
  retryUpdate,
  setMaintenanceWindowSignal,
  setMaintenanceWindowUpdate,
  statusQuery,
  type AbortPayload,
  type Ack,
  type ApprovePayload,
  type DnsCutoverPayload,
  type DnsRollbackPayload,
  type MaintenanceWindowPayload,
  type RejectPayload,
  type RetryPayload,
} from '../../domain/messages.js';
import type { AuditEntry } from '../../domain/status.js';
import {
  checkAbort,
  checkApprove,
  checkDnsCutover,
  checkDnsRollback,
  checkMaintenanceWindow,
  checkReject,
  checkRetry,
  type PlanView,
  type Verdict,
} from './decisions.js';
import { describeCurrentDetails } from '../details/current-details.js';
import { renderPlanDetails } from '../details/plan-details.js';
import { nowIso, type PlanState } from './state.js';

export function view(state: PlanState): PlanView {
  return {
    stage: state.stage,
    effectiveStage: state.effectiveStage,
    waitingFor: state.status.waitingFor,
    finished: state.finished,
    aborting: state.abortRequest !== undefined,
    failbackApproved: state.failbackApproved !== undefined,
    failbackRejected: state.decisions.get('failback')?.decision === 'reject',
    pastPointOfNoReturn: state.pastPointOfNoReturn,
    dnsMode: state.spec.dnsCutover.mode,
    now: Date.now(),
  };
}

interface MessageKind<P> {
  check: (view: PlanView, payload: P) => Verdict;
  apply: (state: PlanState, payload: P) => string;
  audit: (payload: P) => Omit<AuditEntry, 'at' | 'outcome' | 'by'>;
}

const approve: MessageKind<ApprovePayload> = {
  check: checkApprove,
  apply(state, p) {
    if (p.gate === 'failback') {
      state.failbackApproved = { by: p.by, at: nowIso() };
      // Shown in status too: given before the window is set, it was otherwise only in the audit.
      state.status.failbackApproval = {
        ...state.failbackApproved,
        ...(p.comment ? { comment: p.comment } : {}),
      };
    } else state.decisions.set(p.gate, { decision: 'approve', by: p.by });
    // From this approval on, recovery is concluded: an abort arriving in the same task must not win.
    if (p.gate === 'primary-validated') state.pastPointOfNoReturn = true;
    return `gate ${p.gate} approved`;
  },
  audit: (p) => ({ action: 'approve', gate: String(p?.gate), ...(p?.comment ? { comment: p.comment } : {}) }),
};

const reject: MessageKind<RejectPayload> = {
  check: checkReject,
  apply(state, p) {
    state.decisions.set(p.gate, { decision: 'reject', by: p.by, reason: p.reason });
    return `gate ${p.gate} rejected: the plan compensates and aborts`;
  },
  audit: (p) => ({ action: 'reject', gate: String(p?.gate), ...(p?.reason ? { comment: p.reason } : {}) }),
};

const maintenanceWindow: MessageKind<MaintenanceWindowPayload> = {
  check: checkMaintenanceWindow,
  apply(state, p) {
    const start = new Date(Date.parse(p.start)).toISOString();
    const end = new Date(Date.parse(p.end)).toISOString();
    const before = state.status.maintenanceWindow;
    state.status.maintenanceWindow = { start, end, setBy: p.by, setAt: nowIso() };
    state.windowVersion++;
    // An approval is for the window it was given for: a moved window needs a new one (decision 0034).
    const moved = before !== undefined && (before.start !== start || before.end !== end);
    if (state.safe && moved && state.failbackApproved) {
      const was = state.failbackApproved;
      state.failbackApproved = undefined;
      delete state.status.failbackApproval;
      state.status.timeline.push({
        stage: state.stage,
        at: nowIso(),
        note: `window moved from ${before.start} – ${before.end}: the failback approval by ${was.by} was for that window, approve again`,
      });
      return `maintenance window moved to ${start} – ${end}: the failback gate must be approved again`;
    }
    return `maintenance window set to ${start} – ${end}`;
  },
  audit: (p) => ({ action: 'setMaintenanceWindow', details: `${String(p?.start)} – ${String(p?.end)}` }),
};

const dnsCutover: MessageKind<DnsCutoverPayload> = {
  check: checkDnsCutover,
  apply(state, p) {
    state.dnsConfirmed = { by: p.by, ...(p.details ? { details: p.details } : {}) };
    return 'DNS cutover recorded';
  },
  audit: (p) => ({ action: 'dnsCutoverComplete', ...(p?.details ? { details: p.details } : {}) }),
};

const dnsRollback: MessageKind<DnsRollbackPayload> = {
  check: checkDnsRollback,
  apply(state, p) {
    state.dnsRolledBack = { by: p.by, ...(p.details ? { details: p.details } : {}) };
    return 'DNS rollback recorded: compensation goes on';
  },
  audit: (p) => ({ action: 'dnsRollbackComplete', ...(p?.details ? { details: p.details } : {}) }),
};

const retry: MessageKind<RetryPayload> = {
  check: checkRetry,
  apply(state, p) {
    state.retryRequestedBy = p.by;
    return 'retrying the failed step';
  },
  audit: () => ({ action: 'retry' }),
};

const abort: MessageKind<AbortPayload> = {
  check: checkAbort,
  apply(state, p) {
    state.abortRequest = { by: p.by, reason: p.reason };
    return 'aborting: compensation runs, then the plan ends aborted';
  },
  audit: (p) => ({ action: 'abort', ...(p?.reason ? { comment: p.reason } : {}) }),
};

/**
 * The signal form records a misfit as ignored (never throws: a bad signal must not fail the plan);
 * the Update form rejects it in the validator, so nothing is recorded in history and the caller gets
 * the reason.
 */
function register<P extends { by: string }>(
  state: PlanState,
  kind: MessageKind<P>,
  signal: SignalDefinition<[P]>,
  update: UpdateDefinition<Ack, [P]>,
): void {
  const byOf = (p: P) => (typeof p?.by === 'string' && p.by ? p.by : 'unknown');
  setHandler(signal, (payload: P) => {
    const verdict = kind.check(view(state), payload);
    if (!verdict.ok) {
      state.ignored({ by: byOf(payload), ...kind.audit(payload) }, verdict.reason);
      return;
    }
    kind.apply(state, payload);
    state.audit({ by: payload.by, outcome: 'accepted', ...kind.audit(payload) });
  });
  setHandler(
    update,
    (payload: P): Ack => {
      const message = kind.apply(state, payload);
      state.audit({ by: payload.by, outcome: 'accepted', ...kind.audit(payload) });
      return { accepted: true, stage: state.stage, message };
    },
    {
      validator: (payload: P) => {
        const verdict = kind.check(view(state), payload);
        if (!verdict.ok) throw new Error(verdict.reason);
      },
    },
  );
}

export function registerHandlers(state: PlanState): void {
  setHandler(statusQuery, () => state.status);
  // The Web UI's Current Details: the same status, rendered at the end of each activation.
  describeCurrentDetails(() => renderPlanDetails(state.status));
  register(state, approve, approveSignal, approveUpdate);
  register(state, reject, rejectSignal, rejectUpdate);
  register(state, maintenanceWindow, setMaintenanceWindowSignal, setMaintenanceWindowUpdate);
  register(state, dnsCutover, dnsCutoverCompleteSignal, dnsCutoverCompleteUpdate);
  register(state, dnsRollback, dnsRollbackCompleteSignal, dnsRollbackCompleteUpdate);
  register(state, retry, retrySignal, retryUpdate);
  register(state, abort, abortSignal, abortUpdate);
}
