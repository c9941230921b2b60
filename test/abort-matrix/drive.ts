import type { WorkflowHandle } from '@temporalio/client';
import type { EmulatorAdmin, HoldRule } from '../../emulator/client.js';
import type { Gate, Stage } from '../../src/domain/contract.js';
import { abortSignal, approveSignal } from '../../src/domain/messages.js';
import type { PlanStatus } from '../../src/domain/status.js';
import { status } from '../support/plans.js';

/**
 * Drives a plan as its people would (every gate approved but the last) and delivers the abort at the
 * point under test: when the hold rule triggers (the held call performed, its answer not yet seen by
 * the activity; or the poll of a long operation held), or, without a rule, at the primary-validated
 * gate (after the DNS cutover). A held call is released once the plan is compensating, or once the
 * cancellation has reached the activities the abort stops (an activity blocked on the held call cannot
 * finish cancelling, so the plan does not reach `aborting` before the release), so the activity that
 * made it sees its answer knowing it is cancelled and carries on beside the compensation, as in AWS.
 */
export interface DriveOptions {
  admin: EmulatorAdmin;
  /** The rule whose trigger is the abort point; none: abort at the primary-validated gate. */
  holdId?: string;
  /** Called just before the abort is sent (the clean run reads the request log there). */
  beforeAbort?: (status: PlanStatus | undefined) => Promise<void>;
  /** Until the abort point (default 240 s). */
  timeoutMs?: number;
  /** From the abort until the plan has settled (default 120 s; the fast profile's compensations take seconds). */
  settleMs?: number;
}

export interface DriveOutcome {
  final: PlanStatus | undefined;
  /** The rule when the abort was delivered (what it held, where). */
  trigger?: HoldRule;
  /** The stage the plan reported when the abort was sent. */
  abortedIn?: Stage;
  /** The plan waited at the primary-validated gate before the rule triggered: the point was never reached. */
  notReached: boolean;
  /** The plan ended (aborted, failed, completed) or parked for a person after the abort. */
  settled: boolean;
  notes: string[];
}

const DONE: Stage[] = ['completed', 'aborted', 'failed'];
const COMPENSATING: Stage[] = ['aborting', 'aborted', 'failed'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CANCEL_REQUESTED = 3; // temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_CANCEL_REQUESTED
const msOf = (t: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  t ? Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6 : 0;

/**
 * Whether the abort's cancellation has reached the activities it stops: each activity of the plan's
 * running workflows that the server holds as cancel-requested has heartbeated since it was first seen
 * so (the answer to that heartbeat carried the cancellation, so the activity knows). An activity
 * blocked on a held call cannot finish its cancellation, so the plan never reaches `aborting` before
 * the release; this is the state the release waits for. `seen`: when each was first seen cancel-requested.
 */
async function cancellationDelivered(handle: WorkflowHandle, seen: Map<string, number>): Promise<boolean> {
  const ids = new Set([handle.workflowId]);
  const query = `RootWorkflowId = "${handle.workflowId}" AND ExecutionStatus = "Running"`;
  for await (const w of handle.client.list({ query })) ids.add(w.workflowId);
  let requested = 0;
  let delivered = 0;
  for (const id of ids) {
    const { raw } = await handle.client.getHandle(id).describe();
    for (const a of raw.pendingActivities ?? []) {
      if (a.state !== CANCEL_REQUESTED) continue;
      requested++;
      const key = `${id}/${a.activityId}/${a.attempt}`;
      if (!seen.has(key)) seen.set(key, Date.now());
      if (msOf(a.lastHeartbeatTime) > seen.get(key)!) delivered++;
    }
  }
  return requested > 0 && delivered === requested;
}

export async function driveToAbort(handle: WorkflowHandle, options: DriveOptions): Promise<DriveOutcome> {
  const { admin, holdId } = options;
  const deadline = Date.now() + (options.timeoutMs ?? 240_000);
  const outcome: DriveOutcome = { final: undefined, notReached: false, settled: false, notes: [] };
  const approved = new Set<string>();
  let abortSentAt = 0;
  let released = holdId === undefined;
  let compensating = false;
  let delivered = false;
  const cancelSeen = new Map<string, number>();
  const abort = async (s: PlanStatus | undefined, why: string) => {
    await options.beforeAbort?.(s);
    abortSentAt = Date.now();
    outcome.abortedIn = s?.stage;
    await handle.signal(abortSignal, { by: 'abort-matrix', reason: why });
  };
  for (;;) {
    const s: PlanStatus | undefined = await status(handle).catch(() => undefined);
    outcome.final = s ?? outcome.final;
    if (holdId && !abortSentAt) {
      const rule = await admin.hold(holdId);
      if (rule.state !== 'waiting') {
        outcome.trigger = rule;
        await abort(s, `abort matrix: right after ${rule.request?.operation} (${rule.action})`);
      }
    }
    if (s && abortSentAt && COMPENSATING.includes(s.stage)) compensating = true;
    // The abort has reached the workflow and the activities it stops (or never will): let the held call go on.
    if (!released && abortSentAt && !compensating && !delivered)
      delivered = await cancellationDelivered(handle, cancelSeen).catch(() => false);
    if (!released && abortSentAt && (compensating || delivered || Date.now() - abortSentAt > 20_000)) {
      if (!compensating && !delivered)
        outcome.notes.push('the plan did not start compensating within 20 s of the abort');
      await admin.releaseHold(holdId!).catch(() => undefined);
      released = true;
    }
    if (s && DONE.includes(s.stage) && (released || !abortSentAt)) return { ...outcome, settled: true };
    if (s?.stage === 'needs-attention') {
      if (!abortSentAt) {
        outcome.notes.push(
          `needs-attention before the abort point: ${s.errors.map((e) => `${e.type}: ${e.message}`).join('; ')}`,
        );
        await abort(s, 'abort matrix: parked before the abort point');
      } else if (compensating && released) return { ...outcome, settled: true };
      else if (Date.now() - abortSentAt > 5_000 && released) return { ...outcome, settled: true };
    }
    const w = s?.waitingFor;
    if (s && !abortSentAt && w?.kind === 'gate') {
      if (w.gate === 'primary-validated') {
        outcome.notReached = holdId !== undefined;
        await abort(
          s,
          holdId ? 'abort matrix: the point was not reached' : 'abort matrix: after the DNS cutover',
        );
      } else if (!approved.has(`${w.gate}:${w.since}`)) {
        approved.add(`${w.gate}:${w.since}`);
        await handle.signal(approveSignal, { gate: w.gate as Gate, by: 'abort-matrix', comment: 'driven' });
      }
    }
    if (Date.now() > deadline || (abortSentAt && Date.now() - abortSentAt > (options.settleMs ?? 120_000))) {
      outcome.notes.push(
        `did not settle in time: ${JSON.stringify(s && { stage: s.stage, waitingFor: s.waitingFor, errors: s.errors.slice(-3) })}`,
      );
      if (!released) await admin.releaseHold(holdId!).catch(() => undefined);
      return outcome;
    }
    await sleep(abortSentAt ? 250 : 150);
  }
}
