import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { safeName } from '../../../domain/naming.js';
import type { KindContext } from '../resource-kind.js';
import { runCode } from '../shared/names.js';
import { call, callMaybe } from './calls.js';
import { exportBucketOf, planExportPrefix } from './names.js';
import { deletePlanBucketIfEmpty, ensurePlanBucket } from './s3.js';
import type { TableSettings } from './settings.js';

/**
 * The settings of the old primary table the failback replaces, kept where compensation can read them
 * whatever happened to the activity that captured them (item 11): a JSON object in the plan's bucket
 * in recovery (the export bucket: the plan's own, or the customer's under `failback/<plan>/`), written
 * before the old table is deleted, read back by compensation, removed once the plan is over. Heartbeat
 * details die with the activity; a retirement record reaches the workflow only if the activity ends.
 */
function location(ctx: KindContext): { bucket: string; key: string; derived: boolean } {
  const { bucket, derived } = exportBucketOf(ctx);
  const run = runCode(ctx) || 'run';
  return {
    bucket,
    derived,
    key: `${planExportPrefix(ctx.plan.planId)}/retired/${run}/${safeName(ctx.resource.target)}.json`,
  };
}

export async function saveRetiredSettings(ctx: KindContext, settings: TableSettings): Promise<void> {
  const { bucket, key, derived } = location(ctx);
  const env = ctx.recovery;
  if (derived) await ensurePlanBucket(env, bucket, ctx.plan.planId, ctx.tags());
  await call(env, `PutObject s3://${bucket}/${key}`, () =>
    env.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: JSON.stringify(settings),
        ContentType: 'application/json',
      }),
    ),
  );
}

export async function loadRetiredSettings(ctx: KindContext): Promise<TableSettings | undefined> {
  const { bucket, key } = location(ctx);
  const env = ctx.recovery;
  const out = await callMaybe(env, `GetObject s3://${bucket}/${key}`, () =>
    env.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })),
  );
  const body = await out?.Body?.transformToString();
  return body ? (JSON.parse(body) as TableSettings) : undefined;
}

/** Once the plan no longer needs them (compensated, or completed): gone, and the bucket if empty. */
export async function forgetRetiredSettings(ctx: KindContext): Promise<boolean> {
  const { bucket, key, derived } = location(ctx);
  const env = ctx.recovery;
  const existed = (await loadRetiredSettings(ctx)) !== undefined;
  if (existed)
    await callMaybe(env, `DeleteObject s3://${bucket}/${key}`, () =>
      env.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })),
    );
  if (derived) await deletePlanBucketIfEmpty(env, bucket, ctx.plan.planId);
  return existed;
}
