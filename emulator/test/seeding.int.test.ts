import { CreateTableCommand, DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import { awsEnvironment } from '../../src/activities/aws/clients.js';
import {
  asAccount,
  ensureRole,
  orchestratorTrustPolicy,
  waitForTableActive,
} from '../../test/support/aws.js';
import { ORCHESTRATOR_ACCOUNT, ORCHESTRATOR_ARN, seedingKey } from '../client.js';
import { aws, freshAccount } from './support.js';

// Seeding: tests and demos act as any account through its seeding key (AKIASEED<account id>) to
// prepare the primary and recovery environments; the product reaches them only through roles.
describe('seeding access', () => {
  const primary = freshAccount();
  const recovery = freshAccount();

  it('a seeding key acts as the root of its account; unknown keys are the orchestrator', async () => {
    expect(seedingKey(primary)).toBe(`AKIASEED${primary}`);
    const seeded = await aws(primary, 'us-east-1').sts.send(new GetCallerIdentityCommand({}));
    expect(seeded).toMatchObject({ Account: primary, Arn: `arn:aws:iam::${primary}:root` });
    const orchestrator = await aws(undefined, 'us-east-1').sts.send(new GetCallerIdentityCommand({}));
    expect(orchestrator).toMatchObject({ Account: ORCHESTRATOR_ACCOUNT, Arn: ORCHESTRATOR_ARN });
  });

  it('asAccount seeds tables and instances in the primary and recovery accounts, kept apart', async () => {
    const inRecovery = asAccount(recovery, 'us-west-2');
    const inPrimary = asAccount(primary, 'us-east-1');
    await inRecovery.dynamodb.send(
      new CreateTableCommand({
        TableName: 'orders',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await waitForTableActive(inRecovery.dynamodb, 'orders');
    const { Instances } = await inPrimary.ec2.send(
      new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1 }),
    );
    const table = await inRecovery.dynamodb.send(new DescribeTableCommand({ TableName: 'orders' }));
    expect(table.Table?.TableArn).toBe(`arn:aws:dynamodb:us-west-2:${recovery}:table/orders`);
    expect(
      (await asAccount(primary, 'us-west-2').dynamodb.send(new ListTablesCommand({}))).TableNames,
    ).toEqual([]);
    const reservations = await inPrimary.ec2.send(
      new DescribeInstancesCommand({ InstanceIds: [Instances![0]!.InstanceId!] }),
    );
    expect(reservations.Reservations?.[0]?.OwnerId).toBe(primary);
  });

  it('a seeded role lets the product (default keys) in through AssumeRole; asAccount can use it too', async () => {
    const roleArn = await ensureRole(primary, 'failback-access', orchestratorTrustPolicy('ext-7'));
    const product = awsEnvironment({ accountId: primary, region: 'us-east-1', roleArn, externalId: 'ext-7' });
    const identity = await product.sts.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe(`arn:aws:sts::${primary}:assumed-role/failback-access/failback-orchestrator`);

    const rootTrust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: primary }, Action: 'sts:AssumeRole' }],
    });
    await ensureRole(primary, 'failback-test-admin', rootTrust);
    const admin = await asAccount(primary, 'us-east-1', 'failback-test-admin').sts.send(
      new GetCallerIdentityCommand({}),
    );
    expect(admin.Arn).toBe(`arn:aws:sts::${primary}:assumed-role/failback-test-admin/failback-tests`);
  });
});
