import {
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  type ScalableDimension,
  type StepScalingPolicyConfiguration,
  type TargetTrackingScalingPolicyConfiguration,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DescribeContinuousBackupsCommand,
  DescribeTimeToLiveCommand,
  UpdateContinuousBackupsCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type BillingMode,
  type KeySchemaElement,
  type Projection,
  type TableDescription,
  type Tag,
} from '@aws-sdk/client-dynamodb';
import type { AwsEnvironment } from '../../aws/clients.js';
import { call } from './calls.js';
import { tableTags, tagTable, waitTableActive } from './tables.js';

interface IndexSettings {
  name: string;
  keySchema: KeySchemaElement[];
  projection: Projection;
  provisioned?: { read: number; write: number };
}

interface ScalingSettings {
  /** '' for the table, else the index name */
  index: string;
  dimension: ScalableDimension;
  min: number;
  max: number;
  policies: Array<{
    name: string;
    type: 'TargetTrackingScaling' | 'StepScaling';
    targetTracking?: TargetTrackingScalingPolicyConfiguration;
    step?: StepScalingPolicyConfiguration;
  }>;
}

/** What a table is, beyond its items: what restores and imports drop and the plan re-applies. */
export interface TableSettings {
  keySchema: KeySchemaElement[];
  attributeDefinitions: AttributeDefinition[];
  billingMode: BillingMode;
  provisioned?: { read: number; write: number };
  gsis: IndexSettings[];
  lsis: Array<Omit<IndexSettings, 'provisioned'>>;
  streamViewType?: string;
  ttlAttribute?: string;
  pitr: boolean;
  deletionProtection: boolean;
  tableClass?: string;
  /** The table's own tags (aws:* are AWS's; a source's failback:* markers are this plan's, not copied) */
  tags: Tag[];
  autoscaling: ScalingSettings[];
}

const throughput = (p?: { ReadCapacityUnits?: number; WriteCapacityUnits?: number }) =>
  p?.ReadCapacityUnits ? { read: p.ReadCapacityUnits, write: p.WriteCapacityUnits ?? 1 } : undefined;

/**
 * Reads every setting of a table: the source in recovery (its failback:* markers are this plan's and
 * stay behind), or the old primary table before retiring it (`everyTag`: it comes back with all of
 * its tags, an earlier plan's provenance included).
 */
export async function captureSettings(
  env: AwsEnvironment,
  table: TableDescription,
  options: { everyTag?: boolean } = {},
): Promise<TableSettings> {
  const name = table.TableName ?? '';
  const [ttl, backups, tags, autoscaling] = await Promise.all([
    call(env, `DescribeTimeToLive ${name}`, () =>
      env.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: name })),
    ),
    call(env, `DescribeContinuousBackups ${name}`, () =>
      env.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: name })),
    ),
    tableTags(env, table.TableArn ?? ''),
    captureAutoscaling(env, table),
  ]);
  const ttlOn = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  const billingMode: BillingMode = table.BillingModeSummary?.BillingMode ?? 'PROVISIONED';
  const provisioned = billingMode === 'PROVISIONED' ? throughput(table.ProvisionedThroughput) : undefined;
  return {
    keySchema: table.KeySchema ?? [],
    attributeDefinitions: table.AttributeDefinitions ?? [],
    billingMode,
    ...(provisioned ? { provisioned } : {}),
    gsis: (table.GlobalSecondaryIndexes ?? []).map((g) => {
      const p = billingMode === 'PROVISIONED' ? throughput(g.ProvisionedThroughput) : undefined;
      return {
        name: g.IndexName ?? '',
        keySchema: g.KeySchema ?? [],
        projection: g.Projection ?? { ProjectionType: 'ALL' },
        ...(p ? { provisioned: p } : {}),
      };
    }),
    lsis: (table.LocalSecondaryIndexes ?? []).map((l) => ({
      name: l.IndexName ?? '',
      keySchema: l.KeySchema ?? [],
      projection: l.Projection ?? { ProjectionType: 'ALL' },
    })),
    ...(table.StreamSpecification?.StreamEnabled
      ? { streamViewType: table.StreamSpecification.StreamViewType ?? 'NEW_AND_OLD_IMAGES' }
      : {}),
    ...(ttlOn === 'ENABLED' || ttlOn === 'ENABLING'
      ? { ttlAttribute: ttl.TimeToLiveDescription?.AttributeName ?? '' }
      : {}),
    pitr:
      backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus ===
      'ENABLED',
    deletionProtection: table.DeletionProtectionEnabled ?? false,
    ...(table.TableClassSummary?.TableClass ? { tableClass: table.TableClassSummary.TableClass } : {}),
    tags: tags.filter(
      (t) => !t.Key?.startsWith('aws:') && (options.everyTag || !t.Key?.startsWith('failback:')),
    ),
    autoscaling,
  };
}

const resourceId = (table: string, index: string) =>
  index ? `table/${table}/index/${index}` : `table/${table}`;

/**
 * Before the plan deletes a table it made: its Application Auto Scaling targets (and with them their
 * policies). Deleting a table leaves them registered, and a later table of that name would inherit
 * them; the test copy's targets were left behind by every test failback (the abort matrix found it).
 */
export async function deregisterAutoscaling(env: AwsEnvironment, table: TableDescription): Promise<string[]> {
  const name = table.TableName ?? '';
  const ids = ['', ...(table.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName ?? '')].map((i) =>
    resourceId(name, i),
  );
  const targets = await call(env, `DescribeScalableTargets ${name}`, () =>
    env.autoscaling.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'dynamodb', ResourceIds: ids }),
    ),
  );
  const removed: string[] = [];
  for (const t of targets.ScalableTargets ?? []) {
    await call(env, `DeregisterScalableTarget ${t.ResourceId} ${t.ScalableDimension}`, () =>
      env.autoscaling.send(
        new DeregisterScalableTargetCommand({
          ServiceNamespace: 'dynamodb',
          ResourceId: t.ResourceId,
          ScalableDimension: t.ScalableDimension,
        }),
      ),
    );
    // The report is where these settings survive: a restore from the final backup takes none of them.
    removed.push(
      `scalable target ${t.ResourceId} ${t.ScalableDimension} (min ${t.MinCapacity}, max ${t.MaxCapacity}: ` +
        'register it again for a table restored from the final backup)',
    );
  }
  return removed;
}

async function captureAutoscaling(env: AwsEnvironment, table: TableDescription): Promise<ScalingSettings[]> {
  if (table.BillingModeSummary?.BillingMode === 'PAY_PER_REQUEST') return [];
  const name = table.TableName ?? '';
  const indexes = ['', ...(table.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName ?? '')];
  const ids = indexes.map((i) => resourceId(name, i));
  const targets = await call(env, `DescribeScalableTargets ${name}`, () =>
    env.autoscaling.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'dynamodb', ResourceIds: ids }),
    ),
  );
  if (!targets.ScalableTargets?.length) return [];
  const result: ScalingSettings[] = [];
  for (const t of targets.ScalableTargets) {
    const policies = await call(env, `DescribeScalingPolicies ${t.ResourceId}`, () =>
      env.autoscaling.send(
        new DescribeScalingPoliciesCommand({
          ServiceNamespace: 'dynamodb',
          ResourceId: t.ResourceId,
          ScalableDimension: t.ScalableDimension,
        }),
      ),
    );
    result.push({
      index: indexes[ids.indexOf(t.ResourceId ?? '')] ?? '',
      dimension: t.ScalableDimension as ScalableDimension,
      min: t.MinCapacity ?? 1,
      max: t.MaxCapacity ?? 1,
      policies: (policies.ScalingPolicies ?? []).map((p) => ({
        name: p.PolicyName ?? '',
        type: p.PolicyType === 'StepScaling' ? ('StepScaling' as const) : ('TargetTrackingScaling' as const),
        ...(p.TargetTrackingScalingPolicyConfiguration
          ? { targetTracking: p.TargetTrackingScalingPolicyConfiguration }
          : {}),
        ...(p.StepScalingPolicyConfiguration ? { step: p.StepScalingPolicyConfiguration } : {}),
      })),
    });
  }
  return result;
}

export interface ApplyOptions {
  /** Tags for the plan (failback:*) added to the table's own. */
  planTags: Tag[];
  /** Test copies get no deletion protection (the plan removes them). */
  deletionProtection: boolean;
}

/**
 * Re-applies what a restore or import drops (DynamoDB keeps none of these on a restored table): tags,
 * TTL, PITR, streams, table class, auto scaling, deletion protection. Each step compares first, so a
 * retry repeats nothing.
 */
export async function applySettings(
  env: AwsEnvironment,
  table: TableDescription,
  settings: TableSettings,
  options: ApplyOptions,
): Promise<void> {
  const name = table.TableName ?? '';
  await tagTable(env, table.TableArn ?? '', [...settings.tags, ...options.planTags]);

  if (settings.ttlAttribute) {
    const ttl = await call(env, `DescribeTimeToLive ${name}`, () =>
      env.dynamodb.send(new DescribeTimeToLiveCommand({ TableName: name })),
    );
    const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
    if (status !== 'ENABLED' && status !== 'ENABLING') {
      await call(env, `UpdateTimeToLive ${name}`, () =>
        env.dynamodb.send(
          new UpdateTimeToLiveCommand({
            TableName: name,
            TimeToLiveSpecification: { AttributeName: settings.ttlAttribute, Enabled: true },
          }),
        ),
      );
    }
  }

  if (settings.pitr) {
    const backups = await call(env, `DescribeContinuousBackups ${name}`, () =>
      env.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: name })),
    );
    if (
      backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus !==
      'ENABLED'
    ) {
      await call(env, `UpdateContinuousBackups ${name}`, () =>
        env.dynamodb.send(
          new UpdateContinuousBackupsCommand({
            TableName: name,
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          }),
        ),
      );
    }
  }

  if (settings.streamViewType && !table.StreamSpecification?.StreamEnabled) {
    await updateTable(env, name, {
      StreamSpecification: {
        StreamEnabled: true,
        StreamViewType: settings.streamViewType as 'NEW_AND_OLD_IMAGES',
      },
    });
  }
  if (
    settings.tableClass &&
    table.TableClassSummary?.TableClass &&
    settings.tableClass !== table.TableClassSummary.TableClass
  ) {
    await updateTable(env, name, { TableClass: settings.tableClass as 'STANDARD' });
  }
  await applyAutoscaling(env, name, settings.autoscaling);
  if (options.deletionProtection && settings.deletionProtection && !table.DeletionProtectionEnabled) {
    await updateTable(env, name, { DeletionProtectionEnabled: true });
  }
}

async function updateTable(
  env: AwsEnvironment,
  name: string,
  change: Omit<ConstructorParameters<typeof UpdateTableCommand>[0], 'TableName'>,
): Promise<void> {
  await call(env, `UpdateTable ${name} (${Object.keys(change).join(', ')})`, () =>
    env.dynamodb.send(new UpdateTableCommand({ TableName: name, ...change })),
  );
  await waitTableActive(env, name, 'dynamodb:create-table');
}

async function applyAutoscaling(
  env: AwsEnvironment,
  table: string,
  scaling: ScalingSettings[],
): Promise<void> {
  for (const target of scaling) {
    const ResourceId = resourceId(table, target.index);
    // RegisterScalableTarget and PutScalingPolicy are upserts: repeating them is harmless.
    await call(env, `RegisterScalableTarget ${ResourceId}`, () =>
      env.autoscaling.send(
        new RegisterScalableTargetCommand({
          ServiceNamespace: 'dynamodb',
          ResourceId,
          ScalableDimension: target.dimension,
          MinCapacity: target.min,
          MaxCapacity: target.max,
        }),
      ),
    );
    for (const policy of target.policies) {
      await call(env, `PutScalingPolicy ${policy.name} on ${ResourceId}`, () =>
        env.autoscaling.send(
          new PutScalingPolicyCommand({
            ServiceNamespace: 'dynamodb',
            ResourceId,
            ScalableDimension: target.dimension,
            PolicyName: policy.name,
            PolicyType: policy.type,
            ...(policy.targetTracking
              ? { TargetTrackingScalingPolicyConfiguration: policy.targetTracking }
              : {}),
            ...(policy.step ? { StepScalingPolicyConfiguration: policy.step } : {}),
          }),
        ),
      );
    }
  }
}
