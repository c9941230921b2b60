import {
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
  type ApplicationAutoScalingClient,
} from '@aws-sdk/client-application-auto-scaling';
import { beforeAll, describe, expect, it } from 'vitest';
import { testTargetName } from '../../../domain/naming.js';
import type { StepInput } from '../../../domain/resources.js';
import { createSeededTable, runStep } from '../../../../test/support/dynamodb.js';
import {
  ensurePlanRoles,
  inspectors,
  preparedPlan,
  resolved,
  topologies,
  unique,
} from '../../../../test/support/kinds.js';

/**
 * The abort matrix found that every test failback of a table with auto scaling left the test copy's
 * scalable targets (and policies) registered in primary: deleting a table does not deregister them.
 * The plan deregisters what it registered on its own copies before it deletes them, and conclude
 * recovery deregisters the recovery table's before it deletes that table.
 */
const [, crossAccount] = topologies('ap-south-1', 'ap-northeast-2');
const topology = crossAccount!;

async function policiesOf(client: ApplicationAutoScalingClient, table: string): Promise<string[]> {
  const out = await client.send(
    new DescribeScalingPoliciesCommand({ ServiceNamespace: 'dynamodb', ResourceId: `table/${table}` }),
  );
  return (out.ScalingPolicies ?? []).map((p) => p.PolicyName!);
}

async function targetsOf(client: ApplicationAutoScalingClient, table: string): Promise<string[]> {
  const out = await client.send(
    new DescribeScalableTargetsCommand({
      ServiceNamespace: 'dynamodb',
      ResourceIds: [`table/${table}`, `table/${table}/index/by-status`],
    }),
  );
  return (out.ScalableTargets ?? []).map((t) => `${t.ResourceId} ${t.ScalableDimension}`).sort();
}

describe('auto scaling of the plan’s own table copies', () => {
  beforeAll(() => ensurePlanRoles(topology));

  it('a removed test copy leaves no scalable target behind; the source keeps its own', async () => {
    const aws = inspectors(topology);
    const table = unique('orders');
    await createSeededTable(aws.recovery, table, 30, {
      gsi: true,
      extra: {
        BillingMode: 'PROVISIONED',
        ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
      },
    });
    for (const [ResourceId, ScalableDimension] of [
      [`table/${table}`, 'dynamodb:table:ReadCapacityUnits'],
      [`table/${table}/index/by-status`, 'dynamodb:index:ReadCapacityUnits'],
    ] as const)
      await aws.recovery.autoscaling.send(
        new RegisterScalableTargetCommand({
          ServiceNamespace: 'dynamodb',
          ResourceId,
          ScalableDimension,
          MinCapacity: 5,
          MaxCapacity: 50,
        }),
      );
    await aws.recovery.autoscaling.send(
      new PutScalingPolicyCommand({
        ServiceNamespace: 'dynamodb',
        ResourceId: `table/${table}`,
        ScalableDimension: 'dynamodb:table:ReadCapacityUnits',
        PolicyName: 'reads',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 70,
          PredefinedMetricSpecification: { PredefinedMetricType: 'DynamoDBReadCapacityUtilization' },
        },
      }),
    );
    const source = await targetsOf(aws.recovery.autoscaling, table);
    expect(source).toHaveLength(2);

    const plan = await preparedPlan(topology, unique('p'));
    const input: StepInput = {
      plan,
      phase: 'test-failback',
      resource: resolved('dynamodb-table', table, table),
    };
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
    await runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
    const testName = testTargetName(table, plan.planId, 'dynamodb-table');
    // The copy carries the source's auto scaling (issue 11's settings), so there is something to leave.
    expect(await targetsOf(aws.primary.autoscaling, testName)).toHaveLength(2);
    expect(await policiesOf(aws.primary.autoscaling, testName)).toEqual(['reads']);

    const cleanup = await runStep('removeTestCopy', input);
    expect(cleanup.removed.filter((r) => r.startsWith('scalable target'))).toHaveLength(2);
    expect(await targetsOf(aws.primary.autoscaling, testName)).toEqual([]);
    // Deregistering a target deletes its policies (as AWS documents; the emulator does it too).
    expect(await policiesOf(aws.primary.autoscaling, testName)).toEqual([]);
    expect(await policiesOf(aws.recovery.autoscaling, table)).toEqual(['reads']);
    expect(await targetsOf(aws.recovery.autoscaling, table)).toEqual(source);

    // Conclude recovery deletes the recovery table (after its final backup): its scalable targets and
    // policies go with it, not left registered for a table that is gone.
    const concluded = await runStep('concludeRecovery', { ...input, phase: 'conclude-recovery' });
    expect(concluded.removed.filter((r) => r.startsWith('scalable target'))).toHaveLength(2);
    // What they were is in the conclude report (review finding 7b: the final backup keeps none of it).
    for (const target of source)
      expect(concluded.removed).toContainEqual(expect.stringContaining(`${target} (min 5, max 50`));
    expect(await targetsOf(aws.recovery.autoscaling, table)).toEqual([]);
    expect(await policiesOf(aws.recovery.autoscaling, table)).toEqual([]);
  });
});
