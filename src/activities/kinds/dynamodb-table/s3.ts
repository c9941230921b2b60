import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectsCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  type BucketLocationConstraint,
  type _Object,
} from '@aws-sdk/client-s3';
import type { AwsEnvironment } from '../../aws/clients.js';
import { awsErrorCode, needsPersonFailure } from '../../aws/errors.js';
import { TAG_PLAN_ID } from '../../../domain/contract.js';
import { isOwnedByPlan, type Tag } from '../../aws/tags.js';
import { call, callMaybe } from './calls.js';

const MISSING = /NotFound|^NoSuch|^NotFound$|^404$/;
const TAG_READS = 3;
const TAG_READ_PAUSE_MS = 500;

export async function bucketExists(env: AwsEnvironment, bucket: string): Promise<boolean> {
  const head = await callMaybe(env, `HeadBucket ${bucket}`, () =>
    env.s3.send(new HeadBucketCommand({ Bucket: bucket })),
  );
  return head !== undefined;
}

async function bucketTags(env: AwsEnvironment, bucket: string): Promise<Tag[]> {
  const out = await callMaybe(env, `GetBucketTagging ${bucket}`, () =>
    env.s3.send(new GetBucketTaggingCommand({ Bucket: bucket })),
  );
  return (out?.TagSet ?? []).map((t) => ({ Key: t.Key ?? '', Value: t.Value ?? '' }));
}

async function isEmpty(env: AwsEnvironment, bucket: string): Promise<boolean> {
  const out = await call(env, `ListObjectsV2 ${bucket}`, () =>
    env.s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 })),
  );
  return (out.KeyCount ?? 0) === 0;
}

/**
 * The plan's own bucket: created and tagged, or adopted when it carries the plan's tags (or is an
 * empty untagged bucket of the plan-derived name: a crash between CreateBucket and tagging).
 */
export async function ensurePlanBucket(
  env: AwsEnvironment,
  bucket: string,
  planId: string,
  tags: Tag[],
): Promise<void> {
  if (await bucketExists(env, bucket)) {
    // Emptiness first, tags second: the plan's own steps tag the bucket before they write to it, so
    // objects seen by the listing imply tags seen by the read after it. The other order took a
    // bucket another table of the plan had just created, tagged and written (between the two reads)
    // for somebody else's: untagged and not empty.
    const empty = await isEmpty(env, bucket);
    let existing = await bucketTags(env, bucket);
    // S3 serves a bucket's configuration, its tags too, eventually consistently: a bucket with
    // objects and no tags is read again a few times before it is called somebody else's.
    for (let i = 0; i < TAG_READS && !empty && existing.length === 0; i++) {
      await new Promise((r) => setTimeout(r, TAG_READ_PAUSE_MS * (i + 1)));
      existing = await bucketTags(env, bucket);
    }
    if (isOwnedByPlan(existing, planId)) return;
    if (existing.length > 0 || !empty) {
      const owner = existing.find((t) => t.Key === TAG_PLAN_ID)?.Value;
      throw needsPersonFailure(
        'NameConflict',
        `S3 bucket ${bucket} exists but was not created by plan ${planId} (${
          owner ? `its ${TAG_PLAN_ID} tag names ${owner}` : `${existing.length} tags, none ${TAG_PLAN_ID}`
        }; ${empty ? 'empty' : 'not empty'})`,
      );
    }
  } else {
    const region = env.access.region;
    await call(env, `CreateBucket ${bucket}`, async () => {
      try {
        await env.s3.send(
          new CreateBucketCommand({
            Bucket: bucket,
            ...(region === 'us-east-1'
              ? {}
              : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
          }),
        );
      } catch (error) {
        if (awsErrorCode(error) !== 'BucketAlreadyOwnedByYou') throw error;
      }
    });
  }
  await call(env, `PutBucketTagging ${bucket}`, () =>
    env.s3.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: tags } })),
  );
}

/** Adds (once) a statement letting `principalArn` read `prefix` of the bucket: the cross-account share. */
export async function grantRead(
  env: AwsEnvironment,
  bucket: string,
  prefix: string,
  principalArn: string,
  sid: string,
): Promise<void> {
  const current = await callMaybe(env, `GetBucketPolicy ${bucket}`, () =>
    env.s3.send(new GetBucketPolicyCommand({ Bucket: bucket })),
  );
  const policy = current?.Policy
    ? (JSON.parse(current.Policy) as { Version: string; Statement: Array<{ Sid?: string }> })
    : { Version: '2012-10-17', Statement: [] };
  if (policy.Statement.some((s) => s.Sid === sid)) return;
  policy.Statement.push(
    {
      Sid: sid,
      Effect: 'Allow',
      Principal: { AWS: principalArn },
      Action: 's3:GetObject',
      Resource: `arn:aws:s3:::${bucket}/${prefix}/*`,
    } as never,
    {
      Sid: `${sid}List`,
      Effect: 'Allow',
      Principal: { AWS: principalArn },
      Action: 's3:ListBucket',
      Resource: `arn:aws:s3:::${bucket}`,
      Condition: { StringLike: { 's3:prefix': `${prefix}/*` } },
    } as never,
  );
  await call(env, `PutBucketPolicy ${bucket}`, () =>
    env.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify(policy) })),
  );
}

/**
 * Removes the statements `grantRead` added (a customer's bucket outlives the plan); gone already is
 * fine. Returns whether it removed any.
 */
export async function revokeRead(env: AwsEnvironment, bucket: string, sid: string): Promise<boolean> {
  const current = await callMaybe(env, `GetBucketPolicy ${bucket}`, () =>
    env.s3.send(new GetBucketPolicyCommand({ Bucket: bucket })),
  );
  if (!current?.Policy) return false;
  const policy = JSON.parse(current.Policy) as { Version: string; Statement: Array<{ Sid?: string }> };
  const kept = policy.Statement.filter((s) => s.Sid !== sid && s.Sid !== `${sid}List`);
  if (kept.length === policy.Statement.length) return false;
  if (kept.length === 0) {
    await call(env, `DeleteBucketPolicy ${bucket}`, () =>
      env.s3.send(new DeleteBucketPolicyCommand({ Bucket: bucket })),
    );
  } else {
    await call(env, `PutBucketPolicy ${bucket}`, () =>
      env.s3.send(
        new PutBucketPolicyCommand({
          Bucket: bucket,
          Policy: JSON.stringify({ ...policy, Statement: kept }),
        }),
      ),
    );
  }
  return true;
}

export async function listObjects(env: AwsEnvironment, bucket: string, prefix: string): Promise<_Object[]> {
  const objects: _Object[] = [];
  let ContinuationToken: string | undefined;
  do {
    const out = await call(env, `ListObjectsV2 ${bucket}/${prefix}`, () =>
      env.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken })),
    );
    objects.push(...(out.Contents ?? []));
    ContinuationToken = out.NextContinuationToken;
  } while (ContinuationToken);
  return objects;
}

/**
 * Deletes every object under `prefix`; returns how many. The plan's tables share its buckets and are
 * cleaned in parallel: a bucket another table's cleanup removed (once empty) has nothing left to delete.
 */
export async function deletePrefix(env: AwsEnvironment, bucket: string, prefix: string): Promise<number> {
  const objects: _Object[] = [];
  let ContinuationToken: string | undefined;
  do {
    const out = await callMaybe(env, `ListObjectsV2 ${bucket}/${prefix}`, () =>
      env.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken })),
    );
    if (!out) return 0; // gone with everything in it
    objects.push(...(out.Contents ?? []));
    ContinuationToken = out.NextContinuationToken;
  } while (ContinuationToken);
  for (let i = 0; i < objects.length; i += 1000) {
    const batch = objects.slice(i, i + 1000).map((o) => ({ Key: o.Key ?? '' }));
    await call(env, `DeleteObjects ${bucket}/${prefix}`, () =>
      env.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } })),
    );
  }
  return objects.length;
}

/**
 * Removes the plan's bucket (of its derived name) once nothing is left in it (other tables of the plan
 * may still use it); false when it is not empty, not the plan's, or already gone (another table's
 * cleanup removed it). An empty untagged one is the plan's too, as ensurePlanBucket adopts it: the
 * export step stopped between CreateBucket and PutBucketTagging (an abort, a crash).
 */
export async function deletePlanBucketIfEmpty(
  env: AwsEnvironment,
  bucket: string,
  planId: string,
): Promise<boolean> {
  const tags = await bucketTags(env, bucket);
  if (tags.length > 0 && !isOwnedByPlan(tags, planId)) return false;
  const listed = await callMaybe(env, `ListObjectsV2 ${bucket}`, () =>
    env.s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1 })),
  );
  if (!listed || (listed.KeyCount ?? 0) > 0) return false;
  const deleted = await callMaybe(
    env,
    `DeleteBucket ${bucket}`,
    () => env.s3.send(new DeleteBucketCommand({ Bucket: bucket })),
    MISSING,
  );
  return deleted !== undefined;
}
