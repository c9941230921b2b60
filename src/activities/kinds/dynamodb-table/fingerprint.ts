import type { TableDescription } from '@aws-sdk/client-dynamodb';
import type { AwsEnvironment } from '../../aws/clients.js';
import { remember, stickyDetails } from '../../aws/heartbeat.js';
import type { KindContext } from '../resource-kind.js';
import { itemDigest, type ContentHash, type Item } from './content-hash.js';
import { Sample, type SampleEntry, type SampleJson } from './sample.js';
import { combine, parallelScan, segmentsFor, type SegmentState } from './scan.js';

/**
 * How far one verification scan got, in the heartbeat details, so a retried attempt of the same
 * verify resumes every segment from its last page instead of scanning a large table from zero again
 * (issue 15). Bounded: per-segment cursors, counts and hashes, and the sample's keys and digests.
 */
export interface FingerprintProgress {
  /** Whose scan it is: the table (ARN and creation time: a re-created table is another table)… */
  tableArn: string;
  createdAt: string;
  /** …of this plan run and phase; anything else starts from zero. */
  run: string;
  phase: string;
  /** Fixed by the first attempt: a resumed scan keeps its segmentation (the table's size may move). */
  totalSegments: number;
  segments: SegmentState[];
  /** The bottom-k sample over the pages scanned so far, when this scan samples. */
  sample?: SampleJson[];
}

/** Heartbeat details of verification: every scan of the attempt (failback: source and copy at once). */
export interface VerifyProgress {
  verifyScans: Record<string, FingerprintProgress>;
}

export interface Fingerprint {
  hash: ContentHash;
  /** The sample (keys and digests) when asked for one. */
  sample?: SampleEntry[];
  /** Whether the scan carried on from a previous attempt's heartbeat. */
  resumed: boolean;
}

function saved(): Record<string, FingerprintProgress> {
  const scans = (stickyDetails() as Partial<VerifyProgress>).verifyScans;
  return scans && typeof scans === 'object' ? scans : {};
}

/** The previous attempt's progress of exactly this scan, or undefined: never another table's or run's. */
export function resumable(
  previous: FingerprintProgress | undefined,
  owner: Omit<FingerprintProgress, 'totalSegments' | 'segments' | 'sample'>,
  sampling: boolean,
): FingerprintProgress | undefined {
  if (!previous) return undefined;
  const same =
    previous.tableArn === owner.tableArn &&
    previous.createdAt === owner.createdAt &&
    previous.run === owner.run &&
    previous.phase === owner.phase &&
    Array.isArray(previous.segments) &&
    previous.segments.length === previous.totalSegments &&
    // The sample of the pages already scanned cannot be had again without scanning them.
    (!sampling || Array.isArray(previous.sample));
  return same ? previous : undefined;
}

/**
 * Count and order-independent content hash of `table` (description: its DescribeTable) over a full
 * consistent parallel scan, with a bottom-k sample of its items when `sampleKeys` (the key names) is
 * given, resuming from the previous attempt's heartbeat when it was the same scan.
 */
export async function fingerprint(
  ctx: KindContext,
  env: AwsEnvironment,
  table: string,
  description: TableDescription | undefined,
  sampleKeys?: string[],
): Promise<Fingerprint> {
  const owner = {
    tableArn: description?.TableArn ?? `${env.access.region}/${table}`,
    createdAt: description?.CreationDateTime?.toISOString() ?? '',
    run: ctx.plan.planRun ?? ctx.plan.planId,
    phase: ctx.input.phase,
  };
  const resume = resumable(saved()[owner.tableArn], owner, Boolean(sampleKeys));
  const totalSegments = resume?.totalSegments ?? segmentsFor(description?.TableSizeBytes);
  const sample = sampleKeys ? Sample.fromJson(resume?.sample ?? []) : undefined;
  const keyOf = (item: Item) => Object.fromEntries((sampleKeys ?? []).map((k) => [k, item[k]])) as Item;
  const state = await parallelScan(env, table, {
    totalSegments,
    concurrency: 4,
    ...(resume ? { state: resume.segments } : {}),
    ...(sample
      ? {
          // The sample takes the page before the segment's cursor moves past it: a heartbeat never
          // holds a cursor beyond what its sample saw (a repeated page is offered twice, harmlessly).
          onPage: (_s: number, items: Item[]) => {
            items.forEach((item) => sample.offer(itemDigest(item), keyOf(item)));
            return Promise.resolve();
          },
        }
      : {}),
    // A full scan of a large table outlasts the heartbeat timeout: beat per page, or the attempt is
    // declared lost and restarted; the beat carries the resume state, or the restart is from zero.
    onProgress: (segments) => {
      const progress: FingerprintProgress = {
        ...owner,
        totalSegments,
        segments: [...segments],
        ...(sample && sampleKeys ? { sample: sample.toJson(sampleKeys) } : {}),
      };
      remember(
        { verifyScans: { ...saved(), [owner.tableArn]: progress } },
        {
          verifying: table,
          scanned: segments.reduce((n, s) => n + s.count, 0),
          expectedItems: description?.ItemCount ?? null,
          resumed: Boolean(resume),
        },
      );
    },
  });
  return {
    hash: combine(state),
    ...(sample ? { sample: sample.items } : {}),
    resumed: Boolean(resume),
  };
}
