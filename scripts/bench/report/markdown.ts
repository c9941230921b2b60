import type { BenchResult } from '../bench.js';
import { isDescribe } from '../aws-calls.js';
import { describeMix } from '../mix.js';
import { SIZE_MIX_GIB } from '../sizes.js';
import type { PlanRunResult } from '../run-plan.js';
import { targetChecks } from './targets.js';

const START = '<!-- bench:results:start (written by npm run bench; edit outside these markers) -->';
const END = '<!-- bench:results:end -->';

const s = (ms: number) => (ms / 1000).toFixed(2);
const x = (ratio: number) => ratio.toFixed(2);
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const n1 = (v: number) => v.toFixed(1);

function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

function boundBy(plan: PlanRunResult): string {
  const b = plan.lowerBound;
  if (b.dominant === 'chain') return `longest chain (${b.longestChain?.kind})`;
  const q = b.quotaClasses.find((c) => c.quota === b.dominant)!;
  return `${q.quota}: ${q.copies} copies / ${q.limit}`;
}

function retries(plan: PlanRunResult): string {
  const entries = Object.entries(plan.temporal.activityRetries);
  return entries.length ? entries.map(([type, n]) => `${n} ${type}`).join(', ') : '0';
}

/** The API calls of the largest plan per resource, by operation, describes marked. */
function callsByOperation(plan: PlanRunResult): string {
  const rows = Object.entries(plan.aws.calls)
    .sort((a, b) => b[1] - a[1])
    .map(([op, n]) => [`\`${op}\``, (n / plan.size).toFixed(2), isDescribe(op) ? 'describe' : '']);
  return table(['operation', 'calls per resource', ''], rows);
}

/** The resources' own step timings: which step of which kind the wall time went to. */
function stepsTable(plan: PlanRunResult): string {
  const kinds = Object.keys(plan.steps);
  const steps = [...new Set(kinds.flatMap((k) => Object.keys(plan.steps[k] ?? {})))];
  return table(
    ['kind', ...steps],
    kinds.map((k) => [
      k,
      ...steps.map((step) => {
        const f = plan.steps[k]?.[step];
        return f ? `${s(f.meanMs)} / ${s(f.maxMs)}` : '';
      }),
    ]),
  );
}

/** The generated part of BENCHMARKS.md: the results of one run. */
export function renderResults(result: BenchResult): string {
  const { plans, comparison, machine } = result;
  const largest = plans.at(-1);
  const lines: string[] = [];
  lines.push(
    `Run ${result.startedAt} → ${result.finishedAt} with \`${result.command}\`.`,
    '',
    `Machine: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, ${machine.platform}, Node ${machine.node}; ` +
      `load average ${machine.loadAverage.atStart.join(' / ')} at the start, ${machine.loadAverage.atEnd.join(' / ')} at the end ` +
      '(1/5/15 min; the machine is shared).',
    '',
    `Emulator profile \`${result.profile.name}\`, scale ${result.profile.scale.toPrecision(4)} ` +
      `(one AWS minute = ${s(60_000 * result.profile.scale)} s); quotas ${Object.entries(
        result.profile.quotas,
      )
        .map(([q, v]) => `${q} ${v}`)
        .join(', ')}; plan option concurrency ${result.concurrency}; worker FAILBACK_TIME_SCALE = the scale.`,
    '',
    `Data sizes (GiB used, cycled over each kind's resources; copies and restores take the profile's ` +
      `rate per GiB on top of their base): ${Object.entries(SIZE_MIX_GIB)
        .map(([kind, gib]) => `${kind} ${gib.join(' / ')}`)
        .join(', ')}; DynamoDB tables their items.`,
    '',
    '### Failback against its lower bound',
    '',
    table(
      ['resources', 'mix', 'wall (s)', 'lower bound (s)', 'bound by', 'wall / lower bound', 'verified'],
      plans.map((p) => [
        String(p.size),
        describeMix(p.mix),
        s(p.wallMs),
        s(p.lowerBound.ms),
        boundBy(p),
        `**${x(p.wallOverLowerBound)}**`,
        `${p.resourcesVerified}/${p.size}`,
      ]),
    ),
    '',
    '### Against a sequential runbook',
    '',
    comparison.length
      ? table(
          ['resources', 'runbook (s)', 'ours (s)', 'runbook / ours'],
          comparison.map((c) => [
            String(c.size),
            `${s(c.runbookMs)}${c.extrapolated ? ' (extrapolated)' : ''}`,
            s(c.oursMs),
            `**${x(c.runbookOverOurs)}**${c.extrapolated ? ' (extrapolated)' : ''}`,
          ]),
        )
      : '_The runbook baseline was not run (`--no-runbook`)._',
    '',
    ...(result.runbooks.length
      ? [
          'Runbooks measured (the extrapolation scales the mean time per resource of each kind by the mix):',
          '',
          table(
            ['resources', 'wall (s)', 's per EC2 / RDS / Aurora / DynamoDB', 'API calls / resource'],
            result.runbooks.map((r) => [
              String(r.size),
              s(r.wallMs),
              (['ec2', 'rds', 'aurora', 'dynamodb'] as const).map((k) => s(r.perKindMs[k] ?? 0)).join(' / '),
              n1(r.callsPerResource),
            ]),
          ),
          '',
        ]
      : []),
    '### Temporal cost',
    '',
    table(
      [
        'resources',
        'workflows',
        'activities',
        'plan workflow events',
        'failback phase events',
        'events / resource (failback)',
        'events / resource (whole plan)',
        'activity retries',
      ],
      plans.map((p) => [
        String(p.size),
        String(p.temporal.workflows),
        String(p.temporal.activities),
        String(p.temporal.planEvents),
        String(p.temporal.failbackPhaseEvents),
        n1(p.temporal.failbackEventsPerResource),
        n1(p.temporal.planEventsPerResource),
        retries(p),
      ]),
    ),
    '',
    '### AWS calls and the worker (during the failback)',
    '',
    table(
      [
        'resources',
        'API calls / resource',
        'describes / resource / expected interval',
        'throttles injected',
        'quota rejections',
        'throttling failures',
        'worker CPU (s)',
        'worker peak RSS (MiB)',
        'emulator CPU (s)',
      ],
      plans.map((p) => [
        String(p.size),
        n1(p.aws.callsPerResource),
        x(p.aws.describesPerResourceInterval),
        String(p.aws.throttlesInjected),
        String(p.aws.quotaRejections),
        String(p.throttlingFailures),
        n1(p.worker.cpuSeconds),
        mib(p.worker.peakRssBytes),
        n1(p.emulator.cpuSeconds),
      ]),
    ),
    '',
  );
  if (largest) {
    lines.push(
      `Where the time went, ${largest.size} resources: each step of the failback per kind, mean / longest (s):`,
      '',
      stepsTable(largest),
      '',
    );
    lines.push(
      `API calls per resource by operation, ${largest.size} resources:`,
      '',
      callsByOperation(largest),
      '',
    );
  }
  if (result.failures.length > 0) {
    lines.push(
      '### Sizes that did not finish',
      '',
      table(
        ['what', 'resources', 'error'],
        result.failures.map((f) => [f.what, String(f.size), f.error.replaceAll('|', '/').slice(0, 300)]),
      ),
      '',
    );
  }
  lines.push(
    '### Targets',
    '',
    table(
      ['target', 'measured', 'met'],
      targetChecks(result).map((t) => [
        t.target,
        t.measured,
        t.met === undefined ? 'n/a' : t.met ? 'yes' : '**no**',
      ]),
    ),
  );
  return lines.join('\n');
}

const DEFAULT_HEAD = `# Benchmarks

\`npm run bench\` (scripts/bench/): failback plans against the emulator's \`realistic\` profile.

`;

/** BENCHMARKS.md with this run's results in place of the previous ones; text outside the markers is kept. */
export function updateBenchmarks(existing: string | undefined, result: BenchResult): string {
  const block = `${START}\n\n${renderResults(result)}\n\n${END}`;
  if (existing?.includes(START) && existing.includes(END)) {
    return (
      existing.slice(0, existing.indexOf(START)) + block + existing.slice(existing.indexOf(END) + END.length)
    );
  }
  return `${existing ?? DEFAULT_HEAD}${existing ? '\n' : ''}## Latest results\n\n${block}\n`;
}
