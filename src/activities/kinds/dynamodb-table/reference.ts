import { gunzipSync } from 'node:zlib';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { RecoveryPoint } from '../../../domain/resources.js';
import { heartbeat } from '../../aws/heartbeat.js';
import { tagValue } from '../../aws/tags.js';
import type { KindContext } from '../resource-kind.js';
import { call } from './calls.js';
import { ContentHash, type Item } from './content-hash.js';
import { describeBackup } from './backups.js';
import { Sample, type SampleEntry } from './sample.js';
import { listObjects } from './s3.js';
import { tableTags } from './tables.js';

/**
 * What a test copy is verified against (decision 0037): the recovery point it was made from, never the
 * live recovery table, which keeps taking writes during the test failback. Export-import: the items of
 * the export's data files (count and content hash, and the sample read back). Scan copy: the count and
 * content hash of exactly the items the copy read (consistent reads) and wrote, recorded on the copy.
 * Backup restore: DynamoDB restores a backup exactly and its content cannot be read any other way, so
 * the copy must be the restore of that backup, complete, with the backup's item count.
 */
export interface Reference {
  /** Where the expected figures come from, for the check names and messages. */
  from: string;
  count?: number;
  hash?: string;
  /** Items to read back by key from the copy (a bottom-k sample of the reference's items). */
  sample?: SampleEntry[];
}

/** Set on a scan-copied table once every item is in: `<count>/<content hash>`; a retry skips the copy. */
export const TAG_COPIED = 'failback:copied';

/** The export's items, file by file: DynamoDB JSON, one `{"Item": …}` document a line, gzipped. */
async function exportReference(ctx: KindContext, rp: RecoveryPoint): Promise<Reference> {
  const bucket = String(rp.details?.bucket ?? '');
  const exportId = rp.id.split('/').at(-1) ?? '';
  const prefix = `${String(rp.details?.prefix ?? '')}/AWSDynamoDB/${exportId}/data/`;
  const files = (await listObjects(ctx.recovery, bucket, prefix)).filter((o) =>
    /\.json(\.gz)?$/.test(o.Key ?? ''),
  );
  const hash = new ContentHash();
  const sample = new Sample();
  for (const file of files) {
    const out = await call(ctx.recovery, `GetObject s3://${bucket}/${file.Key}`, () =>
      ctx.recovery.s3.send(new GetObjectCommand({ Bucket: bucket, Key: file.Key })),
    );
    const bytes = await out.Body?.transformToByteArray();
    if (!bytes) continue;
    const text = (file.Key ?? '').endsWith('.gz')
      ? gunzipSync(bytes).toString('utf8')
      : Buffer.from(bytes).toString('utf8');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const item = (JSON.parse(line) as { Item: Item }).Item;
      sample.offer(hash.add(item), item);
    }
    heartbeat({ verifying: `export ${exportId}`, files: files.length, items: hash.count });
  }
  return {
    from: `export ${rp.id}`,
    count: hash.count,
    hash: hash.hex,
    sample: sample.items,
  };
}

async function backupReference(ctx: KindContext, rp: RecoveryPoint): Promise<Reference> {
  const backup = await describeBackup(ctx.recovery, rp.arn ?? rp.id);
  return {
    from: `backup ${rp.arn ?? rp.id}`,
    ...(backup?.source?.ItemCount !== undefined ? { count: backup.source.ItemCount } : {}),
  };
}

async function scanCopyReference(ctx: KindContext, tableArn: string): Promise<Reference> {
  const copied = tagValue(await tableTags(ctx.primary, tableArn), TAG_COPIED);
  const [count, hash] = (copied ?? '').split('/');
  return {
    from: 'the items the scan copy read and wrote',
    ...(count ? { count: Number(count) } : {}),
    ...(hash ? { hash } : {}),
  };
}

/** The reference of the recovery point `rp` (its method decides), for the copy `tableArn`. */
export function recoveryPointReference(
  ctx: KindContext,
  rp: RecoveryPoint,
  tableArn: string,
): Promise<Reference> {
  const method = rp.details?.method;
  if (method === 'export-import') return exportReference(ctx, rp);
  if (method === 'restore') return backupReference(ctx, rp);
  return scanCopyReference(ctx, tableArn);
}
