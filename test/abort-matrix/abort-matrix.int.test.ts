import type { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EmulatorAdmin } from '../../emulator/client.js';
import { startTestWorker, testClient, uniqueTaskQueue, type RunningWorker } from '../support/temporal.js';
import { causesOf } from './causes.js';
import { runVariant, type VariantResult } from './matrix.js';
import { sample, type AbortPoint } from './points.js';
import { summaryLine, writeReport } from './report.js';
import { VARIANTS } from './variants.js';

// The abort matrix (docs/decisions/0040-abort-matrix.md): for each kind, a clean run of its plan is
// recorded, every mutating AWS call of it and every long operation it waits for becomes an abort point,
// and each point runs on a fresh seed; primary and recovery are then compared with their inventories
// from before the plan. FAILBACK_ABORT_MATRIX=all (npm run test:abort-matrix) runs every point and
// fails on any that is not restored; by default (npm test) a sample runs, and fails on a point that is
// not restored for a reason no known cause explains (causes.ts). `record` lists the points only.
const mode = process.env.FAILBACK_ABORT_MATRIX ?? 'sample';
const only = process.env.FAILBACK_ABORT_MATRIX_VARIANTS?.split(',');
const filter = process.env.FAILBACK_ABORT_MATRIX_POINTS
  ? new RegExp(process.env.FAILBACK_ABORT_MATRIX_POINTS)
  : undefined;
const concurrency = Number(process.env.FAILBACK_ABORT_MATRIX_CONCURRENCY ?? 3);

function choose(points: AbortPoint[]): AbortPoint[] {
  const chosen = mode === 'record' ? [] : mode === 'all' ? points : sample(points);
  return chosen.filter((p) => !filter || filter.test(p.id));
}

describe(`abort matrix (${mode})`, { timeout: 3_600_000 }, () => {
  let client: Client;
  let connection: Connection;
  let worker: RunningWorker;
  const taskQueue = uniqueTaskQueue('abort-matrix');
  const results: VariantResult[] = [];

  beforeAll(async () => {
    ({ client, connection } = await testClient());
    // Heartbeats reach the server at least every second (the SDK's throttle is otherwise 0.8 × the
    // 10 s heartbeat timeout), so an abort's cancellation reaches a held activity in about a second
    // and the held call is released then (drive.ts), not after the 20 s fallback.
    worker = await startTestWorker(taskQueue, { maxHeartbeatThrottleInterval: '1 second' });
  });
  afterAll(async () => {
    await worker?.stop();
    await connection?.close();
    if (results.length === 0) return;
    const file = writeReport(results, `Abort matrix (${mode})`);
    console.log(`report: ${file}\n${summaryLine(results.flatMap((r) => r.results))}`);
  });

  for (const variant of VARIANTS.filter((v) => !only || only.includes(v.id))) {
    it(variant.title, async () => {
      const admin = new EmulatorAdmin(inject('awsEndpoint'));
      const result = await runVariant({ client, taskQueue, admin }, variant, {
        choose,
        concurrency,
        log: (line) => console.log(line),
      });
      results.push(result);
      if (mode === 'record') {
        for (const p of result.points) console.log(`${p.stage.padEnd(28)} ${p.id}  ${p.resource ?? ''}`);
        return;
      }
      const failed = result.results.filter((r) => !r.ok);
      const told = (r: (typeof failed)[number]) =>
        `${r.point.id} [${r.planId}]: ${[...r.unexpected, ...r.notes].join('; ')}`;
      if (mode === 'all') {
        expect(failed.map(told), 'abort points not restored exactly').toEqual([]);
      } else {
        const unexplained = failed.filter((r) => causesOf(r).unexplained.length > 0);
        expect(unexplained.map(told), 'abort points not restored, for no known cause').toEqual([]);
      }
    });
  }
});
