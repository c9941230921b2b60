import { Context } from '@temporalio/activity';
import { sendHeartbeat, throwIfCancelled } from './heartbeat.js';

/**
 * Waiting for AWS inside an activity without burning threads or history: each probe is one describe
 * call, between probes the activity sleeps (cancellably) and heartbeats, so a dead worker is noticed
 * within the heartbeat timeout and the retry simply resumes polling (probes are read-only).
 *
 * Poll timing comes from the expected duration of the operation (durations.ts): one probe at once (a
 * retried attempt may find it done), the next at about the expected time, then steps that grow with
 * the time already waited (a quarter of it, at least a tenth of the expected time), or the remaining
 * time the resource's own progress figure predicts. An operation that runs late is probed a few times
 * in all, not every minute, and the wait overshoots its end by at most a quarter. The activity's
 * heartbeat does not depend on probing (keep-alive.ts), so nothing needs short intervals.
 */
export interface ProbeResult<T> {
  done: boolean;
  value?: T;
  /** 0..1 when AWS reports progress (EBS snapshots, RDS snapshots) */
  progress?: number;
  /** A terminal failure state (e.g. `failed`, `incompatible-restore`): stop waiting. */
  failed?: string;
  /** Shown in heartbeat details and logs, e.g. the current AWS state */
  state?: string;
}

export interface PollOptions {
  /** Typical duration of the operation, already scaled (see durations.ts). */
  expectedMs: number;
  /** Give up after this long (a timeout needs a person: the plan parks in needs-attention). */
  timeoutMs?: number;
  /** Floor and ceiling of the interval between probes (defaults: 2 s and 30 min, times the scale). */
  minIntervalMs?: number;
  maxIntervalMs?: number;
  /** Kept in every heartbeat, so a retried attempt can resume from them (heartbeatDetails). */
  details?: Record<string, unknown>;
}

export class WaitFailed extends Error {
  override name = 'WaitFailed';
}

function activityContext(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // not inside an activity (unit tests)
  }
}

/** Cancellable inside an activity: a cancelled or timed-out activity stops waiting at once. */
async function pause(ms: number): Promise<void> {
  const context = activityContext();
  if (context) await context.sleep(ms);
  else await new Promise((r) => setTimeout(r, ms));
}

export function nextInterval(
  elapsedMs: number,
  attempt: number,
  expectedMs: number,
  progress: number | undefined,
  min: number,
  max: number,
): number {
  const clamp = (ms: number) => Math.min(max, Math.max(min, ms));
  if (progress !== undefined && progress > 0.05 && progress < 1) {
    return clamp((elapsedMs * (1 - progress)) / progress);
  }
  if (attempt === 0) return clamp(expectedMs);
  if (elapsedMs < expectedMs) return clamp(Math.max(expectedMs - elapsedMs, expectedMs / 10));
  return clamp(Math.max(expectedMs / 10, elapsedMs / 4));
}

/** Probes until done; returns the probe's value. Throws WaitFailed on a failure state or timeout. */
export async function pollUntil<T>(
  what: string,
  probe: () => Promise<ProbeResult<T>>,
  options: PollOptions,
): Promise<T> {
  const scale = timeScale();
  const min = options.minIntervalMs ?? Math.max(20, 2000 * scale);
  const max = options.maxIntervalMs ?? Math.max(min, 30 * 60_000 * scale);
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    // A cancelled activity probes no more (and the caller makes no further call after it).
    throwIfCancelled();
    const result = await probe();
    sendHeartbeat({ ...options.details, what, state: result.state, progress: result.progress, attempt });
    if (result.failed) throw new WaitFailed(`${what}: ${result.failed}`);
    if (result.done) return result.value as T;
    const elapsed = Date.now() - started;
    if (options.timeoutMs !== undefined && elapsed > options.timeoutMs) {
      throw new WaitFailed(
        `${what}: still ${result.state ?? 'not ready'} after ${Math.round(elapsed / 1000)} s`,
      );
    }
    await pause(nextInterval(elapsed, attempt, options.expectedMs, result.progress, min, max));
  }
}

/**
 * FAILBACK_TIME_SCALE: 1 against AWS; the emulator's scaled profiles set it to their factor (the
 * `realistic` profile runs AWS's durations at 1/600), so expected durations and intervals follow.
 */
export function timeScale(): number {
  const raw = Number(process.env.FAILBACK_TIME_SCALE ?? '1');
  return Number.isFinite(raw) && raw > 0 ? raw : 1;
}
