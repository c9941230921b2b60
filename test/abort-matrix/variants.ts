import { randomInt } from 'node:crypto';
import { seedScenario, type Scenario, type ScenarioOptions } from '../../scripts/scenario/seed.js';
import { windowOpenNow } from '../../src/domain/window-times.js';
import type { Sides } from './calls.js';

/**
 * The plans of the matrix: one resource each, so that every mutating call of the plan is one of that
 * resource's, with small data. Route 53 cutover, so the cutover itself is a call of the plan.
 */
export interface Variant {
  id: string;
  /** The kind's copy path, as the report names it. */
  title: string;
  /** Primary and recovery in one account (two regions): the DynamoDB restore path. */
  sameAccount?: boolean;
  seed: Pick<
    ScenarioOptions,
    'ec2Instances' | 'rdsInstances' | 'auroraClusters' | 'auroraReaders' | 'tables'
  >;
}

const none = { ec2Instances: 0, rdsInstances: 0, auroraClusters: 0, tables: [] };

export const VARIANTS: Variant[] = [
  { id: 'ec2', title: 'ec2-instance', seed: { ...none, ec2Instances: 1 } },
  { id: 'rds', title: 'rds-instance', seed: { ...none, rdsInstances: 1 } },
  {
    id: 'aurora',
    title: 'aurora-cluster (writer + 1 reader)',
    seed: { ...none, auroraClusters: 1, auroraReaders: 1 },
  },
  {
    id: 'ddb-export',
    title: 'dynamodb-table, export-import across accounts',
    seed: {
      ...none,
      // PITR on: across accounts it travels by S3 export and ImportTable; every setting to restore.
      tables: [
        {
          name: 'orders',
          shape: 'orders',
          items: 40,
          pitr: true,
          autoscaling: true,
          ttlAttribute: 'expiresAt',
          stream: true,
        },
      ],
    },
  },
  {
    id: 'ddb-restore',
    title: 'dynamodb-table, backup restore in one account (another region)',
    sameAccount: true,
    seed: {
      ...none,
      tables: [
        { name: 'customers', shape: 'customers', items: 30, autoscaling: true, ttlAttribute: 'expiresAt' },
      ],
    },
  },
  {
    id: 'ddb-scan',
    title: 'dynamodb-table, scan-copy across accounts',
    // No PITR across accounts: the parallel scan copy.
    seed: {
      ...none,
      tables: [{ name: 'audit', shape: 'audit', items: 30, ttlAttribute: 'expiresAt', stream: true }],
    },
  },
];

/** Account ids no other test file uses (one pair per plan: every case starts from a fresh seed). */
export function freshSides(sameAccount: boolean): Sides {
  const base = `47${String(randomInt(0, 10 ** 9)).padStart(9, '0')}`;
  const primary = `${base}0`;
  return {
    primary: { accountId: primary, region: 'us-east-1' },
    recovery: { accountId: sameAccount ? primary : `${base}1`, region: 'us-west-2' },
  };
}

/** Seeds the variant's application into fresh accounts: the spec of a plan that fails it back. */
export async function seedVariant(
  variant: Variant,
  planId: string,
): Promise<{ scenario: Scenario; sides: Sides }> {
  const sides = freshSides(variant.sameAccount ?? false);
  const scenario = await seedScenario({ planId, ...sides, ...variant.seed, dns: 'route53' });
  scenario.spec.maintenanceWindow = windowOpenNow(Date.now(), 3);
  return { scenario, sides };
}
