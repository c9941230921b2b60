import type { PreflightFinding } from '../../../domain/resources.js';
import { testTargetName } from '../../../domain/naming.js';
import { tableArns, tableNames } from '../../../domain/table-names.js';
import type { KindContext, PreflightResult } from '../resource-kind.js';
import { chooseMethod } from './method.js';
import { exportBucketOf } from './names.js';
import { bucketExists } from './s3.js';
import { captureSettings } from './settings.js';
import { describeTable, taggedAsOurs } from './tables.js';

/** Read-only: source readable, method feasible, target and test names free or retirable. */
export async function preflightTable(ctx: KindContext): Promise<PreflightResult> {
  const findings: PreflightFinding[] = [];
  const resource = ctx.resource.key;
  const add = (severity: PreflightFinding['severity'], check: PreflightFinding['check'], message: string) =>
    findings.push({ resource, severity, check, message });

  const source = await describeTable(ctx.recovery, ctx.resource.source);
  if (!source) {
    add(
      'error',
      'exists',
      `table ${ctx.resource.source} does not exist in recovery (${ctx.plan.recovery.accountId} ${ctx.plan.recovery.region})`,
    );
    return { findings, primaryExists: false };
  }
  if (source.TableStatus !== 'ACTIVE') add('warning', 'exists', `source table is ${source.TableStatus}`);
  if (source.DeletionProtectionEnabled)
    add(
      'warning',
      'settings',
      `table ${ctx.resource.source} in recovery has deletion protection: concluding recovery deletes it (after a kept final backup) and will stop until you turn the protection off`,
    );
  const settings = await captureSettings(ctx.recovery, source);
  const { method, problem } = chooseMethod(ctx, settings);
  if (problem) add('error', 'settings', `copyMethod ${method}: ${problem}`);
  else if (ctx.crossAccount && method === 'scan-copy' && !ctx.resource.options?.copyMethod)
    add(
      'info',
      'settings',
      `copied by parallel scan: ${settings.lsis.length ? 'the table has local secondary indexes' : 'point-in-time recovery is off on the source'}`,
    );
  const exportBuckets: string[] = [];
  if (method === 'export-import') {
    const { bucket, derived } = exportBucketOf(ctx);
    if (!derived && !(await bucketExists(ctx.recovery, bucket)))
      add('error', 'exists', `export bucket ${bucket} is not reachable in recovery`);
    // ImportTable reads the export where it is, as primary's access role: granted this bucket's plan prefix.
    exportBuckets.push(bucket);
  }

  const target = await describeTable(ctx.primary, ctx.resource.target);
  if (target?.DeletionProtectionEnabled)
    add(
      'warning',
      'settings',
      `primary table ${ctx.resource.target} has deletion protection: turn it off before the failback replaces it (after a kept backup)`,
    );
  if (
    target &&
    settings.keySchema.map((k) => k.AttributeName).join() !==
      (target.KeySchema ?? []).map((k) => k.AttributeName).join()
  )
    add(
      'warning',
      'settings',
      `primary table ${ctx.resource.target} has another key schema than the source: it will be replaced by the source's`,
    );
  const testName = testTargetName(ctx.resource.target, ctx.plan.planId, ctx.resource.kind);
  const testTable = await describeTable(ctx.primary, testName);
  if (testTable && !(await taggedAsOurs(ctx, testTable, 'test-failback')))
    add('error', 'name-conflict', `table ${testName} exists in primary and was not made by this plan`);

  return {
    findings,
    primaryExists: Boolean(target),
    // The tables it creates, writes and deletes in primary, by name (decision 0046).
    grants: {
      exportBuckets,
      dynamoDbTableArns: tableArns(
        tableNames(ctx.resource.target, ctx.plan.planId),
        ctx.plan.primary.accountId,
        ctx.plan.primary.region,
      ),
    },
    sourceDetails: {
      method,
      itemCount: source.ItemCount ?? 0,
      sizeBytes: source.TableSizeBytes ?? 0,
      billingMode: settings.billingMode,
      globalIndexes: settings.gsis.length,
      localIndexes: settings.lsis.length,
      pitr: settings.pitr,
    },
  };
}
