import type { WorkflowHandle } from '@temporalio/client';
import type { Gate, Stage } from '../../src/domain/contract.js';
import {
  abortSignal,
  approveSignal,
  dnsCutoverCompleteSignal,
  dnsRollbackCompleteSignal,
} from '../../src/domain/messages.js';
import type { PlanStatus } from '../../src/domain/status.js';
import { status } from './plans.js';

/**
 * Drives a plan the way its people would, by signals: every gate approved, the DNS cutover confirmed
 * (manual mode), and optionally an abort at a chosen point (then DNS pointed back, when asked). Returns when the plan stops moving: finished,
 * parked in needs-attention (a person must look), or after the abort's compensation.
 */
export interface DrivePath {
  /** Abort once the plan reaches this point (after the DNS cutover: traffic was served from primary). */
  abortAt?: 'awaiting-test-validation' | 'failback' | 'after-dns-cutover' | 'awaiting-primary-validation';
  /** Stop at the first needs-attention instead of aborting then (default true). */
  stopAtNeedsAttention?: boolean;
  timeoutMs?: number;
  /** Called once at each gate before it is approved (to look at what the plan made so far). */
  atGate?: (gate: Gate, status: PlanStatus) => Promise<void>;
}

const DONE: Stage[] = ['completed', 'aborted', 'failed'];

export async function drive(handle: WorkflowHandle, path: DrivePath = {}): Promise<PlanStatus> {
  const deadline = Date.now() + (path.timeoutMs ?? 300_000);
  const signalled = new Set<string>();
  let aborted = false;
  const abort = async (why: string) => {
    if (aborted) return;
    aborted = true;
    await handle.signal(abortSignal, { by: 'olga', reason: why });
  };
  for (;;) {
    const s: PlanStatus | undefined = await status(handle).catch(() => undefined);
    if (s) {
      if (DONE.includes(s.stage)) return s;
      if (s.stage === 'needs-attention' && path.stopAtNeedsAttention !== false && !aborted) return s;
      if (s.stage === 'needs-attention' && aborted) return s;
      const w = s.waitingFor;
      const at = path.abortAt;
      if (at && !aborted) {
        if (at === 'failback' && s.stage === 'failback') await abort('abort in the failback');
        if (at === 'awaiting-test-validation' && w?.kind === 'gate' && w.gate === 'test-failback')
          await abort('abort before the test is validated');
        if (
          (at === 'after-dns-cutover' || at === 'awaiting-primary-validation') &&
          w?.kind === 'gate' &&
          w.gate === 'primary-validated'
        )
          await abort(at === 'after-dns-cutover' ? 'abort after the cutover' : 'abort before validation');
      }
      if (!aborted && w?.kind === 'gate') {
        const key = `gate:${w.gate}:${w.since}`;
        if (!signalled.has(key)) {
          signalled.add(key);
          await path.atGate?.(w.gate as Gate, s);
          await handle.signal(approveSignal, { gate: w.gate as Gate, by: 'anna', comment: 'driven' });
        }
      }
      if (!aborted && w?.kind === 'dns-cutover' && !signalled.has(`dns:${w.since}`)) {
        signalled.add(`dns:${w.since}`);
        await handle.signal(dnsCutoverCompleteSignal, { by: 'anna', details: 'flipped (driven)' });
      }
      // An abort after a manual cutover waits until a person has pointed DNS back (decision 0031).
      if (aborted && w?.kind === 'dns-rollback' && !signalled.has(`dns-rollback:${w.since}`)) {
        signalled.add(`dns-rollback:${w.since}`);
        await handle.signal(dnsRollbackCompleteSignal, { by: 'anna', details: 'pointed back (driven)' });
      }
    }
    if (Date.now() > deadline)
      throw new Error(
        `plan ${handle.workflowId} did not settle: ${JSON.stringify(s && { stage: s.stage, waitingFor: s.waitingFor, errors: s.errors })}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
