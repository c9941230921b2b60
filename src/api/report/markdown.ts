import type { PlanReport } from '../schemas/report.js';
import { humanDuration } from './time.js';

/** A table cell: no line breaks, pipes escaped, empty shown as a dash. */
function cell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  return String(value).replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

const ARN = /arn:aws[\w-]*:[\w-]+:[\w-]*:\d*:[^\s|,;)]+/g;

/**
 * Long ARNs in table cells break the tables (one unbreakable word wider than the page): a cell shows
 * an ARN's resource part only, and the report lists every full ARN once, under Identifiers.
 */
function shortIds(text: string, seen: Set<string>): string {
  return text.replace(ARN, (arn) => {
    seen.add(arn);
    const resource = arn.split(':').slice(5).join(':');
    return resource.length > 48 ? `…${resource.slice(-47)}` : resource;
  });
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
  const worst = rpo.worstResource;
  const lines = table(
    ['measure', 'from', 'to', 'duration'],
    [
      ['RTO to DNS cutover', rto.failbackStartedAt, rto.dnsCutoverAt, humanDuration(rto.toDnsCutoverSeconds)],
      [
        'RTO to primary validated',
        rto.failbackStartedAt,
        rto.primaryValidatedAt,
        humanDuration(rto.toPrimaryValidatedSeconds),
      ],
      [
        `RPO (worst resource${worst ? `: \`${worst.key}\`` : ''})`,
        worst?.capturedAt ?? rpo.finalRecoveryPointsAt,
        rpo.quiescedAt,
        humanDuration(rpo.seconds),
      ],
    ],
  );
  lines.push(
    '',
    'RTO runs from the start of the failback; RPO is, per resource, the time from its final recovery point ' +
      'to the quiesce (writes in between would be lost), 0 when the point was taken after the quiesce.',
  );
  if (rpo.resources.length) {
    lines.push(
      '',
      ...table(
        ['resource', 'final recovery point', 'quiesce', 'RPO', 'note'],
        rpo.resources.map((r) => [
          `\`${r.key}\``,
          r.capturedAt,
          rpo.quiescedAt,
          humanDuration(r.seconds),
          r.note ?? (r.afterQuiesce ? 'taken after the quiesce' : 'taken before the quiesce'),
        ]),
      ),
    );
  }
  return lines;
}

function resourceSections(report: PlanReport, ids: Set<string>): string[] {
  const lines = table(
    ['resource', 'source → target', 'state', 'restored', 'old primary', 'data check'],
    report.resources.map((r) => [
      `\`${r.key}\``,
      shortIds(`${r.source} → ${r.target}`, ids),
      r.state,
      r.restored && shortIds(r.restored, ids),
      r.retired && shortIds(r.retired, ids),
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

function dataChecks(report: PlanReport, ids: Set<string>): string[] {
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
          shortIds(String(c.expected), ids),
          shortIds(String(c.actual), ids),
          c.ok ? 'ok' : 'MISMATCH',
        ]),
      ),
    ),
  ];
}

/** What each resource's configuration table found: the counts, and every item not simply carried. */
function configuration(report: PlanReport, ids: Set<string>): string[] {
  const counts = new Map<string, number>();
  for (const r of report.resources)
    for (const c of r.configuration) counts.set(c.outcome, (counts.get(c.outcome) ?? 0) + 1);
  if (counts.size === 0) return ['No configuration compared yet (it is compared when a copy is verified).'];
  const order = ['carried', 'mapped', 'unset', 'differs', 'unknown'];
  return [
    `${order.map((o) => `${counts.get(o) ?? 0} ${o}`).join(', ')}.`,
    '',
    ...table(
      // `from`: the side the item was carried from (options.configurationFrom; the recovery source by default).
      ['resource', 'item', 'from', 'source', 'restored', 'outcome', 'why'],
      report.resources.flatMap((r) =>
        r.configuration
          .filter((c) => c.outcome !== 'carried' && c.outcome !== 'unset')
          .map((c) => [
            `\`${r.key}\``,
            c.item,
            c.from === 'primary' ? 'old primary' : 'recovery',
            c.source && shortIds(c.source, ids),
            c.restored && shortIds(c.restored, ids),
            c.outcome === 'differs' || c.outcome === 'unknown' ? c.outcome.toUpperCase() : c.outcome,
            c.note ?? '',
          ]),
      ),
    ),
  ];
}

/** What the final cleanup could not do (a setting AWS refused): an operator's to-do, each with its fix. */
function leftOff(report: PlanReport): string[] {
  const rows = report.resources.flatMap((r) => r.leftOff.map((item) => [`\`${r.key}\``, item]));
  return rows.length === 0 ? ['Nothing.'] : table(['resource', 'left off, and the fix'], rows);
}

/** The report as Markdown, for a change record or an incident review. */
export function renderMarkdown(report: PlanReport): string {
  const outcome = report.outcome
    ? `**${report.outcome.result}** at ${report.outcome.at}${report.outcome.reason ? ` (${cell(report.outcome.reason)})` : ''}`
    : `in progress (stage **${report.stage}**)`;
  const window = report.maintenanceWindow;
  const ids = new Set<string>();
  const lines = [
    `# Failback report: ${report.planId}`,
    '',
    `- Application: **${cell(report.application)}**`,
    `- Plan workflow: \`${report.workflowId}\` (${report.workflowStatus})`,
    `- Outcome: ${outcome}`,
    `- Maintenance window: ${window ? `${window.start} → ${window.end} (set by ${cell(window.setBy)} at ${window.setAt})` : '—'}`,
    `- Environment: ${report.environment.note}`,
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
    ...resourceSections(report, ids),
    '',
    '## Data checks',
    '',
    ...dataChecks(report, ids),
    '',
    '## Configuration',
    '',
    ...configuration(report, ids),
    '',
    '## Left for a person',
    '',
    ...leftOff(report),
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
      report.errors.map((e) => [e.at, e.stage, e.resource, e.type, shortIds(e.message, ids), e.action]),
    ),
    '',
  ];
  if (ids.size) lines.push('## Identifiers', '', ...[...ids].sort().map((arn) => `- \`${arn}\``), '');
  return lines.join('\n');
}
