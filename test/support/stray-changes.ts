import {
  DescribeTableCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { expect } from 'vitest';
import { TAG_PLAN_ID } from '../../src/domain/contract.js';

/**
 * What a person outside the plan does to its copies in primary, for the retry tests: a stray writer's
 * item in a table copy, an instance someone stops; read with the account's seeding key.
 */
/** An item like the copy's first one under a key no source item has. */
export async function strayItem(
  dynamodb: DynamoDBClient,
  table: string,
): Promise<Record<string, AttributeValue>> {
  const page = await dynamodb.send(new ScanCommand({ TableName: table, Limit: 1 }));
  const item = { ...(page.Items?.[0] ?? {}) };
  const described = await dynamodb.send(new DescribeTableCommand({ TableName: table }));
  const hashKey = described.Table?.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName ?? '';
  const value = item[hashKey];
  item[hashKey] = value?.N !== undefined ? { N: '987654321' } : { S: 'stray-writer' };
  return item;
}

export async function keyOf(
  dynamodb: DynamoDBClient,
  table: string,
  item: Record<string, AttributeValue>,
): Promise<Record<string, AttributeValue>> {
  const described = await dynamodb.send(new DescribeTableCommand({ TableName: table }));
  const names = (described.Table?.KeySchema ?? []).map((k) => k.AttributeName ?? '');
  return Object.fromEntries(names.map((n) => [n, item[n]!]));
}

/** The instance the plan launched in primary (its only one so far: the test copy). */
export async function planInstance(ec2: EC2Client, planId: string): Promise<string> {
  const out = await ec2.send(
    new DescribeInstancesCommand({ Filters: [{ Name: `tag:${TAG_PLAN_ID}`, Values: [planId] }] }),
  );
  const ids = (out.Reservations ?? []).flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId ?? '');
  expect(ids).toHaveLength(1);
  return ids[0]!;
}

export async function waitState(ec2: EC2Client, instanceId: string, state: string): Promise<void> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    if (out.Reservations?.[0]?.Instances?.[0]?.State?.Name === state) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${instanceId} not ${state} after 60 s`);
}
