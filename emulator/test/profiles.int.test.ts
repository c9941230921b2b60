import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
} from '@aws-sdk/client-ec2';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../scripts/stack/emulator.js';
import { aws, eventually, failure, freshAccount } from './support.js';

// Settings that are global to an emulator (the profile, unscoped faults, a full reset) are tested
// on an emulator of this file's own, started the one way everything starts it.
describe('profiles and global settings (own emulator)', () => {
  let emulator: Emulator;
  const account = freshAccount();
  const clients = (region = 'us-east-1') => aws(account, region, { endpoint: emulator.endpoint });

  beforeAll(async () => {
    emulator = await startEmulator({ profile: 'realistic', seed: 'profiles-test' });
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it('realistic: AWS typical durations scaled by 1/600, with AWS quotas', async () => {
    const model = await emulator.admin.profile();
    expect(model).toMatchObject({ name: 'realistic', scale: 1 / 600 });
    expect(model.awsTypicalSeconds['ebs.snapshot-copy']).toBe(600);
    expect(model.durationsMs['ebs.snapshot-copy']).toBeCloseTo(1_000);
    expect(model.durationsMs['ec2.image-copy']).toBeCloseTo(2_000);
    // Per-GiB rates (decision 0041), scaled like the durations, each explained in `sources`.
    expect(model.ratesSecondsPerGiB['ebs.snapshot-copy']).toBe(10);
    expect(model.ratesMsPerGiB['ebs.snapshot-copy']).toBeCloseTo(10_000 / 600);
    for (const kind of Object.keys(model.ratesSecondsPerGiB))
      expect(model.sources.some((s) => s.includes(kind))).toBe(true);
    expect(model.quotas).toEqual({
      ebsConcurrentSnapshotCopiesPerRegion: 20,
      rdsCrossRegionSnapshotCopiesInProgress: 5,
    });

    // A snapshot (300 s in AWS) is pending for half a second.
    const { ec2 } = clients();
    const volume = await ec2.send(new CreateVolumeCommand({ Size: 8, AvailabilityZone: 'us-east-1a' }));
    const started = Date.now();
    const { SnapshotId } = await ec2.send(new CreateSnapshotCommand({ VolumeId: volume.VolumeId! }));
    await eventually('snapshot completed', async () => {
      const found = (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [SnapshotId!] })))
        .Snapshots?.[0];
      return found?.State === 'completed' ? true : undefined;
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
  });

  it('changes profile and scale at run time: demo, a scale override, a profile object, a JSON file', async () => {
    const demo = await emulator.admin.setProfile('demo');
    expect(demo).toMatchObject({ name: 'demo', scale: 0.01, apiLatencyMs: 20 });
    expect(demo.durationsMs['ec2.image-copy']).toBeCloseTo(12_000);
    expect(demo.ratesMsPerGiB).toEqual({}); // a demo's pace does not depend on seeded sizes
    const slower = await emulator.admin.setProfile('realistic', 1 / 60);
    expect(slower.durationsMs['ebs.snapshot-copy']).toBeCloseTo(10_000);
    const custom = await emulator.admin.setProfile({
      name: 'custom',
      extends: 'fast',
      durationsMs: { 'route53.change': 5 },
    });
    expect(custom.durationsMs).toMatchObject({ 'route53.change': 5, 'ec2.image': 200 });
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'emulator-profile-')), 'mine.json');
    writeFileSync(file, JSON.stringify({ name: 'mine', extends: 'realistic', scale: 0.5 }));
    expect(await emulator.admin.setProfile(file)).toMatchObject({ name: 'mine', scale: 0.5 });
    await expect(emulator.admin.setProfile('no-such-profile')).rejects.toThrow(
      /no profile 'no-such-profile'/,
    );
  });

  it('applies unscoped fault rules to every account, replaced as a whole set with a seed', async () => {
    const { dynamodb } = clients();
    const other = aws(freshAccount(), 'eu-west-1', { endpoint: emulator.endpoint }).dynamodb;
    const set = await emulator.admin.setFaults(
      [{ id: 'everyone', type: 'throttle', service: 'dynamodb' }],
      'seed-42',
    );
    expect(set.seed).toBe('seed-42');
    expect((await failure(dynamodb.send(new ListTablesCommand({})))).name).toBe('ThrottlingException');
    expect((await failure(other.send(new ListTablesCommand({})))).name).toBe('ThrottlingException');
    await emulator.admin.setFaults([]);
    await dynamodb.send(new ListTablesCommand({}));
  });

  it('resets everything: resources, profile (back to the start-up one), faults, events, counts', async () => {
    const { ec2 } = clients();
    await ec2.send(new CreateVolumeCommand({ Size: 8, AvailabilityZone: 'us-east-1a' }));
    await emulator.admin.setProfile('fast');
    await emulator.admin.addFault({ type: 'latency', latencyMs: 1 });
    expect((await ec2.send(new DescribeVolumesCommand({}))).Volumes!.length).toBeGreaterThan(0);

    expect(await emulator.admin.reset()).toMatchObject({ reset: 'all' });
    expect((await emulator.admin.profile()).name).toBe('realistic');
    expect((await emulator.admin.faults()).rules).toEqual([]);
    expect(await emulator.admin.events()).toEqual([]);
    expect((await ec2.send(new DescribeVolumesCommand({}))).Volumes).toEqual([]);
    expect((await emulator.admin.calls()).byOperation).toEqual({ 'ec2:DescribeVolumes': 1 });
  });
});
