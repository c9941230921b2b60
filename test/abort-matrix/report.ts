import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CAUSES, explain } from './causes.js';
import { RESULTS_DIR, type CaseResult, type VariantResult } from './matrix.js';

/** The matrix's last line, the one the issue asks for. */
export function summaryLine(results: CaseResult[]): string {
  const restored = results.filter((r) => r.ok).length;
  return `abort matrix: ${results.length} abort points, ${restored} restored exactly`;
}

function pointLine(r: CaseResult): string {
  return `- **${r.point.id}** (plan \`${r.planId}\`, stage ${r.point.stage}, ended ${r.finalStage ?? '?'})`;
}

/** The points that were not restored, grouped by cause, each with the differences that cause explains. */
export function notRestoredByCause(results: CaseResult[]): string[] {
  const failed = results.filter((r) => !r.ok).map((r) => ({ r, lines: explain(r) }));
  const out: string[] = [];
  for (const cause of CAUSES) {
    const hit = failed.filter((f) => f.lines.some((l) => l.cause === cause));
    if (hit.length === 0) continue;
    out.push(`### ${cause.item}: ${cause.id} (${hit.length} points)`, '', cause.what, '');
    for (const { r, lines } of hit) {
      out.push(pointLine(r), ...lines.filter((l) => l.cause === cause).map((l) => `  - ${l.line}`));
    }
    out.push('');
  }
  const unexplained = failed.filter((f) => f.lines.some((l) => !l.cause) || f.lines.length === 0);
  if (unexplained.length > 0) {
    out.push(`### Not explained by a known cause (${unexplained.length} points)`, '');
    for (const { r, lines } of unexplained) {
      out.push(
        pointLine(r),
        ...(r.held ? [`  - held: \`${r.held}\``] : []),
        ...lines.filter((l) => !l.cause).map((l) => `  - ${l.line}`),
        ...r.notes.map((n) => `  - note: ${n}`),
        ...r.errors.slice(0, 4).map((e) => `  - plan error: ${e}`),
      );
    }
    out.push('');
  }
  return out;
}

/** Markdown: the summary, every point that was not restored by cause, then every point. */
export function renderReport(variants: VariantResult[], title: string): string {
  const all = variants.flatMap((v) => v.results);
  return [
    `# ${title}`,
    '',
    summaryLine(all),
    '',
    '| variant | points enumerated | run | restored exactly |',
    '| --- | --- | --- | --- |',
    ...variants.map(
      (v) =>
        `| ${v.variant.title} | ${v.points.length} | ${v.results.length} | ${v.results.filter((r) => r.ok).length} |`,
    ),
    '',
    '## Not restored, by cause',
    '',
    ...notRestoredByCause(all),
    '## Every point',
    '',
    ...all.map((r) => `- ${r.ok ? 'restored' : 'NOT RESTORED'}: ${r.point.id} (${r.seconds} s)`),
    '',
  ].join('\n');
}

/** Writes report.md and results.json to test-results/abort-matrix/; returns the report's path. */
export function writeReport(variants: VariantResult[], title: string): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, 'report.md');
  writeFileSync(file, renderReport(variants, title));
  writeFileSync(
    path.join(RESULTS_DIR, 'results.json'),
    JSON.stringify(
      variants.map((v) => ({ variant: v.variant.id, points: v.points, results: v.results })),
      null,
      1,
    ),
  );
  return file;
}
