import {
  DescribeExportCommand,
  DescribeImportCommand,
  ExportTableToPointInTimeCommand,
  ImportTableCommand,
  ListExportsCommand,
  type ExportDescription,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import type { RecoveryPoint, PrimaryCopy } from '../../../domain/resources.js';
import type { AwsEnvironment } from '../../aws/clients.js';
import { expectedMs } from '../../aws/durations.js';
import { needsPersonFailure } from '../../aws/errors.js';
import { pollUntil, WaitFailed } from '../../aws/polling.js';
import type { KindContext } from '../resource-kind.js';
import { heartbeat, previousHeartbeat, remember, stickyDetails } from '../../aws/heartbeat.js';
import { runToken } from '../shared/names.js';
import { call } from './calls.js';
import { exportBucketOf, exportPrefix, planExportPrefix, readGrantSid } from './names.js';
import { ensurePlanBucket, grantRead, listObjects } from './s3.js';
import { failed, runImportsOf } from './recognise.js';
import type { TableSettings } from './settings.js';

async function exportsOf(env: AwsEnvironment, tableArn: string): Promise<ExportDescription[]> {
  const found: ExportDescription[] = [];
  let NextToken: string | undefined;
  do {
    const out = await call(env, `ListExports ${tableArn}`, () =>
      env.dynamodb.send(new ListExportsCommand({ TableArn: tableArn, NextToken })),
    );
    for (const summary of out.ExportSummaries ?? []) {
      const d = await call(env, `DescribeExport ${summary.ExportArn}`, () =>
        env.dynamodb.send(new DescribeExportCommand({ ExportArn: summary.ExportArn })),
      );
      if (d.ExportDescription) found.push(d.ExportDescription);
    }
    NextToken = out.NextToken;
  } while (NextToken);
  return found;
}

/**
 * ExportTableToPointInTime into the export bucket (recovery), found again by bucket and prefix on a
 * retry. A failed export is not retried in place: the next attempt writes under a fresh sub-prefix.
 */
export async function exportTable(ctx: KindContext, source: TableDescription): Promise<RecoveryPoint> {
  const env = ctx.recovery;
  const { bucket, derived } = exportBucketOf(ctx);
  if (derived) await ensurePlanBucket(env, bucket, ctx.plan.planId, ctx.tags());
  const base = exportPrefix(ctx);
  if (ctx.crossAccount) {
    // Primary's role imports straight from this bucket (a customer's bucket too): read access to the
    // plan's prefix, one statement for all its tables and phases.
    await grantRead(
      env,
      bucket,
      planExportPrefix(ctx.plan.planId),
      ctx.plan.primary.roleArn,
      readGrantSid(ctx),
    );
  }
  const ours = (await exportsOf(env, source.TableArn ?? '')).filter(
    (e) => e.S3Bucket === bucket && e.S3Prefix?.startsWith(`${base}/x`),
  );
  let current = ours.find((e) => e.ExportStatus !== 'FAILED');
  if (!current) {
    const prefix = `${base}/x${ours.length}`;
    const out = await call(
      env,
      `ExportTableToPointInTime ${source.TableName} to s3://${bucket}/${prefix}`,
      () =>
        env.dynamodb.send(
          new ExportTableToPointInTimeCommand({
            TableArn: source.TableArn,
            S3Bucket: bucket,
            S3BucketOwner: ctx.plan.recovery.accountId,
            S3Prefix: prefix,
            ExportFormat: 'DYNAMODB_JSON',
            ClientToken: runToken(ctx, `export-x${ours.length}`),
          }),
        ),
    );
    current = out.ExportDescription;
  }
  const exportArn = current?.ExportArn ?? '';
  const done = await pollUntil(
    `export of ${source.TableName}`,
    async () => {
      const d = await call(env, `DescribeExport ${exportArn}`, () =>
        env.dynamodb.send(new DescribeExportCommand({ ExportArn: exportArn })),
      );
      const e = d.ExportDescription;
      return {
        done: e?.ExportStatus === 'COMPLETED',
        value: e,
        state: e?.ExportStatus,
        ...(e?.ExportStatus === 'FAILED'
          ? { failed: `${e.FailureCode ?? ''} ${e.FailureMessage ?? ''}` }
          : {}),
      };
    },
    { expectedMs: expectedMs('dynamodb:export'), details: stickyDetails() },
  ).catch((error: unknown) => {
    throw needsPersonFailure(
      'InvalidParameter',
      `export of ${source.TableName} to s3://${bucket} failed (${String(error)}): check the bucket's policy and KMS key; retry starts a new export`,
    );
  });
  const capturedAt = (done?.ExportTime ?? done?.StartTime ?? new Date()).toISOString();
  return {
    id: exportArn,
    arn: exportArn,
    capturedAt,
    ...(ctx.crossAccount ? { sharedWith: ctx.plan.primary.accountId } : {}),
    details: {
      method: 'export-import',
      bucket,
      prefix: done?.S3Prefix ?? '',
      itemCount: done?.ItemCount ?? 0,
    },
  };
}

/**
 * Makes the export usable from primary without copying it: ImportTable reads a bucket of another
 * account and region directly (DynamoDB Developer Guide, S3DataImport.HowItWorks), through the
 * bucket's policy (exportTable granted primary's role read on the export's prefix). Lists the data
 * files as primary's role to prove that access, and returns where the import reads.
 */
export async function copyExport(ctx: KindContext, rp: RecoveryPoint): Promise<PrimaryCopy> {
  const bucket = String(rp.details?.bucket ?? '');
  const prefix = String(rp.details?.prefix ?? '');
  // Only data files: manifests and the summary are not DynamoDB JSON and would fail the import.
  const files = (await listObjects(ctx.primary, bucket, `${prefix}/AWSDynamoDB/`)).filter((o) =>
    /\/data\/[^/]+$/.test(o.Key ?? ''),
  );
  const dataPrefixes = new Set(files.map((f) => (f.Key ?? '').replace(/[^/]+$/, '')));
  if (files.length === 0 || dataPrefixes.size !== 1)
    throw needsPersonFailure(
      'NotFound',
      `export ${rp.id} has ${files.length} data file(s) under s3://${bucket}/${prefix}/AWSDynamoDB/ ` +
        `in ${dataPrefixes.size} folder(s): expected one export's data; retry starts a new export`,
    );
  const dataPrefix = [...dataPrefixes][0]!;
  heartbeat({ files: files.length });
  return {
    id: `s3://${bucket}/${dataPrefix}`,
    region: ctx.plan.recovery.region,
    details: {
      method: 'export-import',
      bucket,
      prefix: dataPrefix,
      owner: ctx.plan.recovery.accountId,
      files: files.length,
    },
  };
}

interface ImportProgress {
  importArn?: string;
  importTable?: string;
}

export function tableArnOf(ctx: KindContext, name: string): string {
  return `arn:aws:dynamodb:${ctx.plan.primary.region}:${ctx.plan.primary.accountId}:table/${name}`;
}

/**
 * The import to wait for, or the token of the next one. ImportTable's ClientToken answers the same
 * import for 8 hours, a failed one too (item 13): the run's imports into `name` (ListImports, found by
 * the export they read) decide — one not failed is adopted, else the token moves to the next
 * generation, one per failed import, so every attempt derives the same token.
 */
async function nextImport(ctx: KindContext, name: string): Promise<{ importArn?: string; token: string }> {
  const previous = previousHeartbeat<ImportProgress>();
  const earlier = await runImportsOf(ctx, tableArnOf(ctx, name));
  const live = earlier.find((i) => !failed(i));
  if (live?.ImportArn) return { importArn: live.ImportArn, token: '' };
  if (
    previous?.importArn &&
    previous.importTable === name &&
    !earlier.some((i) => i.ImportArn === previous.importArn)
  )
    return { importArn: previous.importArn, token: '' }; // not listed yet: the attempt before this one made it
  const generation = earlier.filter(failed).length;
  return { token: runToken(ctx, generation === 0 ? 'import' : `import${generation}`, name) };
}

/** ImportTable (creates the table with the source's keys, GSIs and billing mode) and waits for it. */
export async function importTable(
  ctx: KindContext,
  name: string,
  copy: PrimaryCopy,
  settings: TableSettings,
  existingImportArn?: string,
): Promise<void> {
  const env = ctx.primary;
  const kms = ctx.plan.primary.kmsKeyId;
  const next = existingImportArn ? { importArn: existingImportArn, token: '' } : await nextImport(ctx, name);
  const importArn =
    next.importArn ??
    (await call(env, `ImportTable ${name}`, async () => {
      const out = await env.dynamodb.send(
        new ImportTableCommand({
          ClientToken: next.token,
          S3BucketSource: {
            S3Bucket: String(copy.details?.bucket),
            S3KeyPrefix: String(copy.details?.prefix),
            // The export's bucket in recovery's account (copies made before: primary's own bucket).
            ...(copy.details?.owner ? { S3BucketOwner: String(copy.details.owner) } : {}),
          },
          InputFormat: 'DYNAMODB_JSON',
          InputCompressionType: 'GZIP',
          TableCreationParameters: {
            TableName: name,
            KeySchema: settings.keySchema,
            AttributeDefinitions: settings.attributeDefinitions,
            BillingMode: settings.billingMode,
            ...(settings.provisioned
              ? {
                  ProvisionedThroughput: {
                    ReadCapacityUnits: settings.provisioned.read,
                    WriteCapacityUnits: settings.provisioned.write,
                  },
                }
              : {}),
            ...(settings.gsis.length
              ? {
                  GlobalSecondaryIndexes: settings.gsis.map((g) => ({
                    IndexName: g.name,
                    KeySchema: g.keySchema,
                    Projection: g.projection,
                    ...(g.provisioned
                      ? {
                          ProvisionedThroughput: {
                            ReadCapacityUnits: g.provisioned.read,
                            WriteCapacityUnits: g.provisioned.write,
                          },
                        }
                      : {}),
                  })),
                }
              : {}),
            ...(kms ? { SSESpecification: { Enabled: true, SSEType: 'KMS', KMSMasterKeyId: kms } } : {}),
          },
        }),
      );
      return out.ImportTableDescription?.ImportArn ?? '';
    }));
  remember({ importArn, importTable: name });
  await pollUntil(
    `import into ${name}`,
    async () => {
      const d = await call(env, `DescribeImport ${importArn}`, () =>
        env.dynamodb.send(new DescribeImportCommand({ ImportArn: importArn })),
      );
      const i = d.ImportTableDescription;
      return {
        done: i?.ImportStatus === 'COMPLETED',
        state: i?.ImportStatus,
        ...(i?.ImportStatus === 'FAILED' || i?.ImportStatus === 'CANCELLED'
          ? { failed: `${i.FailureCode ?? ''} ${i.FailureMessage ?? ''} (${i.ErrorCount ?? 0} item errors)` }
          : {}),
      };
    },
    { expectedMs: expectedMs('dynamodb:import'), details: stickyDetails() },
  ).catch((error: unknown) => {
    // Only the import's own failure is the person's; a cancellation (an abort) must stay one.
    if (!(error instanceof WaitFailed)) throw error;
    throw needsPersonFailure(
      'InvalidParameter',
      `ImportTable into ${name} failed: ${String(error)}; fix the cause (the bucket's policy, the files): a retry removes what the import left and imports again under a new token`,
    );
  });
}
