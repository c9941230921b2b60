/**
 * `npm run test:abort-matrix`: the whole abort matrix alone (every point of every variant), on the
 * integration stack vitest starts; then the points that were not restored, and the summary line last.
 * Fails when any point is not restored exactly, whether or not a known cause explains it (causes.ts).
 * FAILBACK_ABORT_MATRIX_VARIANTS=ec2,rds and FAILBACK_ABORT_MATRIX_POINTS=<regex> narrow it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { RESULTS_DIR } from './matrix.js';

const report = path.join(RESULTS_DIR, 'report.md');
rmSync(report, { force: true });
const run = spawnSync('vitest', ['run', '--project', 'integration', 'test/abort-matrix/'], {
  stdio: 'inherit',
  env: { ...process.env, FAILBACK_ABORT_MATRIX: 'all' },
});
if (!existsSync(report)) {
  console.error(`abort matrix: no report (vitest exited ${run.status ?? run.signal})`);
  process.exit(run.status || 1);
}
const text = readFileSync(report, 'utf8');
const summary = text.split('\n').find((l) => l.startsWith('abort matrix:')) ?? 'abort matrix: no summary';
const notRestored = text.slice(text.indexOf('## Not restored'), text.indexOf('## Every point')).trim();
console.log(`\n${notRestored}\n\n(report: ${path.relative(process.cwd(), report)})\n${summary}`);
process.exit(run.status ?? 1);
