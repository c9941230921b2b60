import { CreateTableCommand, DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { aws, failure, freshAccount, sharedAdmin } from './support.js';

// The admin API on the shared emulator, scoped to this file's accounts.
const admin = sharedAdmin();

describe('admin API', () => {
  it('counts API calls per operation and per account, and resets the counts', async () => {
    const account = freshAccount();
    const { ec2, dynamodb } = aws(account, 'eu-west-1');
    await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1 }));
    for (let i = 0; i < 3; i++) await ec2.send(new DescribeInstancesCommand({}));
    await dynamodb.send(new ListTablesCommand({}));
    await failure(dynamodb.send(new DescribeTableCommand({ TableName: 'absent' }))); // failures count too

    const calls = await admin.calls(account);
    expect(calls).toEqual({
      total: 6,
      byOperation: {
        'dynamodb:DescribeTable': 1,
        'dynamodb:ListTables': 1,
        'ec2:DescribeInstances': 3,
        'ec2:RunInstances': 1,
      },
      byAccount: { [account]: calls.byOperation },
    });
    await admin.clearCalls(account);
    expect((await admin.calls(account)).total).toBe(0);
  });

  it('lists injected faults and quota rejections, filtered by account, type and sequence', async () => {
    const account = freshAccount();
    const { dynamodb } = aws(account, 'eu-west-1');
    await admin.addFault({ type: 'throttle', account, operation: 'ListTables', count: 2 });
    await failure(dynamodb.send(new ListTablesCommand({})));
    const [first] = await admin.events({ account });
    expect(first).toMatchObject({
      type: 'fault',
      service: 'dynamodb',
      operation: 'ListTables',
      account,
      region: 'eu-west-1',
      code: 'ThrottlingException',
    });
    await failure(dynamodb.send(new ListTablesCommand({})));
    expect(await admin.events({ account, since: first!.seq })).toHaveLength(1);
    expect(await admin.events({ account, type: 'quota' })).toEqual([]);
  });

  it('resets one account: its settings, fault rules, events and counts, not its resources', async () => {
    const account = freshAccount();
    const { dynamodb } = aws(account, 'eu-west-1');
    await admin.setAccountSettings(account, { durationsMs: { 'dynamodb.table': 5_000 }, apiLatencyMs: 0 });
    expect((await admin.profile()).accounts[account]).toMatchObject({
      durationsMs: { 'dynamodb.table': 5_000 },
    });
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'kept',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await admin.addFault({ type: 'throttle', account, operation: 'ListTables' });
    await failure(dynamodb.send(new ListTablesCommand({})));

    await admin.reset(account);
    expect((await admin.profile()).accounts[account]).toBeUndefined();
    expect((await admin.faults()).rules.filter((r) => r.account === account)).toEqual([]);
    expect(await admin.events({ account })).toEqual([]);
    expect((await admin.calls(account)).total).toBe(0);
    expect((await dynamodb.send(new ListTablesCommand({}))).TableNames).toEqual(['kept']);
  });

  it('exposes the timing model: every duration and quota, for the benchmark', async () => {
    const model = await admin.profile();
    expect(model.name).toBe('fast'); // what the integration tests' global setup starts
    expect(Object.keys(model.durationsMs).sort()).toEqual(Object.keys(model.kinds).sort());
    expect(model.durationsMs['ebs.snapshot-copy']).toBe(200);
    expect(model.quotas.rdsCrossRegionSnapshotCopiesInProgress).toBe(5);
  });

  it('refuses what it does not understand', async () => {
    await expect(
      admin.setAccountSettings(freshAccount(), { durationsMs: { 'ec2.nope': 1 } as never }),
    ).rejects.toThrow(/unknown duration kinds: ec2.nope/);
    await expect(admin.addFault({ type: 'flood' as never })).rejects.toThrow(/type must be one of/);
    const response = await fetch(`${admin.endpoint}/_emulator/nothing-here`);
    expect(response.status).toBe(404);
  });
});
