import { GATES, type Gate, type Stage } from '../../domain/contract.js';
import type {
  AbortPayload,
  ApprovePayload,
  DnsCutoverPayload,
  DnsRollbackPayload,
  MaintenanceWindowPayload,
  RejectPayload,
  RetryPayload,
} from '../../domain/messages.js';
import type { WaitingFor } from '../../domain/status.js';

/**
 * Whether an operator's message fits the plan's state right now. Pure: the signal handlers record a
 * misfit as ignored (with this reason), the Update validators reject it (the API answers 409), and the
 * unit tests drive every branch.
 */
export interface PlanView {
  stage: Stage;
  /** The stage work is in, also while parked in needs-attention / aborting. */
  effectiveStage: Stage;
  waitingFor: WaitingFor | null;
  finished: boolean;
  aborting: boolean;
  failbackApproved: boolean;
  /** The failback gate was rejected (a plan started before the fix kept waiting: approving is refused). */
  failbackRejected?: boolean;
  pastPointOfNoReturn: boolean;
  dnsMode: 'manual' | 'route53';
  /** Workflow time, ms since epoch. */
  now: number;
}

export type Verdict = { ok: true } | { ok: false; reason: string };

const OK: Verdict = { ok: true };
const no = (reason: string): Verdict => ({ ok: false, reason });

/** Stages before the failback started, in which the window and the failback gate may change. */
const BEFORE_FAILBACK: readonly Stage[] = [
  'preflight',
  'awaiting-primary-ready',
  'access-stack',
  'test-failback',
  'awaiting-test-validation',
  'awaiting-window',
];

function common(view: PlanView, by: string): Verdict | undefined {
  if (typeof by !== 'string' || by.trim() === '') return no('`by` (who sends it) is required');
  if (view.finished) return no(`the plan is ${view.stage}: nothing changes any more`);
  if (view.aborting) return no('the plan is aborting');
  return undefined;
}

function gateFits(view: PlanView, gate: Gate): Verdict {
  if (!GATES.includes(gate)) return no(`unknown gate '${String(gate)}' (gates: ${GATES.join(', ')})`);
  if (gate === 'failback') {
    if (view.stage !== 'awaiting-window') {
      return no(`the failback gate opens in stage awaiting-window; the plan is in ${view.stage}`);
    }
    if (view.failbackApproved) return no('the failback gate is already approved for this window');
    if (view.failbackRejected) return no('the failback gate was rejected: abort the plan');
    return OK;
  }
  const waiting = view.waitingFor;
  if (waiting?.kind === 'gate' && waiting.gate === gate) return OK;
  const now = waiting?.kind === 'gate' ? `gate ${waiting.gate}` : (waiting?.kind ?? 'nothing');
  return no(`the plan is not waiting for gate ${gate} (stage ${view.stage}, waiting for ${now})`);
}

export function checkApprove(view: PlanView, payload: ApprovePayload): Verdict {
  return common(view, payload?.by) ?? gateFits(view, payload.gate);
}

export function checkReject(view: PlanView, payload: RejectPayload): Verdict {
  const base = common(view, payload?.by);
  if (base) return base;
  if (typeof payload.reason !== 'string' || payload.reason.trim() === '')
    return no('a reject needs a reason');
  return gateFits(view, payload.gate);
}

export function checkMaintenanceWindow(view: PlanView, payload: MaintenanceWindowPayload): Verdict {
  const base = common(view, payload?.by);
  if (base) return base;
  if (!BEFORE_FAILBACK.includes(view.effectiveStage)) {
    return no(`the failback has started (stage ${view.stage}): the window can no longer move`);
  }
  const start = Date.parse(payload.start);
  const end = Date.parse(payload.end);
  if (Number.isNaN(start) || Number.isNaN(end)) return no('start and end must be ISO 8601 date-times');
  if (end <= start) return no('the window must end after it starts');
  if (end <= view.now) return no('the window is already over');
  return OK;
}

export function checkDnsCutover(view: PlanView, payload: DnsCutoverPayload): Verdict {
  const base = common(view, payload?.by);
  if (base) return base;
  if (view.waitingFor?.kind === 'dns-cutover') return OK;
  if (view.dnsMode === 'route53') return no('this plan flips DNS itself (route53 mode)');
  return no(`the plan is not waiting for the DNS cutover (stage ${view.stage})`);
}

export function checkDnsRollback(view: PlanView, payload: DnsRollbackPayload): Verdict {
  if (typeof payload?.by !== 'string' || payload.by.trim() === '')
    return no('`by` (who sends it) is required');
  if (view.finished) return no(`the plan is ${view.stage}: nothing changes any more`);
  if (view.waitingFor?.kind === 'dns-rollback') return OK;
  return no(
    `the plan is not waiting for DNS to point back at recovery (stage ${view.stage}): that is asked only while an abort undoes a manual cutover`,
  );
}

export function checkRetry(view: PlanView, payload: RetryPayload): Verdict {
  if (typeof payload?.by !== 'string' || payload.by.trim() === '')
    return no('`by` (who sends it) is required');
  if (view.finished) return no(`the plan is ${view.stage}: nothing changes any more`);
  if (view.waitingFor?.kind !== 'operator')
    return no(`nothing to retry: the plan is ${view.stage}, not needs-attention`);
  return OK;
}

export function checkAbort(view: PlanView, payload: AbortPayload): Verdict {
  const base = common(view, payload?.by);
  if (base) return base;
  if (typeof payload.reason !== 'string' || payload.reason.trim() === '')
    return no('an abort needs a reason');
  if (view.pastPointOfNoReturn) {
    return no('primary is validated and recovery is being concluded: there is nothing left to abort');
  }
  return OK;
}
