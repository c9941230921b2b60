import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DescribeImagesCommand, DescribeInstancesCommand, DescribeVolumesCommand } from '@aws-sdk/client-ec2';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { ListHostedZonesCommand } from '@aws-sdk/client-route-53';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { isThrottlingError, isTransientError } from '@smithy/core/retry';
import { describe, expect, it } from 'vitest';
import { aws, failure, freshAccount, sharedAdmin } from './support.js';

// Faults are scoped to this file's accounts: other test files share the emulator.
const admin = sharedAdmin();

describe('fault injection', () => {
  it('throttles with the code each protocol uses, which the SDK classifies as throttling', async () => {
    const account = freshAccount();
    const c = aws(account, 'us-east-1');
    await admin.addFault({ type: 'throttle', account });
    const cases: [string, () => Promise<unknown>, string, number][] = [
      ['ec2', () => c.ec2.send(new DescribeInstancesCommand({})), 'RequestLimitExceeded', 503],
      ['rds', () => c.rds.send(new DescribeDBInstancesCommand({})), 'Throttling', 400],
      ['sts', () => c.sts.send(new GetCallerIdentityCommand({})), 'Throttling', 400],
      ['cloudformation', () => c.cloudformation.send(new DescribeStacksCommand({})), 'Throttling', 400],
      [
        'dynamodb control plane',
        () => c.dynamodb.send(new ListTablesCommand({})),
        'ThrottlingException',
        400,
      ],
      [
        'dynamodb data plane',
        () => c.dynamodb.send(new ScanCommand({ TableName: 't' })),
        'ProvisionedThroughputExceededException',
        400,
      ],
      ['route53', () => c.route53.send(new ListHostedZonesCommand({})), 'Throttling', 400],
      ['s3', () => c.s3.send(new ListBucketsCommand({})), 'SlowDown', 503],
    ];
    for (const [what, call, code, status] of cases) {
      const error = await failure(call());
      expect([what, error.name, error.$metadata?.httpStatusCode]).toEqual([what, code, status]);
      expect(isThrottlingError(error), what).toBe(true); // what the SDK's retry strategy checks
    }
    const events = await admin.events({ account, type: 'fault' });
    expect(events).toHaveLength(cases.length);
    expect(events[0]).toMatchObject({
      service: 'ec2',
      operation: 'DescribeInstances',
      code: 'RequestLimitExceeded',
    });
  });

  it('injects 5xx errors that the SDK retries, and latency, by operation', async () => {
    const account = freshAccount();
    const once = aws(account, 'us-east-1');
    const retrying = aws(account, 'us-east-1', { maxAttempts: 3 });
    await admin.addFault({ type: 'error', status: 500, account, service: 'rds', count: 1 });
    await admin.addFault({
      type: 'error',
      status: 503,
      account,
      service: 'dynamodb',
      operation: 'ListTables',
    });
    await admin.addFault({ type: 'latency', latencyMs: 400, account, operation: 'DescribeInstances' });

    const recovered = await retrying.rds.send(new DescribeDBInstancesCommand({}));
    expect(recovered.$metadata.attempts).toBe(2); // the first attempt got the 500
    const unavailable = await failure(once.dynamodb.send(new ListTablesCommand({})));
    expect([unavailable.name, unavailable.$metadata?.httpStatusCode]).toEqual(['ServiceUnavailable', 503]);
    expect(isTransientError(unavailable)).toBe(true);

    let started = Date.now();
    await once.ec2.send(new DescribeInstancesCommand({}));
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    started = Date.now();
    await once.ec2.send(new DescribeImagesCommand({ Owners: ['self'] }));
    expect(Date.now() - started).toBeLessThan(400);
    const codes = (await admin.events({ account })).map((e) => e.code);
    expect(codes).toEqual(['InternalFailure', 'ServiceUnavailable', 'Latency']);
  });

  it('decides by rate, deterministically from the seed', async () => {
    const account = freshAccount();
    const { ec2 } = aws(account, 'us-east-1');
    const pattern = async (seed: string): Promise<string> => {
      await admin.addFault({
        id: `det-${account}`,
        type: 'throttle',
        rate: 0.5,
        seed,
        account,
        operation: 'DescribeVolumes',
      });
      let outcome = '';
      for (let i = 0; i < 24; i++) {
        outcome += await ec2.send(new DescribeVolumesCommand({})).then(
          () => '.',
          () => 'x',
        );
      }
      await admin.removeFault(`det-${account}`);
      return outcome;
    };
    const first = await pattern('seed-1');
    expect(await pattern('seed-1')).toBe(first);
    expect(await pattern('seed-2')).not.toBe(first);
    const hits = first.split('').filter((c) => c === 'x').length;
    expect(hits).toBeGreaterThan(4);
    expect(hits).toBeLessThan(20);
  });

  it('switches on and off at run time, mid-sequence', async () => {
    const account = freshAccount();
    const { ec2 } = aws(account, 'us-east-1');
    await ec2.send(new DescribeVolumesCommand({}));
    const rule = await admin.addFault({ type: 'throttle', account, service: 'ec2', after: 1, count: 2 });
    await ec2.send(new DescribeVolumesCommand({})); // `after: 1` lets the first one through
    expect((await failure(ec2.send(new DescribeVolumesCommand({})))).name).toBe('RequestLimitExceeded');
    expect((await failure(ec2.send(new DescribeVolumesCommand({})))).name).toBe('RequestLimitExceeded');
    await ec2.send(new DescribeVolumesCommand({})); // `count: 2` used up
    const listed = (await admin.faults()).rules.find((r) => r.id === rule.id);
    expect(listed).toMatchObject({ matched: 4, injected: 2 });
    await admin.addFault({ type: 'throttle', account, id: `all-${account}` });
    expect((await failure(ec2.send(new DescribeVolumesCommand({})))).name).toBe('RequestLimitExceeded');
    await admin.clearFaults(account);
    await ec2.send(new DescribeVolumesCommand({}));
  });
});
