/**
 * Maintenance windows relative to a clock. Tests, the demo and the bench derive every window from the
 * clock they run on (never a literal date: a literal window is in the past one day, and the plan rules
 * then refuse it — issue 12).
 */
export interface WindowTimes {
  start: string;
  end: string;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** A window from `now + startInMs` to `now + endInMs` (negative offsets: in the past). */
export function windowFrom(now: number, startInMs: number, endInMs: number): WindowTimes {
  return { start: new Date(now + startInMs).toISOString(), end: new Date(now + endInMs).toISOString() };
}

/** A window that opened a minute ago and stays open `hours` hours: the failback may start at once. */
export function windowOpenNow(now: number, hours = 1): WindowTimes {
  return windowFrom(now, -MINUTE_MS, hours * HOUR_MS);
}
