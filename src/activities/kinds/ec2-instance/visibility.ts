import { stickyDetails } from '../../aws/heartbeat.js';
import { pollUntil, timeScale, WaitFailed } from '../../aws/polling.js';

/**
 * EC2's API is eventually consistent ("Eventual consistency in the Amazon EC2 API", EC2 Developer
 * Guide): an id a call just answered "might not have propagated throughout the system", and a describe
 * of it answers that it does not exist (InvalidAMIID.NotFound, InvalidInstanceID.NotFound) although it
 * does. AWS's advice is to describe again with exponential backoff, "starting with a couple of seconds
 * of wait time, and increasing gradually up to a few minutes". So a NotFound of an id AWS itself
 * answered (a client token's, a name's holder) means "not visible yet" for this grace period, and only
 * once it has passed "gone".
 */
const GRACE_MS = 5 * 60_000;
const FIRST_WAIT_MS = 2_000;

export function visibilityGraceMs(): number {
  return GRACE_MS * timeScale();
}

/**
 * What `look` finds, described again with a growing wait (heartbeating, cancellable: pollUntil) until
 * it finds something or the grace period is over; undefined then.
 */
export async function onceVisible<T>(
  what: string,
  look: () => Promise<T | undefined>,
): Promise<T | undefined> {
  try {
    return await pollUntil(
      `${what} visible`,
      async () => {
        const value = await look();
        return {
          done: value !== undefined,
          value,
          state: value === undefined ? 'not visible yet' : 'visible',
        };
      },
      {
        expectedMs: FIRST_WAIT_MS * timeScale(),
        timeoutMs: visibilityGraceMs(),
        // The facts a retry needs (e.g. the AMIs this run deregistered) stay in every heartbeat.
        details: stickyDetails(),
      },
    );
  } catch (error) {
    if (error instanceof WaitFailed) return undefined;
    throw error;
  }
}
