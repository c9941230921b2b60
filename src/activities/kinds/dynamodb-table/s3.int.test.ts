import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  HeadObjectCommand,
  PutBucketTaggingCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { asAccount } from '../../../../test/support/aws.js';
import { withCallHeld } from '../../../../test/support/held-call.js';
import { isOwnedByPlan, planTags } from '../../aws/tags.js';
import { bucketExists, deletePlanBucketIfEmpty, deletePrefix, ensurePlanBucket } from './s3.js';

// The plan's tables share its export/import buckets and are cleaned up in parallel: whichever table
// empties a bucket last removes it, and the others must find nothing left to do, not a failure.
describe('plan buckets shared by several tables', () => {
  const env = asAccount('440000000001', 'us-east-1');
  const planId = `s3-${Date.now().toString(36)}`;

  it('cleans up in parallel: each table its prefix, the bucket once, no NoSuchBucket', async () => {
    const bucket = `fb-${planId}-imp`;
    await ensurePlanBucket(env, bucket, planId, planTags(planId, 'test-failback', 'orders'));
    for (const key of ['orders/a.json.gz', 'orders/b.json.gz'])
      await env.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x' }));
    const cleanup = async (prefix: string) => {
      const removed = await deletePrefix(env, bucket, prefix);
      await deletePlanBucketIfEmpty(env, bucket, planId);
      return removed;
    };
    // audit and customers had nothing in the bucket; orders had two files.
    const removed = await Promise.all([cleanup('orders/'), cleanup('audit/'), cleanup('customers/')]);
    expect(removed).toEqual([2, 0, 0]);
    expect(await bucketExists(env, bucket)).toBe(false);
    // A later retry of any of them: nothing left, still no failure.
    expect(await cleanup('audit/')).toBe(0);
    expect(await deletePlanBucketIfEmpty(env, bucket, planId)).toBe(false);
  });

  it('removes an empty untagged bucket of its name (CreateBucket done, PutBucketTagging not), never a non-empty or foreign one', async () => {
    // An abort between the export step's CreateBucket and its tagging left the bucket untagged.
    const untagged = `fb-${planId}-untagged`;
    await env.s3.send(new CreateBucketCommand({ Bucket: untagged }));
    expect(await deletePlanBucketIfEmpty(env, untagged, planId)).toBe(true);
    expect(await bucketExists(env, untagged)).toBe(false);
    // Untagged but not empty: not provably the plan's alone, it stays.
    const used = `fb-${planId}-used`;
    await env.s3.send(new CreateBucketCommand({ Bucket: used }));
    await env.s3.send(new PutObjectCommand({ Bucket: used, Key: 'someone/else.txt', Body: 'x' }));
    expect(await deletePlanBucketIfEmpty(env, used, planId)).toBe(false);
    // Tagged by someone else (another plan): it stays, empty or not.
    const foreign = `fb-${planId}-foreign`;
    await env.s3.send(new CreateBucketCommand({ Bucket: foreign }));
    await env.s3.send(
      new PutBucketTaggingCommand({
        Bucket: foreign,
        Tagging: { TagSet: planTags('another-plan', 'test-failback', 'orders') },
      }),
    );
    expect(await deletePlanBucketIfEmpty(env, foreign, planId)).toBe(false);
    expect(await bucketExists(env, foreign)).toBe(true);
  });
});

// Two tables of one plan reach the shared bucket at once: one has created it and is about to tag it
// and write to it; the other finds it between two of its own reads. Whichever of the second table's
// calls the first one's tag-and-write falls before, the bucket is the plan's: never a NameConflict.
describe('a plan bucket another table of the plan creates, tags and writes meanwhile', () => {
  const env = asAccount('440000000001', 'us-east-1');
  const planId = `s3r-${Date.now().toString(36)}`;
  const tags = planTags(planId, 'failback', 'orders');

  for (const operation of ['HeadBucket', 'ListObjectsV2', 'GetBucketTagging', 'PutBucketTagging'])
    it(`with its ${operation} after the other table's tagging and first object`, async () => {
      const bucket = `fb-${planId}-${operation.toLowerCase()}`;
      await env.s3.send(new CreateBucketCommand({ Bucket: bucket }));
      const { step } = await withCallHeld(
        { service: 's3', operation, account: '440000000001', caller: 'seeding', match: bucket },
        () => ensurePlanBucket(env, bucket, planId, planTags(planId, 'failback', 'customers')),
        async () => {
          await env.s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: tags } }));
          await env.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'orders/retired.json', Body: '{}' }));
        },
      );
      await step;
      const tagged = await env.s3.send(new GetBucketTaggingCommand({ Bucket: bucket }));
      expect(isOwnedByPlan(tagged.TagSet, planId)).toBe(true);
      await env.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'orders/retired.json' }));
    });
});
