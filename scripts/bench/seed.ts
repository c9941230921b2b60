import { randomInt } from 'node:crypto';
import type { PlanSpec } from '../../src/domain/plan-spec.js';
import { seedScenario, type Side, type TableSeed } from '../scenario/seed.js';
import type { EmulatorAdmin } from '../../emulator/client.js';
import type { DataSizes, Topology } from './lower-bound.js';
import { applyBenchSizes, benchSizes } from './sizes.js';
import { describeMix, type Mix } from './mix.js';
import { windowOpenNow } from '../../src/domain/window-times.js';

/** The benchmark's application, failed over to another account and region (the general case). */
export interface BenchScenario {
  spec: PlanSpec;
  primary: Side;
  recovery: Side;
  topology: Topology;
  mix: Mix;
  /** GiB per resource of each kind, as the emulator answers them back (the lower bound's input). */
  sizes: DataSizes;
}

export interface BenchSeedOptions {
  planId: string;
  mix: Mix;
  itemsPerTable: number;
  /** Resources in flight per plan (plan option `concurrency`). */
  concurrency: number;
  log: (line: string) => void;
  /** The emulator's admin API: the sources get the benchmark's data sizes (sizes.ts). */
  admin: EmulatorAdmin;
}

const AURORA_READERS = 1;

/** A pair of account ids no other run of this emulator uses (each run starts from empty accounts). */
function freshAccounts(): { primary: string; recovery: string } {
  const base = 700_000_000_000 + randomInt(0, 99_999_999) * 2;
  return { primary: String(base), recovery: String(base + 1) };
}

/**
 * Seeds the recovery environment with the plan's resources (DynamoDB tables with `itemsPerTable`
 * items each) and primary with their stale versions, and returns the plan spec: no test failback,
 * the maintenance window open now, manual DNS (the benchmark confirms it at once).
 */
export async function seedBenchScenario(options: BenchSeedOptions): Promise<BenchScenario> {
  const accounts = freshAccounts();
  const primary = { accountId: accounts.primary, region: 'us-east-1' };
  const recovery = { accountId: accounts.recovery, region: 'us-west-2' };
  const tables: TableSeed[] = Array.from({ length: options.mix.dynamodb }, (_, i) => ({
    name: `bench-table-${i + 1}`,
    shape: 'orders',
    items: options.itemsPerTable,
  }));
  options.log(`seeding ${describeMix(options.mix)} (${options.itemsPerTable} items per table)…`);
  const scenario = await seedScenario({
    planId: options.planId,
    application: 'bench',
    primary,
    recovery,
    ec2Instances: options.mix.ec2,
    rdsInstances: options.mix.rds,
    auroraClusters: options.mix.aurora,
    auroraReaders: AURORA_READERS,
    tables,
    dns: 'manual',
    parallel: 8,
  });
  const sizes = await applyBenchSizes(options.admin, scenario.spec, benchSizes(options.mix));
  const spec: PlanSpec = {
    ...scenario.spec,
    maintenanceWindow: windowOpenNow(Date.now(), 6),
    // Plans of 100 and 500 have more databases than the role's named bound holds (decision 0045).
    options: {
      testFailback: false,
      removeAccessStack: true,
      concurrency: options.concurrency,
      databaseAccess: 'account',
    },
  };
  return {
    spec,
    primary,
    recovery,
    mix: options.mix,
    sizes,
    topology: {
      crossAccount: primary.accountId !== recovery.accountId,
      crossRegion: primary.region !== recovery.region,
      // The stale primary cluster has the same members as recovery's (seedScenario seeds both sides).
      auroraPrimaryMembers: 1 + AURORA_READERS,
      auroraReaders: AURORA_READERS,
      // Across accounts, without point-in-time recovery on the seeded tables (method.ts).
      dynamodbMethod: primary.accountId !== recovery.accountId ? 'scan-copy' : 'restore',
    },
  };
}
