import type { PlanDetail } from '../../src/api/schemas/plans.js';
import type { Stage } from '../../src/domain/contract.js';
import type { PlanStatus, WaitingFor } from '../../src/domain/status.js';

/** The plan's forward stages as the progress line names them. */
const FORWARD: Array<[Stage, string]> = [
  ['preflight', 'preflight'],
  ['awaiting-primary-ready', 'primary ready?'],
  ['access-stack', 'access stack'],
  ['test-failback', 'test failback'],
  ['awaiting-test-validation', 'test validated?'],
  ['awaiting-window', 'window'],
  ['failback', 'failback'],
  ['awaiting-dns-cutover', 'DNS cutover'],
  ['awaiting-primary-validation', 'primary validated?'],
  ['conclude-recovery', 'conclude recovery'],
  ['cleanup', 'cleanup'],
  ['completed', 'done'],
];

export function describeWaiting(waiting: WaitingFor | null): string {
  if (!waiting) return 'nothing: the plan is working';
  switch (waiting.kind) {
    case 'gate':
      return `an approver: gate ${waiting.gate}`;
    case 'maintenance-window':
      return waiting.start
        ? `the maintenance window (${waiting.start} → ${waiting.end})`
        : 'a maintenance window';
    case 'dns-cutover':
      return 'DNS to point at primary (dns-cutover)';
    case 'operator':
      return `an operator: retry or abort (${waiting.reason})`;
  }
}

export interface ResourceRow {
  key: string;
  phase: string;
  state: string;
  step: string;
}

/** Each resource with its live state: the running phase's detail where there is one, else the plan's. */
export function resourceRows(detail: PlanDetail): ResourceRow[] {
  const status = detail.status as PlanStatus;
  const live = new Map((detail.activePhase?.detail?.resources ?? []).map((r) => [r.key, r]));
  return status.resources.map((r) => {
    const now = live.get(r.key);
    return {
      key: r.key,
      phase: now ? (detail.activePhase?.phase ?? '') : (r.phase ?? ''),
      state: now?.state ?? r.state,
      step: (now ? now.step : r.step) ?? '',
    };
  });
}

function stageLine(stage: Stage): string {
  const current = FORWARD.findIndex(([s]) => s === stage);
  return FORWARD.map(([s, label], i) => {
    const mark = current < 0 ? '·' : i < current || s === 'completed' ? '✔' : i === current ? '▶' : '·';
    return `${mark} ${label}`;
  }).join('  ');
}

const pad = (text: string, width: number) =>
  text.length >= width ? text : text + ' '.repeat(width - text.length);

/** The whole picture, for a terminal that is redrawn in place. */
export function renderProgress(detail: PlanDetail, elapsedSeconds: number): string[] {
  const status = detail.status as PlanStatus;
  const rows = resourceRows(detail);
  const width = Math.max(8, ...rows.map((r) => r.key.length)) + 2;
  const lines = [
    `Plan ${status.planId} (${status.application})   stage ${status.stage}   ${Math.round(elapsedSeconds)} s`,
    `  ${stageLine(status.stage)}`,
    `  waiting for: ${describeWaiting(status.waitingFor)}`,
    '',
    `  ${pad('resource', width)}${pad('phase', 18)}${pad('state', 22)}step`,
    ...rows.map((r) => `  ${pad(r.key, width)}${pad(r.phase, 18)}${pad(r.state, 22)}${r.step}`),
  ];
  for (const error of status.errors.slice(-3)) lines.push(`  ! ${error.type}: ${error.message}`);
  return lines;
}

/** What changed since the last picture, one line each: for logs and pipes (no redraw). */
export function progressChanges(previous: PlanDetail | undefined, detail: PlanDetail): string[] {
  const status = detail.status as PlanStatus;
  const before = previous?.status as PlanStatus | undefined;
  const lines: string[] = [];
  if (before?.stage !== status.stage) lines.push(`stage ${status.stage}`);
  if (JSON.stringify(before?.waitingFor ?? null) !== JSON.stringify(status.waitingFor)) {
    if (status.waitingFor) lines.push(`waiting for ${describeWaiting(status.waitingFor)}`);
  }
  const old = new Map(previous ? resourceRows(previous).map((r) => [r.key, r]) : []);
  for (const row of resourceRows(detail)) {
    const was = old.get(row.key);
    if (was && was.state === row.state && was.step === row.step && was.phase === row.phase) continue;
    lines.push(
      `  ${row.key}: ${row.phase ? `${row.phase} ` : ''}${row.state}${row.step ? ` (${row.step})` : ''}`,
    );
  }
  for (const error of status.errors.slice(before?.errors.length ?? 0))
    lines.push(`  ! ${error.type}: ${error.message}`);
  return lines;
}

/** Redraws in place on a terminal; prints only changes otherwise. */
export class ProgressDisplay {
  private drawn = 0;
  private previous: PlanDetail | undefined;
  private readonly started = Date.now();

  constructor(private readonly out: NodeJS.WritableStream & { isTTY?: boolean }) {}

  get interactive(): boolean {
    return Boolean(this.out.isTTY);
  }

  update(detail: PlanDetail): void {
    if (!detail.status) return;
    if (this.interactive) {
      const lines = renderProgress(detail, (Date.now() - this.started) / 1000);
      this.clear();
      this.out.write(`${lines.join('\n')}\n`);
      this.drawn = lines.length;
    } else {
      for (const line of progressChanges(this.previous, detail)) this.out.write(`${line}\n`);
    }
    this.previous = detail;
  }

  /** Leaves the picture on screen and starts below it (before a question or a message). */
  release(): void {
    this.drawn = 0;
  }

  private clear(): void {
    if (this.drawn > 0) this.out.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }
}
