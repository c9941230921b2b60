import type { PlanDetail } from '../../src/api/schemas/plans.js';
import type { StepDurations } from './eta.js';
import { progressChanges, renderProgress, resourceRows } from './progress.js';

/**
 * Redraws the progress in place on a terminal, prints only changes otherwise. Messages go through
 * `message()`, above the picture, so a redraw never erases them.
 */
export class ProgressDisplay {
  private drawn = 0;
  private previous: PlanDetail | undefined;
  private readonly started = Date.now();
  /** When each resource entered its current (phase, state, step): the "in step" column. */
  private readonly entered = new Map<string, { what: string; at: number }>();
  durations: StepDurations | undefined;

  constructor(private readonly out: NodeJS.WritableStream & { isTTY?: boolean }) {}

  get interactive(): boolean {
    return Boolean(this.out.isTTY);
  }

  update(detail: PlanDetail): void {
    if (!detail.status) return;
    const now = Date.now();
    const inStep = new Map<string, number>();
    for (const row of resourceRows(detail)) {
      const what = `${row.phase}|${row.state}|${row.step}`;
      const seen = this.entered.get(row.key);
      if (seen?.what !== what) this.entered.set(row.key, { what, at: now });
      inStep.set(row.key, (now - (this.entered.get(row.key)?.at ?? now)) / 1000);
    }
    if (this.interactive) {
      const lines = renderProgress(detail, (now - this.started) / 1000, {
        inStep,
        ...(this.durations ? { durations: this.durations } : {}),
      });
      this.clear();
      this.out.write(`${lines.join('\n')}\n`);
      this.drawn = lines.length;
    } else {
      for (const line of progressChanges(this.previous, detail)) this.out.write(`${line}\n`);
    }
    this.previous = detail;
  }

  /** A line that stays: the picture is cleared first and drawn again below it at the next update. */
  message(line: string): void {
    this.clear();
    this.out.write(`${line}\n`);
  }

  /** Leaves the picture on screen and starts below it (before a question). */
  release(): void {
    this.drawn = 0;
  }

  private clear(): void {
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }
}
