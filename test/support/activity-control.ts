import { ApplicationFailure } from '@temporalio/common';
import type { Activities } from '../../src/activities/index.js';
import { aws } from '../../src/activities/aws/errors.js';
import { heartbeat } from '../../src/activities/aws/heartbeat.js';

/** What an activity did, in order, per plan: the tests read who acted when. */
export interface ActivityEvent {
  planId: string;
  activity: string;
  /** The resource key or phase, when the activity has one. */
  key: string;
  event: 'start' | 'held' | 'end' | 'cancelled' | 'failed' | 'mutated';
  seq: number;
}

interface Hold {
  released: boolean;
  /** Already holding a call (a later call of the same activity goes through). */
  taken: boolean;
  entered: () => void;
  wait: Promise<void>;
}

const planIdOf = (input: unknown): string => {
  const i = input as { planId?: string; plan?: { planId?: string }; spec?: { planId?: string } };
  return i?.planId ?? i?.plan?.planId ?? i?.spec?.planId ?? '';
};
const keyOf = (input: unknown): string => {
  const i = input as { resource?: { key?: string }; phase?: string };
  return [i?.resource?.key, i?.phase].filter(Boolean).join(' ');
};

/**
 * Wraps activities (the canned ones of fake-activities.ts) so a test can, per plan, hold an activity
 * mid-flight or fail it once. A held activity behaves like a product activity busy with AWS calls:
 * it heartbeats through the product's heartbeat() (which stops a cancelled activity) between plain
 * waits, and when released makes one more "mutating call" through the product's aws() wrapper
 * (which a cancelled activity must not make). Events are numbered in the order they happened.
 */
export class ActivityControl {
  readonly events: ActivityEvent[] = [];
  private seq = 0;
  private readonly holds = new Map<string, Hold>();
  private readonly failures = new Map<string, string>();

  /** `onEvent`: also told of each event (a worker in its own process writes them to a file). */
  constructor(private readonly onEvent?: (event: ActivityEvent) => void) {}

  private id(planId: string, activity: string, key = '') {
    return `${planId}|${activity}|${key}`;
  }

  /** Holds the next call of `activity` for the plan (`key`: only the one for that resource/phase). */
  hold(planId: string, activity: string, key = ''): Promise<void> {
    let entered!: () => void;
    const wait = new Promise<void>((resolve) => (entered = resolve));
    this.holds.set(this.id(planId, activity, key), { released: false, taken: false, entered, wait });
    return wait;
  }

  release(planId: string, activity: string, key = ''): void {
    const hold = this.holds.get(this.id(planId, activity, key));
    if (hold) hold.released = true;
  }

  releaseAll(): void {
    for (const hold of this.holds.values()) hold.released = true;
  }

  /** The next call of `activity` for the plan fails with a failure that needs a person. */
  failOnce(planId: string, activity: string, key = '', type = 'AccessDenied'): void {
    this.failures.set(this.id(planId, activity, key), type);
  }

  of(planId: string, activity?: string): ActivityEvent[] {
    return this.events.filter((e) => e.planId === planId && (!activity || e.activity === activity));
  }

  private record(planId: string, activity: string, key: string, event: ActivityEvent['event']) {
    const recorded = { planId, activity, key, event, seq: ++this.seq };
    this.events.push(recorded);
    this.onEvent?.(recorded);
  }

  private matching<T>(map: Map<string, T>, planId: string, activity: string, key: string) {
    for (const k of [this.id(planId, activity, key), this.id(planId, activity)]) {
      const found = map.get(k);
      if (found !== undefined) return { k, found };
    }
    for (const [k, found] of map) {
      const [p, a, wanted] = k.split('|');
      if (p === planId && a === activity && wanted && key.includes(wanted)) return { k, found };
    }
    return undefined;
  }

  wrap(activities: Activities): Activities {
    const wrapped: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [name, fn] of Object.entries(activities) as Array<
      [string, (input: unknown) => Promise<unknown>]
    >) {
      wrapped[name] = async (input: unknown) => {
        const planId = planIdOf(input);
        const key = keyOf(input);
        this.record(planId, name, key, 'start');
        try {
          const failure = this.matching(this.failures, planId, name, key);
          if (failure) {
            this.failures.delete(failure.k);
            throw ApplicationFailure.create({
              type: failure.found,
              nonRetryable: true,
              message: `injected ${failure.found} in ${name} ${key}`,
            });
          }
          const hold = this.matching(this.holds, planId, name, key);
          if (hold && !hold.found.taken) {
            hold.found.taken = true;
            this.record(planId, name, key, 'held');
            hold.found.entered();
            while (!hold.found.released) {
              heartbeat({ held: name });
              await new Promise((r) => setTimeout(r, 50));
            }
            await aws({ what: `${name}: the call after the hold` }, async () =>
              this.record(planId, name, key, 'mutated'),
            );
          }
          const result = await fn(input);
          this.record(planId, name, key, 'end');
          return result;
        } catch (error) {
          const cancelled = (error as Error)?.name === 'CancelledFailure';
          this.record(planId, name, key, cancelled ? 'cancelled' : 'failed');
          throw error;
        }
      };
    }
    return wrapped as unknown as Activities;
  }
}
