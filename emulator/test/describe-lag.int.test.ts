import {
  CopyImageCommand,
  CreateImageCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  RunInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { aws, eventually, failure, freshAccount, sharedAdmin } from './support.js';

const region = 'ap-south-1';
const LAG_MS = 2_000;

/**
 * EC2's API is eventually consistent ("Eventual consistency in the Amazon EC2 API"): a new resource's
 * id may not be visible to the next describe yet. `ec2.describe-lag` makes the emulator hide a new AMI
 * from DescribeImages (by id: InvalidAMIID.NotFound; by filter: omitted) and a new instance from
 * DescribeInstances (by id: InvalidInstanceID.NotFound; by `client-token`: omitted), for that long
 * after its creation; 0 (every profile) shows all.
 */
describe('EC2 describe lag', () => {
  async function launch(ec2: EC2Client, ClientToken: string) {
    const out = await ec2.send(
      new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1, ClientToken }),
    );
    return out.Instances?.[0]?.InstanceId ?? '';
  }
  const byToken = async (ec2: EC2Client, token: string) =>
    (
      await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'client-token', Values: [token] }] }))
    ).Reservations?.flatMap((r) => r.Instances ?? []).map((i) => i.InstanceId) ?? [];
  /** A copy of an AMI as soon as it is available (a copy of a pending AMI is refused). */
  const copyOf = (ec2: EC2Client, SourceImageId: string) =>
    eventually('AMI copied', async () => {
      try {
        return await ec2.send(
          new CopyImageCommand({ SourceImageId, SourceRegion: region, Name: 'web-copy' }),
        );
      } catch (error) {
        if ((error as Error).name === 'InvalidAMIID.Unavailable') return undefined;
        throw error;
      }
    });
  const byName = async (ec2: EC2Client, name: string) =>
    (
      await ec2.send(
        new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [name] }] }),
      )
    ).Images?.map((i) => i.ImageId) ?? [];

  it('hides a new AMI and a new instance (by id and by client token) for the account’s lag, then shows them', async () => {
    const account = freshAccount();
    const { ec2 } = aws(account, region);
    await sharedAdmin().setAccountSettings(account, { durationsMs: { 'ec2.describe-lag': LAG_MS } });
    const created = Date.now();
    const instanceId = await launch(ec2, 'lag-1');
    // By its id, as AWS's guide says of DescribeInstances right after RunInstances: not found (yet).
    const direct = await failure(ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] })));
    expect(direct.name).toBe('InvalidInstanceID.NotFound');
    expect(await byToken(ec2, 'lag-1')).toEqual([]);
    const made = await ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: 'web-image' }));
    const copied = await copyOf(ec2, made.ImageId!);
    for (const id of [made.ImageId, copied.ImageId]) {
      const error = await failure(ec2.send(new DescribeImagesCommand({ ImageIds: [id!] })));
      expect(error.name).toBe('InvalidAMIID.NotFound');
    }
    expect(await byName(ec2, 'web-image')).toEqual([]);
    expect(await byName(ec2, 'web-copy')).toEqual([]);
    expect(Date.now() - created).toBeLessThan(LAG_MS);

    expect(
      await eventually('instance listed by token', async () => {
        const ids = await byToken(ec2, 'lag-1');
        return ids.length ? ids : undefined;
      }),
    ).toEqual([instanceId]);
    expect(Date.now() - created).toBeGreaterThanOrEqual(LAG_MS - 500);
    const found = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instanceId] }));
    expect(found.Reservations?.[0]?.Instances?.[0]?.InstanceId).toBe(instanceId);
    // The AMIs, made after the instance, are shown once their own lag is over.
    const images = await eventually('AMIs described', async () => {
      try {
        return (await ec2.send(new DescribeImagesCommand({ ImageIds: [made.ImageId!, copied.ImageId!] })))
          .Images;
      } catch (error) {
        if ((error as Error).name === 'InvalidAMIID.NotFound') return undefined;
        throw error;
      }
    });
    expect(images.map((i) => i.ImageId).sort()).toEqual([made.ImageId, copied.ImageId].sort());
    expect(await byName(ec2, 'web-copy')).toEqual([copied.ImageId]);
    await sharedAdmin().clearAccountSettings(account);
  });

  it('shows them at once without a lag (every profile’s default)', async () => {
    const { ec2 } = aws(freshAccount(), region);
    const instanceId = await launch(ec2, 'lag-2');
    expect(await byToken(ec2, 'lag-2')).toEqual([instanceId]);
    const made = await ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: 'web-image' }));
    const copied = await copyOf(ec2, made.ImageId!);
    const images = await ec2.send(new DescribeImagesCommand({ ImageIds: [copied.ImageId!] }));
    expect(images.Images?.map((i) => i.ImageId)).toEqual([copied.ImageId]);
  });
  it('refuses a second AMI of a name in use, also while the holder is hidden; a deregistered one frees it', async () => {
    const account = freshAccount();
    const { ec2 } = aws(account, region);
    await sharedAdmin().setAccountSettings(account, { durationsMs: { 'ec2.describe-lag': LAG_MS } });
    const instanceId = await launch(ec2, 'lag-3');
    const made = await ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: 'web-image' }));
    expect(await byName(ec2, 'web-image')).toEqual([]); // hidden, yet the name is taken
    const again = await failure(
      ec2.send(new CreateImageCommand({ InstanceId: instanceId, Name: 'web-image' })),
    );
    expect(again.name).toBe('InvalidAMIName.Duplicate');
    const copied = await copyOf(ec2, made.ImageId!);
    const second = await failure(
      ec2.send(
        new CopyImageCommand({ SourceImageId: made.ImageId!, SourceRegion: region, Name: 'web-copy' }),
      ),
    );
    expect(second.name).toBe('InvalidAMIName.Duplicate');
    await ec2.send(new DeregisterImageCommand({ ImageId: copied.ImageId! }));
    const third = await copyOf(ec2, made.ImageId!);
    expect(third.ImageId).not.toBe(copied.ImageId);
    await sharedAdmin().clearAccountSettings(account);
  });
});
