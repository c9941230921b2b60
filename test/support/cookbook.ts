/** One shell command of the README's cookbook, as written there (continuation lines included). */
export interface CookbookCommand {
  /** 1-based line in README.md where it starts. */
  line: number;
  text: string;
}

/**
 * The runnable commands of a README section: every line of its ```sh blocks, continuation lines joined,
 * without comments and without `export` lines (those set the variables the test provides itself).
 */
export function cookbookCommands(markdown: string, heading: string): CookbookCommand[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  if (start < 0) throw new Error(`README.md has no section "## ${heading}"`);
  const commands: CookbookCommand[] = [];
  let inBlock = false;
  let current: CookbookCommand | undefined;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (!inBlock && /^## /.test(line)) break;
    if (/^```/.test(line)) {
      inBlock = !inBlock && line.trim() === '```sh';
      continue;
    }
    if (!inBlock) continue;
    if (current) {
      current.text += `\n${line}`;
    } else {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith('export ')) continue;
      current = { line: i + 1, text: line };
    }
    if (!line.endsWith('\\')) {
      commands.push(current);
      current = undefined;
    }
  }
  return commands;
}

const ISO_INSTANT = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g;

/**
 * The README writes its windows as example dates; a run substitutes a window open at `now` (a minute
 * ago → in an hour), so the commands stay runnable on any day. Pairs of instants: start, then end.
 */
export function withWindowOpenAt(text: string, now: number): string {
  const dates = [new Date(now - 60_000).toISOString(), new Date(now + 3_600_000).toISOString()];
  let i = 0;
  return text.replace(ISO_INSTANT, () => dates[i++ % 2]!);
}
