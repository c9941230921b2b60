import type { PlanDetail } from '../../src/api/schemas/plans.js';
import { FINAL_STAGES, type ResourceKind, type Stage } from '../../src/domain/contract.js';
import { awsOperation } from '../../src/domain/aws-operations.js';
import type { PlanStatus, WaitingFor } from '../../src/domain/status.js';
import { remainingSeconds, type StepDurations } from './eta.js';

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

export function describeWaiting(waiting: WaitingFor | null, status?: PlanStatus): string {
  if (status && FINAL_STAGES.includes(status.stage)) {
    const o = status.outcome;
    return `nothing any more: the plan ended ${o?.result ?? status.stage}${o?.reason ? ` (${o.reason})` : ''}`;
  }
  if (!waiting) return 'nothing: the plan is working';
  switch (waiting.kind) {
    case 'gate':
      return `an approver: gate ${waiting.gate}`;
    case 'maintenance-window':
      return waiting.start
        ? `the maintenance window (${waiting.start} → ${waiting.end})`
        : `a maintenance window${status?.failbackApproval ? ` (failback already approved by ${status.failbackApproval.by})` : ''}`;
    case 'dns-cutover':
      return 'DNS to point at primary (dns-cutover)';
    case 'dns-rollback':
      return 'DNS to point back at recovery (dns-rollback): compensation waits for it';
    case 'operator':
      return `an operator: retry or abort (${waiting.reason})`;
  }
}

export interface ResourceRow {
  key: string;
  kind: ResourceKind;
  phase: string;
  state: string;
  step: string;
}

/**
 * Each resource with its live state: the running phase's detail where there is one, else the plan's.
 * The plan's own `step` is the last step of the last copy phase: shown only while it means something
 * (the resource failed there), never beside a later phase it has nothing to do with.
 */
export function resourceRows(detail: PlanDetail): ResourceRow[] {
  const status = detail.status as PlanStatus;
  const live = new Map((detail.activePhase?.detail?.resources ?? []).map((r) => [r.key, r]));
  return status.resources.map((r) => {
    const now = live.get(r.key);
    return {
      key: r.key,
      kind: r.kind,
      phase: now ? (detail.activePhase?.phase ?? '') : (r.phase ?? ''),
      state: now?.state ?? r.state,
      step: (now ? now.step : r.state === 'failed' ? r.step : undefined) ?? '',
    };
  });
}

function stageLine(stage: Stage): string {
  const current = FORWARD.findIndex(([s]) => s === stage);
  return FORWARD.map(([, label], i) => {
    const mark = current < 0 ? '·' : i < current || stage === 'completed' ? '✔' : i === current ? '▶' : '·';
    return `${mark} ${label}`;
  }).join('  ');
}

const pad = (text: string, width: number) =>
  text.length >= width ? text : text + ' '.repeat(width - text.length);

const seconds = (s: number | undefined) =>
  s === undefined ? '' : s < 90 ? `${Math.round(s)} s` : `${Math.round(s / 60)} min`;

/** What the display knows beyond the plan's detail: time in each row's step, expected durations. */
export interface ProgressContext {
  /** Seconds each resource has been in its current (phase, state, step). */
  inStep?: Map<string, number>;
  durations?: StepDurations;
}

/** The whole picture, for a terminal that is redrawn in place. */
export function renderProgress(
  detail: PlanDetail,
  elapsedSeconds: number,
  context: ProgressContext = {},
): string[] {
  const status = detail.status as PlanStatus;
  const rows = resourceRows(detail).map((r) => {
    const inStep = context.inStep?.get(r.key) ?? 0;
    const running = !['succeeded', 'failed', 'pending', 'removed', 'compensated'].includes(r.state);
    const eta =
      running && context.durations
        ? remainingSeconds(context.durations, { ...r, inStepSeconds: inStep })
        : undefined;
    return {
      ...r,
      inStep: running ? inStep : undefined,
      eta,
      operation: running ? awsOperation(r.kind, r.step) : undefined,
    };
  });
  const width = Math.max(8, ...rows.map((r) => r.key.length)) + 2;
  const etas = rows.map((r) => r.eta).filter((e): e is number => e !== undefined);
  const phaseEta = etas.length ? `   ETA of the phase ~${seconds(Math.max(...etas))}` : '';
  const lines = [
    `Plan ${status.planId} (${status.application})   stage ${status.stage}   ${Math.round(elapsedSeconds)} s${phaseEta}`,
    `  ${stageLine(status.stage)}`,
    `  waiting for: ${describeWaiting(status.waitingFor, status)}`,
    '',
    `  ${pad('resource', width)}${pad('phase', 18)}${pad('state', 22)}${pad('step', 20)}${pad('in step', 9)}${pad('ETA', 8)}AWS operation`,
    ...rows.map(
      (r) =>
        `  ${pad(r.key, width)}${pad(r.phase, 18)}${pad(r.state, 22)}${pad(r.step, 20)}${pad(seconds(r.inStep), 9)}` +
        `${pad(r.eta === undefined ? '' : `~${seconds(r.eta)}`, 8)}${r.operation ?? ''}`,
    ),
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
    if (status.waitingFor) lines.push(`waiting for ${describeWaiting(status.waitingFor, status)}`);
  }
  const old = new Map(previous ? resourceRows(previous).map((r) => [r.key, r]) : []);
  for (const row of resourceRows(detail)) {
    const was = old.get(row.key);
    if (was && was.state === row.state && was.step === row.step && was.phase === row.phase) continue;
    const operation = awsOperation(row.kind, row.step);
    lines.push(
      `  ${row.key}: ${row.phase ? `${row.phase} ` : ''}${row.state}${row.step ? ` (${row.step}${operation && row.state !== 'failed' ? `: ${operation}` : ''})` : ''}`,
    );
  }
  for (const error of status.errors.slice(before?.errors.length ?? 0))
    lines.push(`  ! ${error.type}: ${error.message}`);
  return lines;
}
