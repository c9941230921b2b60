/** Small Markdown helpers for the Web UI's details (pure, deterministic). */

/** A table cell: one line, pipes escaped, long values shortened, empty shown as a dash. */
export function cell(value: string | number | null | undefined, max = 80): string {
  if (value === null || value === undefined || value === '') return '—';
  const text = String(value).replace(/\s+/g, ' ').replace(/\|/g, '\\|');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function table(header: string[], rows: Array<Array<string | number | null | undefined>>): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map((v) => cell(v)).join(' | ')} |`),
  ];
}

/** `3 succeeded · 2 running · 1 failed`: counts in order of first appearance. */
export function counts(values: string[]): string {
  const tally = new Map<string, number>();
  for (const v of values) tally.set(v, (tally.get(v) ?? 0) + 1);
  return [...tally].map(([value, n]) => `${n} ${value}`).join(' · ');
}

/** A JSON payload for a shell command line in single quotes (a `'` inside is closed and escaped). */
export function shellJson(value: unknown): string {
  return `'${JSON.stringify(value).replace(/'/g, `'\\''`)}'`;
}
