/**
 * `npm run bench`: failback plans of 10, 100 and 500 resources against the emulator's realistic
 * timing profile and a fresh Temporal dev server, their wall time against the lower bound, the
 * sequential runbook baseline, and what it all costs (Temporal histories, AWS calls, the worker).
 * Writes BENCHMARKS.md; `--json` prints the machine-readable result on stdout.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { REPO_ROOT } from '../stack/paths.js';
import { runBench, type BenchResult } from './bench.js';
import { renderResults, updateBenchmarks } from './report/markdown.js';
import { startBenchStack } from './stack.js';

interface CliOptions {
  sizes: number[];
  runbookSizes: number[];
  runbook: boolean;
  profile: string;
  scale?: number;
  items: number;
  concurrency: number;
  json: boolean;
  write: boolean;
  out: string;
  render?: string;
}

function sizeList(value: string): number[] {
  const sizes = value.split(',').map((s) => Number(s.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 1))
    throw new InvalidArgumentError('a comma-separated list of positive integers');
  return sizes;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('a positive number');
  return n;
}

async function main(): Promise<void> {
  const program = new Command('bench')
    .description('Benchmark failback plans against their lower bound and a sequential runbook')
    .option('--sizes <list>', 'plan sizes in resources', sizeList, [10, 100, 500])
    .option(
      '--runbook-sizes <list>',
      'sizes of the sequential runbook baseline (others extrapolated)',
      sizeList,
      [10, 100],
    )
    .option('--no-runbook', 'skip the runbook baseline')
    .option('--profile <name|file>', 'emulator timing profile', 'realistic')
    .option('--scale <factor>', "multiply the profile's AWS durations (realistic: 1/600)", positive)
    .option('--items <n>', 'items per DynamoDB table', positive, 1000)
    .option('--concurrency <n>', 'plan option concurrency (resources in flight)', positive, 256)
    .option('--json', 'print the result as JSON on stdout', false)
    .option('--no-write', 'do not write BENCHMARKS.md')
    .option('--out <file>', 'where to write the report', path.join(REPO_ROOT, 'BENCHMARKS.md'))
    .option('--render <json>', 'only rewrite the report from the --json output of an earlier run');
  program.parse();
  const options = program.opts<CliOptions>();
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;

  if (options.render) {
    const parsed = JSON.parse(readFileSync(options.render, 'utf8')) as BenchResult;
    // Results written before the run recorded its failures have none.
    const result: BenchResult = { ...parsed, failures: parsed.failures ?? [] };
    const existing = existsSync(options.out) ? readFileSync(options.out, 'utf8') : undefined;
    writeFileSync(options.out, updateBenchmarks(existing, result));
    log(`wrote ${options.out} from ${options.render}`);
    return;
  }
  const stack = await startBenchStack({
    profile: options.profile,
    ...(options.scale === undefined ? {} : { scale: options.scale }),
    log,
  });
  // The seeders and the runbook talk to this emulator too.
  process.env.AWS_ENDPOINT_URL = stack.awsEndpoint;
  // The runbook assumes the plan's roles from the orchestrator's principal, as the worker does.
  process.env.AWS_ACCESS_KEY_ID = 'bench';
  process.env.AWS_SECRET_ACCESS_KEY = 'bench';
  process.env.AWS_REGION ??= 'us-east-1';
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void stop(130));
  let code = 0;
  const write = (result: BenchResult) => {
    if (!options.write) return;
    const existing = existsSync(options.out) ? readFileSync(options.out, 'utf8') : undefined;
    writeFileSync(options.out, updateBenchmarks(existing, result));
    log(`wrote ${options.out}`);
  };
  try {
    const result = await runBench(
      stack,
      {
        sizes: options.sizes,
        runbookSizes: options.runbook ? options.runbookSizes : [],
        itemsPerTable: options.items,
        concurrency: options.concurrency,
        log,
        // Written after every size: an interrupted run keeps what it measured.
        onPartial: write,
      },
      command,
    );
    write(result);
    if (options.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else process.stdout.write(`${renderResults(result)}\n`);
    if (result.failures.length > 0) code = 1;
  } catch (error) {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    code = 1;
  } finally {
    await stop(code);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `[bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
