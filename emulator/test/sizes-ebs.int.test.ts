import {
  CopyImageCommand,
  CopySnapshotCommand,
  CreateImageCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeSnapshotsCommand,
  RunInstancesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { beforeAll, describe, expect, it } from 'vitest';
import { aws, eventually, freshAccount, sharedAdmin, sleep } from './support.js';

// Sizes and incremental EBS copies (decision 0041). Durations are base + GiB x rate, set small per
// account; the tests compare the durations the emulator states (GET /_emulator/sizes), never the clock.
const BASE_MS = 50;
const RATE_MS_PER_GIB = 2;
const account = freshAccount();
const admin = sharedAdmin();
const { ec2: west } = aws(account, 'us-west-2');
const { ec2: east, kms: eastKms } = aws(account, 'us-east-1');

async function completed(ec2: EC2Client, snapshotId: string) {
  return eventually(`${snapshotId} completed`, async () => {
    const { Snapshots } = await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }));
    return Snapshots?.[0]?.State === 'completed' ? Snapshots[0] : undefined;
  });
}

async function volume(sizeGiB: number): Promise<string> {
  const created = await west.send(new CreateVolumeCommand({ Size: sizeGiB, AvailabilityZone: 'us-west-2a' }));
  return created.VolumeId!;
}

async function snapshot(volumeId: string): Promise<string> {
  const { SnapshotId } = await west.send(new CreateSnapshotCommand({ VolumeId: volumeId }));
  await completed(west, SnapshotId!);
  return SnapshotId!;
}

async function copy(snapshotId: string, options: { KmsKeyId?: string; client?: EC2Client } = {}) {
  const { client = east, KmsKeyId } = options;
  const { SnapshotId } = await client.send(
    new CopySnapshotCommand({
      SourceSnapshotId: snapshotId,
      SourceRegion: 'us-west-2',
      ...(KmsKeyId ? { Encrypted: true, KmsKeyId } : {}),
    }),
  );
  return SnapshotId!;
}

describe('sizes of EBS volumes and snapshots', () => {
  beforeAll(async () => {
    await admin.setAccountSettings(account, {
      durationsMs: {
        'ebs.snapshot': 0,
        'ec2.image': 0,
        'ebs.snapshot-copy': BASE_MS,
        'ec2.image-copy': BASE_MS,
      },
      ratesMsPerGiB: { 'ebs.snapshot-copy': RATE_MS_PER_GIB, 'ec2.image-copy': RATE_MS_PER_GIB },
    });
  });

  it('the fast profile has no rates: every duration stays as it was', async () => {
    const model = await admin.profile();
    expect(model.ratesMsPerGiB).toEqual({});
    expect(model.accounts[account]?.ratesMsPerGiB).toEqual({
      'ebs.snapshot-copy': RATE_MS_PER_GIB,
      'ec2.image-copy': RATE_MS_PER_GIB,
    });
  });

  it('a volume uses its Size unless set; the admin API sets and reads used GiB and the change rate', async () => {
    const id = await volume(8);
    expect(await admin.size(account, 'us-west-2', id)).toMatchObject({
      kind: 'volume',
      usedGiB: 8,
      allocatedGiB: 8,
      changeGiBPerHour: 0,
    });
    await admin.setSize({ account, region: 'us-west-2', resource: id, usedGiB: 5, changeGiBPerHour: 2 });
    expect(await admin.size(account, 'us-west-2', id)).toMatchObject({ usedGiB: 5, changeGiBPerHour: 2 });
    await expect(admin.setSize({ account, region: 'us-west-2', resource: id, usedGiB: 9 })).rejects.toThrow(
      /exceeds allocatedGiB/,
    );
    await expect(admin.size(account, 'us-west-2', 'vol-00000000')).rejects.toThrow(/no resource/);
  });

  it('a first copy into a region is full: base + used GiB x rate, and pending meanwhile', async () => {
    const big = await snapshot(await volume(100));
    const small = await snapshot(await volume(10));
    const bigCopy = await copy(big);
    const smallCopy = await copy(small);
    const state = (await east.send(new DescribeSnapshotsCommand({ SnapshotIds: [bigCopy] }))).Snapshots![0]!;
    expect(state.State).toBe('pending');
    const bigSize = await admin.size(account, 'us-east-1', bigCopy);
    expect(bigSize).toMatchObject({ kind: 'snapshot', copyOf: big, incremental: false, transferredGiB: 100 });
    expect(bigSize.transition?.durationMs).toBe(BASE_MS + 100 * RATE_MS_PER_GIB);
    expect((await admin.size(account, 'us-east-1', smallCopy)).transition?.durationMs).toBe(
      BASE_MS + 10 * RATE_MS_PER_GIB,
    );
    await completed(east, bigCopy);
  });

  it('a later copy of the same volume under the same key is incremental: only the changed GiB move', async () => {
    const id = await volume(100);
    // 36,000 GiB an hour: 10 GiB a second (the fast profile's scale is 1), far below 100 GiB in 0.3 s.
    await admin.setSize({ account, region: 'us-west-2', resource: id, changeGiBPerHour: 36_000 });
    const first = await snapshot(id);
    const firstCopy = await copy(first);
    await completed(east, firstCopy);
    await sleep(300);
    const second = await snapshot(id);
    const firstRecord = await admin.size(account, 'us-west-2', first);
    const secondRecord = await admin.size(account, 'us-west-2', second);
    const hours = (secondRecord.takenAt! - firstRecord.takenAt!) / 3600;
    expect(secondRecord).toMatchObject({ follows: first, lineage: id });
    expect(secondRecord.changedGiB).toBeCloseTo(Math.min(100, 36_000 * hours), 3);
    expect(secondRecord.changedGiB).toBeLessThan(100);

    const secondCopy = await copy(second);
    const incremental = await admin.size(account, 'us-east-1', secondCopy);
    expect(incremental).toMatchObject({ incremental: true, follows: firstCopy, copyOf: second });
    expect(incremental.transferredGiB).toBeCloseTo(secondRecord.changedGiB!, 3);
    expect(incremental.transition!.durationMs).toBeCloseTo(
      BASE_MS + incremental.transferredGiB! * RATE_MS_PER_GIB,
      1,
    );
    expect(incremental.transition!.durationMs).toBeLessThan(BASE_MS + 100 * RATE_MS_PER_GIB);

    // Under another KMS key the copy is full again ("encrypted under the same custom CMK").
    const key = (await eastKms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!;
    const otherKey = await admin.size(account, 'us-east-1', await copy(second, { KmsKeyId: key }));
    expect(otherKey).toMatchObject({ incremental: false, transferredGiB: 100, kmsKeyId: key });
    // Into a region that holds no copy of the volume: full.
    const elsewhere = await copy(second, { client: aws(account, 'eu-west-1').ec2 });
    expect(await admin.size(account, 'eu-west-1', elsewhere)).toMatchObject({ incremental: false });
  });

  it('a copy still in progress is no base: the next copy is full', async () => {
    const id = await volume(50);
    const first = await snapshot(id);
    await admin.setAccountSettings(account, {
      durationsMs: { 'ebs.snapshot': 0, 'ebs.snapshot-copy': 60_000 },
      ratesMsPerGiB: { 'ebs.snapshot-copy': RATE_MS_PER_GIB },
    });
    try {
      await copy(first);
      const second = await snapshot(id);
      expect(await admin.size(account, 'us-east-1', await copy(second))).toMatchObject({
        incremental: false,
        transferredGiB: 50,
      });
    } finally {
      await admin.setAccountSettings(account, {
        durationsMs: {
          'ebs.snapshot': 0,
          'ec2.image': 0,
          'ebs.snapshot-copy': BASE_MS,
          'ec2.image-copy': BASE_MS,
        },
        ratesMsPerGiB: { 'ebs.snapshot-copy': RATE_MS_PER_GIB, 'ec2.image-copy': RATE_MS_PER_GIB },
      });
    }
  });

  it('CopyImage copies each snapshot as CopySnapshot does; a failed copy is no base', async () => {
    const { Instances } = await west.send(
      new RunInstancesCommand({ ImageId: 'ami-12345678', MinCount: 1, MaxCount: 1 }),
    );
    const instanceId = Instances![0]!.InstanceId!;
    const image = async (name: string) =>
      (await west.send(new CreateImageCommand({ InstanceId: instanceId, Name: name }))).ImageId!;
    const copyImage = async (name: string) => {
      const source = await image(name);
      const { ImageId } = await east.send(
        new CopyImageCommand({ SourceImageId: source, SourceRegion: 'us-west-2', Name: `${name}-copy` }),
      );
      const size = await admin.size(account, 'us-east-1', ImageId!);
      await eventually(`${ImageId} done`, async () =>
        (await admin.size(account, 'us-east-1', ImageId!)).transition?.inProgress ? undefined : true,
      );
      return size;
    };
    // The first copy fails (an `outcome` rule): its snapshots end in `error` and are no base.
    await admin.addFault({
      id: `size-outcome-${account}`,
      type: 'outcome',
      service: 'ec2',
      operation: 'CopyImage',
      account,
      state: 'failed',
      count: 1,
    });
    const failed = await copyImage('size-ami-0');
    expect(failed.snapshots!.every((s) => s.incremental === false)).toBe(true);

    const first = await copyImage('size-ami-1');
    expect(first.kind).toBe('image');
    expect(first.snapshots!.every((s) => s.incremental === false)).toBe(true);
    const used = Math.max(...first.snapshots!.map((s) => s.usedGiB));
    expect(first.transition?.durationMs).toBe(BASE_MS + used * RATE_MS_PER_GIB);

    const second = await copyImage('size-ami-2');
    expect(second.snapshots!.every((s) => s.incremental === true)).toBe(true);
    expect(second.snapshots!.map((s) => s.follows)).toEqual(first.snapshots!.map((s) => s.id));
    // No writes (change rate 0): nothing changed, the copy costs its base only.
    expect(second.transition?.durationMs).toBe(BASE_MS);
    // An ARN names the same record.
    const snapshotArn = `arn:aws:ec2:us-east-1:${account}:snapshot/${second.snapshots![0]!.id}`;
    expect(await admin.size(account, 'us-east-1', snapshotArn)).toMatchObject({
      kind: 'snapshot',
      incremental: true,
    });
  });
});
