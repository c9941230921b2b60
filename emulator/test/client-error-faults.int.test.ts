import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateDBSnapshotCommand } from '@aws-sdk/client-rds';
import { describe, expect, it } from 'vitest';
import { aws, failure, freshAccount, sharedAdmin } from './support.js';

// A client error AWS answers (a quota, a limit) injected as a fault: a 4xx with its code, which the
// SDK does not retry, so the orchestrator's own handling of it is what gets tested.
const admin = sharedAdmin();

describe('client-error faults', () => {
  it('answer a 4xx with the given code and message, not retried by the SDK', async () => {
    const account = freshAccount();
    const c = aws(account, 'eu-west-3', { maxAttempts: 3 });
    await admin.addFault({
      type: 'error',
      status: 400,
      code: 'InstanceLimitExceeded',
      message: 'Your quota allows for 0 more running instance(s).',
      account,
      operation: 'RunInstances',
    });
    await admin.addFault({
      type: 'error',
      status: 400,
      code: 'SnapshotQuotaExceeded',
      account,
      service: 'rds',
    });
    const ec2 = await failure(
      c.ec2.send(new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1 })),
    );
    expect(ec2).toMatchObject({
      name: 'InstanceLimitExceeded',
      message: 'Your quota allows for 0 more running instance(s).',
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
    const rds = await failure(
      c.rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'db', DBSnapshotIdentifier: 's' })),
    );
    // The SDK names a modelled error after its shape: code SnapshotQuotaExceeded, SnapshotQuotaExceededFault.
    expect(rds).toMatchObject({
      name: 'SnapshotQuotaExceededFault',
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
    await admin.clearFaults(account);
  });

  it('refuses a 4xx without the code AWS would answer', async () => {
    await expect(admin.addFault({ type: 'error', status: 400, account: freshAccount() })).rejects.toThrow(
      /4xx with its code/,
    );
  });
});
