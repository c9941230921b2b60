import { BatchWriteItemCommand, type WriteRequest } from '@aws-sdk/client-dynamodb';
import type { AwsEnvironment } from '../../aws/clients.js';
import { abortSignal, heartbeat, previousHeartbeat, sleep } from '../../aws/heartbeat.js';
import { call } from './calls.js';
import type { Item } from './content-hash.js';
import { combine, parallelScan, segmentsFor, type SegmentState } from './scan.js';

/** Heartbeat details of a scan copy: a retried attempt resumes every segment from its last page. */
export interface ScanCopyProgress {
  scanCopy: { target: string; totalSegments: number; segments: SegmentState[] };
}

const MAX_WRITE_ATTEMPTS = 12;

/** BatchWriteItem in chunks of 25, re-sending UnprocessedItems with capped exponential backoff. */
async function writeAll(env: AwsEnvironment, table: string, items: Item[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests: WriteRequest[] = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length > 0; attempt++) {
      if (attempt >= MAX_WRITE_ATTEMPTS)
        throw new Error(
          `BatchWriteItem ${table}: ${requests.length} items still unprocessed after ${attempt} attempts`,
        );
      if (attempt > 0) await sleep(Math.min(5000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2));
      const out = await call(env, `BatchWriteItem ${table}`, () =>
        env.dynamodb.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }), {
          abortSignal: abortSignal(),
        }),
      );
      requests = out.UnprocessedItems?.[table] ?? [];
    }
  }
}

export interface ScanCopyResult {
  count: number;
  hash: string;
  resumed: boolean;
}

/**
 * Copies every item of `source` (recovery) into `target` (primary) by parallel scan and batch writes,
 * heartbeating per page with the resume state and progress.
 */
export async function scanCopy(
  from: AwsEnvironment,
  source: string,
  sourceSizeBytes: number | undefined,
  to: AwsEnvironment,
  target: string,
  concurrency = 8,
): Promise<ScanCopyResult> {
  const previous = previousHeartbeat<Partial<ScanCopyProgress>>()?.scanCopy;
  const resume = previous?.target === target ? previous : undefined;
  const totalSegments = resume?.totalSegments ?? segmentsFor(sourceSizeBytes);
  const state = await parallelScan(from, source, {
    totalSegments,
    concurrency,
    ...(resume ? { state: resume.segments } : {}),
    onPage: (_segment, items) => writeAll(to, target, items),
    onProgress: (segments) => {
      const copied = segments.reduce((n, s) => n + s.count, 0);
      const progress: ScanCopyProgress = { scanCopy: { target, totalSegments, segments } };
      heartbeat({ ...progress, copied, segmentsDone: segments.filter((s) => s.done).length });
    },
  });
  const total = combine(state);
  return { count: total.count, hash: total.hex, resumed: Boolean(resume) };
}
