import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';

/** The running activity's context, or undefined outside one (unit tests, scripts). */
function current(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/**
 * Heartbeat details are last-write-wins, so facts a retry needs (resume points, what an earlier step
 * made) are kept "sticky": every heartbeat of the attempt — ours and pollUntil's — carries them, and
 * they start from the previous attempt's last heartbeat.
 */
const sticky = new WeakMap<Context, Record<string, unknown>>();

export function stickyDetails(): Record<string, unknown> {
  const context = current();
  if (!context) return {};
  let details = sticky.get(context);
  if (!details) {
    const previous = context.info.heartbeatDetails as unknown;
    details = previous && typeof previous === 'object' ? { ...(previous as Record<string, unknown>) } : {};
    sticky.set(context, details);
  }
  return details;
}

/** The details each running activity heartbeated last: keepAlive repeats them. */
const lastSent = new WeakMap<Context, unknown>();

/**
 * Stops a cancelled activity (abort, worker shutdown) here, before it makes its next AWS call: the
 * workflow waits for it to end (ActivityCancellationType.WAIT_CANCELLATION_COMPLETED), and only then
 * does compensation look at what it made (decision 0030). keepAlive's heartbeats bring the request;
 * a call already sent to AWS finishes, so its effect is there for compensation to find.
 */
export function throwIfCancelled(): void {
  const signal = current()?.cancellationSignal;
  if (!signal?.aborted) return;
  const reason: unknown = signal.reason;
  throw reason instanceof CancelledFailure ? reason : new CancelledFailure(String(reason ?? 'cancelled'));
}

/**
 * Every heartbeat of the product goes through here (pollUntil's too), so keepAlive can repeat it. The
 * details are sent first (a retry elsewhere, after a worker shutdown, resumes from them), then a
 * cancelled activity stops.
 */
export function sendHeartbeat(details: unknown): void {
  const context = current();
  if (!context) return;
  lastSent.set(context, details);
  context.heartbeat(details);
  throwIfCancelled();
}

/**
 * Records facts for a retry and heartbeats them at once, with `progress` (what the attempt is at, for
 * people; not kept for the next heartbeats).
 */
export function remember(details: Record<string, unknown>, progress: Record<string, unknown> = {}): void {
  const context = current();
  if (!context) return;
  const merged = { ...stickyDetails(), ...details };
  sticky.set(context, merged);
  sendHeartbeat({ ...merged, ...progress });
}

/** A progress heartbeat that keeps the sticky facts. */
export function heartbeat(details: Record<string, unknown>): void {
  if (current()) sendHeartbeat({ ...stickyDetails(), ...details });
}

/**
 * Runs `work`, heartbeating at a third of the heartbeat timeout with the details last sent, so an
 * activity stays alive exactly as long as its worker does: a run of slow AWS calls (a busy API, the
 * SDK backing off on throttling) between two progress heartbeats is not a dead worker. Without this, the
 * server would start a second attempt beside the first, still running one.
 */
export async function keepAlive<T>(work: () => Promise<T>): Promise<T> {
  const context = current();
  const timeoutMs = context?.info.heartbeatTimeoutMs;
  if (!context || !timeoutMs) return work();
  const timer = setInterval(
    () => context.heartbeat(lastSent.get(context) ?? stickyDetails()),
    Math.max(100, Math.floor(timeoutMs / 3)),
  );
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/** What the previous attempt of this activity last heartbeated (resume state), if anything. */
export function previousHeartbeat<T>(): T | undefined {
  return current()?.info.heartbeatDetails as T | undefined;
}

export function abortSignal(): AbortSignal | undefined {
  return current()?.cancellationSignal;
}

/** Cancellable inside an activity: a cancelled activity stops waiting at once (CancelledFailure). */
export async function sleep(ms: number): Promise<void> {
  const context = current();
  if (context) await context.sleep(ms);
  else await new Promise((r) => setTimeout(r, ms));
}
