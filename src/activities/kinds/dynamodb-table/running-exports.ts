import { DescribeExportCommand, ListExportsCommand } from '@aws-sdk/client-dynamodb';
import { ApplicationFailure } from '@temporalio/common';
import { expectedMs } from '../../aws/durations.js';
import { stickyDetails } from '../../aws/heartbeat.js';
import { pollUntil, WaitFailed } from '../../aws/polling.js';
import type { KindContext } from '../resource-kind.js';
import { call } from './calls.js';
import { exportBucketOf, exportPrefix } from './names.js';

/** The recovery table's ARN (exports are listed by it; the table itself may be gone). */
function recoveryTableArn(ctx: KindContext): string {
  const { region, accountId } = ctx.plan.recovery;
  return `arn:aws:dynamodb:${region}:${accountId}:table/${ctx.resource.source}`;
}

/** The ARNs of this run's exports of the table into the phase's prefix that are still IN_PROGRESS. */
async function runningExports(ctx: KindContext): Promise<string[]> {
  const env = ctx.recovery;
  const tableArn = recoveryTableArn(ctx);
  const { bucket } = exportBucketOf(ctx);
  const base = `${exportPrefix(ctx)}/`;
  const running: string[] = [];
  let NextToken: string | undefined;
  do {
    const out = await call(env, `ListExports ${tableArn}`, () =>
      env.dynamodb.send(new ListExportsCommand({ TableArn: tableArn, NextToken })),
    );
    // The summary has no bucket or prefix: only the running ones are described.
    for (const summary of out.ExportSummaries ?? []) {
      if (summary.ExportStatus !== 'IN_PROGRESS' || !summary.ExportArn) continue;
      const d = await call(env, `DescribeExport ${summary.ExportArn}`, () =>
        env.dynamodb.send(new DescribeExportCommand({ ExportArn: summary.ExportArn })),
      );
      const e = d.ExportDescription;
      if (e?.ExportStatus === 'IN_PROGRESS' && e.S3Bucket === bucket && e.S3Prefix?.startsWith(base))
        running.push(summary.ExportArn);
    }
    NextToken = out.NextToken;
  } while (NextToken);
  return running;
}

/**
 * Waits until none of the run's exports of this table into the phase's prefix is still running. An
 * export writes its files until it ends: a prefix removed while one runs gets files again afterwards
 * and the plan's bucket stays (the abort matrix found it when an abort came while the export ran).
 * DynamoDB cannot cancel an export, so the cleanup waits — heartbeating, cancellable, bounded: an
 * attempt gives up after eight times the typical duration and the activity's retry waits again.
 */
export async function waitRunExportsEnded(ctx: KindContext): Promise<void> {
  const typical = expectedMs('dynamodb:export');
  await pollUntil(
    `the exports of ${ctx.resource.source} under ${exportPrefix(ctx)}/ to end`,
    async () => {
      const running = await runningExports(ctx);
      return {
        done: running.length === 0,
        state: running.length ? `${running.length} IN_PROGRESS (${running.join(', ')})` : 'ended',
      };
    },
    // The first probe is at once (nothing running: one ListExports); then about the typical duration.
    { expectedMs: typical, timeoutMs: typical * 8, details: stickyDetails() },
  ).catch((error: unknown) => {
    if (!(error instanceof WaitFailed)) throw error;
    // Not the person's: the export ends by itself. The next attempt (Temporal's backoff) waits again.
    throw ApplicationFailure.retryable(
      `${error.message}: its files would land after the cleanup removed the prefix`,
      'NotReady',
    );
  });
}
