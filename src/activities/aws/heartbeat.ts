import { Context } from '@temporalio/activity';

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

/** Records facts for a retry and heartbeats them at once. */
export function remember(details: Record<string, unknown>): void {
  const context = current();
  if (!context) return;
  const merged = { ...stickyDetails(), ...details };
  sticky.set(context, merged);
  context.heartbeat(merged);
}

/** A progress heartbeat that keeps the sticky facts. */
export function heartbeat(details: Record<string, unknown>): void {
  current()?.heartbeat({ ...stickyDetails(), ...details });
}

/** What the previous attempt of this activity last heartbeated (resume state), if anything. */
export function previousHeartbeat<T>(): T | undefined {
  return current()?.info.heartbeatDetails as T | undefined;
}

export function abortSignal(): AbortSignal | undefined {
  return current()?.cancellationSignal;
}

export async function sleep(ms: number): Promise<void> {
  const context = current();
  if (context) await context.sleep(ms);
  else await new Promise((r) => setTimeout(r, ms));
}

/**
 * Heartbeats every `everyMs` while `run` works, for an activity of many short AWS calls and no polling
 * (the preflight): throttling and 5xx retries inside the SDK can make it outlast the heartbeat timeout
 * although it progresses. The SDK sends at most one heartbeat per 0.8 × timeout, so this is cheap.
 */
export async function keepAlive<T>(run: () => Promise<T>, everyMs = 1000): Promise<T> {
  const context = current();
  if (!context) return run();
  const timer = setInterval(() => context.heartbeat({ ...stickyDetails() }), everyMs);
  try {
    return await run();
  } finally {
    clearInterval(timer);
  }
}
