import { condition } from '@temporalio/workflow';
import type { PlanState } from './state.js';
import { GateRejected } from './steps.js';

/** The failback gate was rejected (runs with the abort-safety patch): the plan compensates and aborts. */
function rejected(state: PlanState): boolean {
  return state.safe && state.decisions.get('failback')?.decision === 'reject';
}

function abortOnReject(state: PlanState): void {
  if (!rejected(state)) return;
  const decision = state.decisions.get('failback')!;
  state.waitFor(null);
  state.abortRequest = { by: decision.by, reason: `gate failback rejected: ${decision.reason ?? ''}` };
  throw new GateRejected(`gate failback rejected by ${decision.by}`);
}

/**
 * The maintenance window (plan step 4): a durable timer to its start that re-arms whenever the window
 * moves, and the `failback` gate, which must be approved — before or after the window opens. A window
 * that closes before the failback could start is cleared (and its approval with it): the plan waits
 * for a new window and a new approval. Returns once the window is open and approved. A rejection of
 * the gate (patched runs) throws GateRejected: the plan compensates as for every rejected gate.
 */
export async function awaitOpenApprovedWindow(state: PlanState): Promise<void> {
  if (state.safe) state.decisions.delete('failback');
  for (;;) {
    abortOnReject(state);
    const window = state.status.maintenanceWindow;
    const now = Date.now();
    if (!window) {
      state.waitFor({ kind: 'maintenance-window', since: new Date(now).toISOString() });
      const version = state.windowVersion;
      await condition(() => state.windowVersion !== version || rejected(state));
      continue;
    }
    const start = Date.parse(window.start);
    const end = Date.parse(window.end);
    if (now >= end) {
      state.status.timeline.push({
        stage: state.stage,
        at: new Date(now).toISOString(),
        note: `window ${window.start} – ${window.end} closed before the failback could start; waiting for a new window`,
      });
      state.recordError(
        'WindowMissed',
        `the maintenance window ${window.start} – ${window.end} ended before the failback started`,
      );
      delete state.status.maintenanceWindow;
      state.failbackApproved = undefined;
      delete state.status.failbackApproval;
      continue;
    }
    const version = state.windowVersion;
    if (now < start) {
      // Until the window opens: the gate (if not yet approved) is what a person must do now.
      state.waitFor(
        state.failbackApproved
          ? {
              kind: 'maintenance-window',
              start: window.start,
              end: window.end,
              since: new Date(now).toISOString(),
            }
          : { kind: 'gate', gate: 'failback', since: new Date(now).toISOString() },
      );
      const approvedBefore = state.failbackApproved !== undefined;
      // Wake at the start, or earlier when the window moves or the approval arrives.
      await condition(
        () =>
          state.windowVersion !== version ||
          (state.failbackApproved !== undefined) !== approvedBefore ||
          rejected(state),
        start - now,
        { summary: `maintenance window opens ${window.start}: the failback starts then, if approved` },
      );
      continue;
    }
    if (state.failbackApproved) return;
    // Open but not approved: wait for the approval until the window closes (or moves).
    state.waitFor({ kind: 'gate', gate: 'failback', since: new Date(now).toISOString() });
    await condition(
      () => state.windowVersion !== version || state.failbackApproved !== undefined || rejected(state),
      end - now,
      {
        summary: `maintenance window closes ${window.end}: the failback gate must be approved before`,
      },
    );
  }
}
