/** Seconds from `from` to `to` (ISO 8601), rounded to milliseconds; null when either is missing. */
export function secondsBetween(
  from: string | undefined | null,
  to: string | undefined | null,
): number | null {
  if (!from || !to) return null;
  const a = Date.parse(from);
  const b = Date.parse(to);
  if (Number.isNaN(a) || Number.isNaN(b)) return null;
  return Math.round(b - a) / 1000;
}

/** `2 h 05 min`, `12 min 03 s`, `42.4 s`, `4.2 s`, `—` for unknown: what an operator reads in a report. */
export function humanDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  const sign = seconds < 0 ? '−' : '';
  const s = Math.abs(seconds);
  if (s < 10) return `${sign}${Number(s.toFixed(3))} s`;
  // One decimal below a minute, and 59.96 s is "1 min 00 s", never "60 s" beside a text's 59.96.
  if (Math.round(s * 10) / 10 < 60) return `${sign}${Math.round(s * 10) / 10} s`;
  const totalSeconds = Math.round(s);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const rest = totalSeconds % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (hours > 0) return `${sign}${hours} h ${pad(minutes)} min`;
  return `${sign}${minutes} min ${pad(rest)} s`;
}
