import {
  CreateKeyPairCommand,
  DescribeInstancesCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  type RunInstancesCommandInput,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { aws, eventually, failure, freshAccount } from './support.js';

const region = 'eu-central-1';

/**
 * RunInstances' ClientToken as AWS honours it ("Ensuring idempotency in Amazon EC2 API requests"): the
 * same token and parameters answer the first reservation — even once its instance is terminated (the
 * token stays valid at least 24 h after the termination) — and the same token with another parameter
 * changed is IdempotentParameterMismatch, HTTP 400.
 */
describe('EC2 RunInstances client tokens', () => {
  function setUp() {
    const { ec2 } = aws(freshAccount(), region);
    const input: RunInstancesCommandInput = {
      ImageId: 'ami-12345678',
      InstanceType: 't3.small',
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'web' }] }],
    };
    const run = (ClientToken: string, extra: Partial<RunInstancesCommandInput> = {}) =>
      ec2.send(new RunInstancesCommand({ ...input, ...extra, ClientToken }));
    const instances = async () =>
      (await ec2.send(new DescribeInstancesCommand({}))).Reservations?.flatMap((r) => r.Instances ?? []) ??
      [];
    return { ec2, run, instances };
  }

  it('the same token and parameters answer the first reservation, its instance terminated too', async () => {
    const { ec2, run, instances } = setUp();
    const first = await run('launch-1');
    const id = first.Instances?.[0]?.InstanceId ?? '';
    expect((await run('launch-1')).ReservationId).toBe(first.ReservationId);
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [id] }));
    const again = await run('launch-1');
    expect(again.ReservationId).toBe(first.ReservationId);
    // The answer is the first one's ("the only information that might vary … is the state").
    expect(again.Instances?.map((i) => i.InstanceId)).toEqual([id]);
    expect((await instances()).map((i) => `${i.InstanceId} ${i.State?.Name}`)).toEqual([`${id} terminated`]);
  });

  it('the same token with another parameter changed is IdempotentParameterMismatch (400)', async () => {
    const { ec2, run, instances } = setUp();
    await ec2.send(new CreateKeyPairCommand({ KeyName: 'ops' }));
    const first = await run('launch-2');
    const changes: Array<Partial<RunInstancesCommandInput>> = [
      { KeyName: 'ops' },
      { InstanceType: 't3.large' },
      { TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: 'other' }] }] },
      { ImageId: 'ami-87654321' },
    ];
    for (const change of changes) {
      const error = await failure(run('launch-2', change));
      expect(error.name, JSON.stringify(change)).toBe('IdempotentParameterMismatch');
      expect(error.$metadata?.httpStatusCode).toBe(400);
    }
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [first.Instances![0]!.InstanceId!] }));
    expect((await failure(run('launch-2', { KeyName: 'ops' }))).name).toBe('IdempotentParameterMismatch');
    // Another token with the changed parameters launches anew.
    const next = await run('launch-2-next', { KeyName: 'ops' });
    expect(next.ReservationId).not.toBe(first.ReservationId);
    expect(next.Instances?.[0]?.KeyName).toBe('ops');
    expect(await instances()).toHaveLength(2);
  });

  it('DescribeInstances filters by client-token', async () => {
    const { ec2, run } = setUp();
    const launched = await run('launch-3');
    await run('launch-4');
    const found = await eventually('the instance of token launch-3', async () => {
      const out = await ec2.send(
        new DescribeInstancesCommand({ Filters: [{ Name: 'client-token', Values: ['launch-3'] }] }),
      );
      const ids = out.Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId) ?? [];
      return ids.length ? ids : undefined;
    });
    expect(found).toEqual([launched.Instances?.[0]?.InstanceId]);
  });
});
