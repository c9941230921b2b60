import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { ensurePythonTool } from '../stack/tools.js';
import { SCHEMATHESIS } from '../stack/versions.js';

/** What the fuzzer must never find: the bar (no 5xx, nothing the OpenAPI document does not say). */
export const FUZZ_CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
];

export interface FuzzRun {
  /** The API's OpenAPI document (http://127.0.0.1:<port>/openapi.json). */
  openapiUrl: string;
  /** For the report's name and the log. */
  label: string;
  token: string;
  /** The whole run's time budget (schemathesis stops fuzzing then). */
  maxTimeSeconds: number;
  maxExamples: number;
  reportDir: string;
  seed?: number;
  log?: (line: string) => void;
}

export interface FuzzResult {
  label: string;
  exitCode: number | null;
  output: string;
  /** schemathesis' closing summary lines (failures by check, requests made). */
  summary: string;
}

/**
 * Runs schemathesis (pinned, from PyPI into .cache/tools/) against the API with one token, bounded in
 * time; resolves with its exit code (0: no check failed) and output. The caller's deadline also kills it.
 */
export async function runSchemathesis(run: FuzzRun): Promise<FuzzResult> {
  const st = ensurePythonTool(SCHEMATHESIS);
  mkdirSync(run.reportDir, { recursive: true });
  const args = [
    'run',
    run.openapiUrl,
    '--header',
    `Authorization: Bearer ${run.token}`,
    '--checks',
    FUZZ_CHECKS.join(','),
    '--max-time',
    String(run.maxTimeSeconds),
    '--max-examples',
    String(run.maxExamples),
    // One worker: hypothesis' lambda-source cache is not thread-safe ("AST constructor recursion
    // depth mismatch" once under load with two).
    '--workers',
    '1',
    '--request-timeout',
    '30',
    '--seed',
    String(run.seed ?? 1),
    '--no-color',
    '--report',
    'junit',
    '--report-dir',
    run.reportDir,
    '--report-junit-path',
    `${run.reportDir}/${run.label}.junit.xml`,
  ];
  const child = spawn(st, args, {
    // Its example database and crash cache go beside the reports, not into the repository.
    cwd: run.reportDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, SCHEMATHESIS_TELEMETRY: 'false', NO_COLOR: '1' },
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (d: Buffer) => {
      output += d.toString();
      for (const line of d.toString().split('\n')) if (line.trim()) run.log?.(`[${run.label}] ${line}`);
    });
  }
  // Bounded from outside too: the budget, the shrinking of a failure and a minute of slack.
  const killer = setTimeout(() => child.kill('SIGKILL'), (run.maxTimeSeconds + 180) * 1000);
  const exitCode = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(killer);
  writeFileSync(`${run.reportDir}/${run.label}.log`, output);
  const start = output.lastIndexOf('===', output.lastIndexOf('SUMMARY'));
  return {
    label: run.label,
    exitCode,
    output,
    summary: start >= 0 ? output.slice(start) : output.slice(-3000),
  };
}
