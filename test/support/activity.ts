import { MockActivityEnvironment } from '@temporalio/testing';

/**
 * Runs an activity function in a real activity context (heartbeats, cancellable sleeps), optionally
 * as a retried attempt (heartbeatDetails of the previous one) and watching its heartbeats.
 */
export function runActivity<A extends unknown[], R>(
  fn: (...args: A) => Promise<R>,
  args: A,
  options: { heartbeatDetails?: unknown; onHeartbeat?: (details: unknown) => void } = {},
): Promise<R> {
  const env = new MockActivityEnvironment(
    options.heartbeatDetails === undefined ? {} : ({ heartbeatDetails: options.heartbeatDetails } as never),
  );
  if (options.onHeartbeat) env.on('heartbeat', options.onHeartbeat);
  return env.run<A, R, typeof fn>(fn, ...args);
}
