import type { PlanReport } from '../schemas/report.js';
import { humanDuration } from './time.js';

/** A table cell: no line breaks, pipes escaped, empty shown as a dash. */
function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  return String(value).replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

function table(header: string[], rows: Array<Array<string | number | boolean | null | undefined>>): string[] {
  if (rows.length === 0) return ['_none_'];
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`),
  ];
}

function objectives(report: PlanReport): string[] {
  const { rto, rpo } = report;
  return table(
    ['measure', 'from', 'to', 'duration'],
    [
      ['RTO to DNS cutover', rto.failbackStartedAt, rto.dnsCutoverAt, humanDuration(rto.toDnsCutoverSeconds)],
      [
        'RTO to primary validated',
        rto.failbackStartedAt,
        rto.primaryValidatedAt,
        humanDuration(rto.toPrimaryValidatedSeconds),
      ],
      ['RPO (worst resource)', rpo.finalRecoveryPointsAt, rpo.quiescedAt, humanDuration(rpo.seconds)],
    ],
  );
}

function resourceSections(report: PlanReport): string[] {
  const lines = table(
    ['resource', 'source → target', 'state', 'restored', 'old primary', 'data check'],
    report.resources.map((r) => [
      `\`${r.key}\``,
      `${r.source} → ${r.target}`,
      r.state,
      r.restored,
      r.retired,
      r.verification ? (r.verification.ok ? 'passed' : 'FAILED') : 'not verified',
    ]),
  );
  for (const r of report.resources) {
    if (r.phases.length === 0) continue;
    lines.push('', `### \`${r.key}\``, '');
    lines.push(
      ...table(
        ['phase', 'step', 'started', 'finished', 'duration'],
        r.phases.flatMap((phase) => [
          [
            `**${phase.phase}**`,
            '',
            phase.startedAt,
            phase.finishedAt,
            `**${humanDuration(phase.seconds)}**`,
          ],
          ...phase.steps.map((s) => [
            phase.phase,
            s.step,
            s.startedAt,
            s.finishedAt,
            humanDuration(s.seconds),
          ]),
        ]),
      ),
    );
  }
  return lines;
}

function dataChecks(report: PlanReport): string[] {
  const { verified, failed, unverified } = report.dataChecks;
  return [
    `${verified} verified, ${failed} failed, ${unverified} not verified.`,
    '',
    ...table(
      ['resource', 'check', 'expected', 'actual', 'result'],
      report.resources.flatMap((r) =>
        (r.verification?.checks ?? []).map((c) => [
          `\`${r.key}\``,
          c.name,
          c.expected,
          c.actual,
          c.ok ? 'ok' : 'MISMATCH',
        ]),
      ),
    ),
  ];
}

/** The report as Markdown, for a change record or an incident review. */
export function renderMarkdown(report: PlanReport): string {
  const outcome = report.outcome
    ? `**${report.outcome.result}** at ${report.outcome.at}${report.outcome.reason ? ` (${cell(report.outcome.reason)})` : ''}`
    : `in progress (stage **${report.stage}**)`;
  const window = report.maintenanceWindow;
  const lines = [
    `# Failback report: ${report.planId}`,
    '',
    `- Application: **${cell(report.application)}**`,
    `- Plan workflow: \`${report.workflowId}\` (${report.workflowStatus})`,
    `- Outcome: ${outcome}`,
    `- Maintenance window: ${window ? `${window.start} → ${window.end} (set by ${cell(window.setBy)} at ${window.setAt})` : '—'}`,
    `- Generated: ${report.generatedAt}`,
    '',
    '## Recovery objectives',
    '',
    ...objectives(report),
    '',
    '## Timeline',
    '',
    ...table(
      ['stage', 'entered', 'time in stage', 'note'],
      report.timeline.map((t) => [t.stage, t.at, humanDuration(t.seconds), t.note]),
    ),
    '',
    '## Resources',
    '',
    ...resourceSections(report),
    '',
    '## Data checks',
    '',
    ...dataChecks(report),
    '',
    '## Approvals and operator actions',
    '',
    ...table(
      ['when', 'who', 'action', 'gate', 'outcome', 'comment / reason'],
      report.approvals.map((a) => [
        a.at,
        a.by,
        a.action,
        a.gate,
        a.outcome,
        [a.comment, a.reason, a.details].filter(Boolean).join('; '),
      ]),
    ),
    '',
    '## Errors',
    '',
    ...table(
      ['when', 'stage', 'resource', 'type', 'message', 'what to do'],
      report.errors.map((e) => [e.at, e.stage, e.resource, e.type, e.message, e.action]),
    ),
    '',
  ];
  return lines.join('\n');
}
