import {
  DeleteTableCommand,
  DescribeTableCommand,
  ListTagsOfResourceCommand,
  TagResourceCommand,
  type TableDescription,
  type Tag,
} from '@aws-sdk/client-dynamodb';
import type { AwsEnvironment } from '../../aws/clients.js';
import { expectedMs } from '../../aws/durations.js';
import { pollUntil } from '../../aws/polling.js';
import type { KindContext } from '../resource-kind.js';
import { isOurs } from '../shared/markers.js';
import { stickyDetails } from '../../aws/heartbeat.js';
import { call, callMaybe } from './calls.js';

export async function describeTable(
  env: AwsEnvironment,
  name: string,
): Promise<TableDescription | undefined> {
  const out = await callMaybe(env, `DescribeTable ${name}`, () =>
    env.dynamodb.send(new DescribeTableCommand({ TableName: name })),
  );
  return out?.Table;
}

export async function tableTags(env: AwsEnvironment, arn: string): Promise<Tag[]> {
  const tags: Tag[] = [];
  let NextToken: string | undefined;
  do {
    const out = await call(env, `ListTagsOfResource ${arn}`, () =>
      env.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: arn, NextToken })),
    );
    tags.push(...(out.Tags ?? []));
    // A token that does not move would page forever: stop rather than hang the activity.
    NextToken = out.NextToken && out.NextToken !== NextToken ? out.NextToken : undefined;
  } while (NextToken);
  return tags;
}

export async function tagTable(env: AwsEnvironment, arn: string, tags: Tag[]): Promise<void> {
  if (tags.length === 0) return;
  // TagResource takes at most 50 tags a call.
  for (let i = 0; i < tags.length; i += 50) {
    await call(env, `TagResource ${arn}`, () =>
      env.dynamodb.send(new TagResourceCommand({ ResourceArn: arn, Tags: tags.slice(i, i + 50) })),
    );
  }
}

/** Whether the table in primary carries this plan run's tags for this resource (and phase). */
export async function taggedAsOurs(
  ctx: KindContext,
  table: TableDescription,
  phase: string = ctx.input.phase,
): Promise<boolean> {
  return isOurs(await tableTags(ctx.primary, table.TableArn ?? ''), ctx, phase);
}

const ready = (t: TableDescription) =>
  t.TableStatus === 'ACTIVE' && (t.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');

/** Waits until the table and its indexes are ACTIVE (restores and imports take minutes to hours). */
export async function waitTableActive(
  env: AwsEnvironment,
  name: string,
  operation: Parameters<typeof expectedMs>[0],
  details?: Record<string, unknown>,
): Promise<TableDescription> {
  return pollUntil(
    `table ${name} ACTIVE`,
    async () => {
      const table = await describeTable(env, name);
      if (!table) return { done: false, state: 'NOT_YET_VISIBLE' };
      if (table.TableStatus === 'INACCESSIBLE_ENCRYPTION_CREDENTIALS')
        return { done: false, failed: 'the table lost access to its KMS key' };
      return { done: ready(table), value: table, state: table.TableStatus };
    },
    { expectedMs: expectedMs(operation), details: { ...stickyDetails(), ...details } },
  );
}

export async function waitTableGone(env: AwsEnvironment, name: string): Promise<void> {
  await pollUntil(
    `table ${name} deleted`,
    async () => {
      const table = await describeTable(env, name);
      return { done: !table, state: table?.TableStatus ?? 'DELETED' };
    },
    { expectedMs: expectedMs('dynamodb:delete-table'), details: stickyDetails() },
  );
}

/** Deletes a table (already checked to be deletable by the caller) and waits until it is gone. */
export async function deleteTable(env: AwsEnvironment, name: string): Promise<void> {
  const table = await describeTable(env, name);
  if (!table) return;
  if (table.TableStatus !== 'DELETING') {
    if (table.TableStatus !== 'ACTIVE') await waitTableActive(env, name, 'dynamodb:create-table');
    await callMaybe(env, `DeleteTable ${name}`, () =>
      env.dynamodb.send(new DeleteTableCommand({ TableName: name })),
    );
  }
  await waitTableGone(env, name);
}
