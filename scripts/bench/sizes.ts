import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { EmulatorAdmin } from '../../emulator/client.js';
import type { PlanSpec } from '../../src/domain/plan-spec.js';
import { seedingClientConfig } from '../scenario/accounts.js';
import type { ChainKind, DataSizes } from './lower-bound.js';
import type { Mix } from './mix.js';

/**
 * The benchmark's data sizes (issue 16 item 5), GiB used, cycled over the resources of a kind in
 * seeding order: a stated mix, small to large, of what an application's fleet holds — web and app
 * servers of 8–100 GiB, databases of 20–400 GiB, Aurora clusters of 50–500 GiB. Tables keep the
 * size of their items (the benchmark copies them item by item across accounts: no rate applies).
 * At the realistic profile's rates (20 s/GiB cross-region for RDS) a 400 GiB copy is over 2 hours of
 * AWS time: the bound and the run both carry it.
 */
export const SIZE_MIX_GIB: Record<Exclude<ChainKind, 'dynamodb'>, readonly number[]> = {
  ec2: [8, 30, 100],
  rds: [20, 100, 400],
  aurora: [50, 500],
};

/** Each resource's GiB, per kind, in seeding order. */
export function benchSizes(mix: Mix): DataSizes {
  const cycle = (kind: keyof typeof SIZE_MIX_GIB) =>
    Array.from({ length: mix[kind] }, (_, i) => SIZE_MIX_GIB[kind][i % SIZE_MIX_GIB[kind].length]!);
  return { ec2: cycle('ec2'), rds: cycle('rds'), aurora: cycle('aurora') };
}

/**
 * Gives the recovery sources their sizes through the emulator's sizes API: every volume of an
 * instance the same (an AMI copies its snapshots side by side, so its largest sets the time), a DB
 * instance or cluster its used GiB. Returns what the emulator answers back, so the lower bound uses
 * the sizes the emulator times the copies by, not the ones asked for.
 */
export async function applyBenchSizes(
  admin: EmulatorAdmin,
  spec: PlanSpec,
  sizes: DataSizes,
): Promise<DataSizes> {
  const { accountId: account, region } = spec.recovery;
  const byKind = (kind: string) => (spec.resources ?? []).filter((r) => r.kind === kind);
  const ec2 = new EC2Client(seedingClientConfig(account, region));
  try {
    const set = async (resource: string, usedGiB: number) => {
      await admin.setSize({ account, region, resource, usedGiB, allocatedGiB: usedGiB });
      return (await admin.size(account, region, resource)).usedGiB ?? 0;
    };
    const instances = await Promise.all(
      byKind('ec2-instance').map(async (r, i) => {
        const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [r.source] }));
        const volumes = (out.Reservations?.[0]?.Instances?.[0]?.BlockDeviceMappings ?? []).flatMap((m) =>
          m.Ebs?.VolumeId ? [m.Ebs.VolumeId] : [],
        );
        const gib = await Promise.all(volumes.map((v) => set(v, sizes.ec2?.[i] ?? 0)));
        return Math.max(0, ...gib);
      }),
    );
    const dbs = await Promise.all(byKind('rds-instance').map((r, i) => set(r.source, sizes.rds?.[i] ?? 0)));
    const clusters = await Promise.all(
      byKind('aurora-cluster').map((r, i) => set(r.source, sizes.aurora?.[i] ?? 0)),
    );
    return { ec2: instances, rds: dbs, aurora: clusters };
  } finally {
    ec2.destroy();
  }
}
