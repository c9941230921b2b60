import { CreateBucketCommand, GetBucketTaggingCommand, PutBucketTaggingCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { aws, freshAccount } from './support.js';

// PutBucketTagging replaces the tag set in one step (S3 API Reference, PutBucketTagging: "this
// operation overwrites an existing tag set"): a reader at the same moment sees the old set or the
// new one, never none. The orchestrator takes an untagged non-empty bucket of its name for someone
// else's, so a moment with no tags made it refuse its own bucket (NameConflict) under load.
describe('S3 bucket tagging', () => {
  it('never shows a bucket with no tags while its tag set is being replaced', async () => {
    const { s3 } = aws(freshAccount(), 'us-east-1');
    const Bucket = `fb-tags-${Date.now().toString(36)}`;
    await s3.send(new CreateBucketCommand({ Bucket }));
    const put = (i: number) =>
      s3.send(
        new PutBucketTaggingCommand({
          Bucket,
          Tagging: {
            TagSet: [
              { Key: 'failback:plan-id', Value: 'p1' },
              ...Array.from({ length: 40 }, (_, k) => ({ Key: `k${k}`, Value: `v${i}` })),
            ],
          },
        }),
      );
    await put(0);
    let writes = 0;
    let empty = 0;
    let reads = 0;
    const deadline = Date.now() + 4_000;
    const writer = async () => {
      while (Date.now() < deadline) await put(++writes);
    };
    const reader = async () => {
      while (Date.now() < deadline) {
        const out = await s3.send(new GetBucketTaggingCommand({ Bucket })).catch(() => undefined);
        reads++;
        if (!out?.TagSet?.some((t) => t.Key === 'failback:plan-id')) empty++;
      }
    };
    await Promise.all([writer(), writer(), reader(), reader(), reader()]);
    expect(reads).toBeGreaterThan(50);
    expect(writes).toBeGreaterThan(50);
    expect(empty).toBe(0);
  });
});
