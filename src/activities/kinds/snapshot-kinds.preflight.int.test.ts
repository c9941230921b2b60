import { CreateKeyCommand } from '@aws-sdk/client-kms';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResourceKind } from '../../domain/contract.js';
import { testTargetName } from '../../domain/naming.js';
import type { PlanContext } from '../../domain/resources.js';
import { kindContext } from './context.js';
import { kindModule } from './index.js';
import {
  ensurePlanRoles,
  inspectors,
  preparedPlan,
  planEnvironments,
  resolved,
  stepInput,
  topologies,
  unique,
} from '../../../test/support/kinds.js';
import { BOOTSTRAP_ROLE } from '../../../test/support/access.js';
import { seedCluster, seedDbInstance, seedInstance } from '../../../test/support/snapshot-kinds.js';

// Preflight and tag selection of the snapshot kinds against the emulator (cross-account): read-only
// checks that list every problem as a finding instead of failing on the first.

const topology = topologies('us-east-2', 'eu-west-2')[1]!;
const aws = inspectors(topology);

interface Fixture {
  kind: ResourceKind;
  /** A source in recovery with these tags; `name` is its Name tag / identifier. */
  seedSource(name: string, tags: Record<string, string>): Promise<string>;
  /** Something named `name` in primary that is not the plan's. */
  seedPrimary(name: string): Promise<void>;
}

const fixtures: Fixture[] = [
  {
    kind: 'ec2-instance',
    seedSource: (name, tags) => seedInstance(aws.recovery.ec2, name, tags),
    seedPrimary: async (name) => void (await seedInstance(aws.primary.ec2, name)),
  },
  {
    kind: 'rds-instance',
    seedSource: async (name, tags) => {
      await seedDbInstance(aws.recovery.rds, name, tags);
      return name;
    },
    seedPrimary: (name) => seedDbInstance(aws.primary.rds, name),
  },
  {
    kind: 'aurora-cluster',
    seedSource: async (name, tags) => {
      await seedCluster(aws.recovery.rds, name, 2, tags);
      return name;
    },
    seedPrimary: (name) => seedCluster(aws.primary.rds, name, 1),
  },
];

/** Preflight reaches primary through the bootstrap role, as preflightPlan does (no access role yet). */
function preflight(plan: PlanContext, kind: ResourceKind, source: string, target: string) {
  const bootstrap = {
    ...plan.primary,
    roleArn: `arn:aws:iam::${plan.primary.accountId}:role/${BOOTSTRAP_ROLE}`,
  };
  return kindModule(kind).preflight(
    kindContext(stepInput({ ...plan, primary: bootstrap }, 'test-failback', resolved(kind, source, target))),
  );
}

describe.each(fixtures)('$kind preflight and selection', (fixture) => {
  const app = unique('app');
  let source: string;
  let name: string;

  beforeAll(async () => {
    await ensurePlanRoles(topology);
    name = unique('src');
    source = await fixture.seedSource(name, { app, tier: 'web' });
    await fixture.seedSource(unique('other'), { app: unique('other-app') });
  });

  it('resolveSelection finds exactly the resources carrying every tag, named as in recovery', async () => {
    const recovery = planEnvironments(await preparedPlan(topology, unique('p'))).recovery;
    const found = await kindModule(fixture.kind).resolveSelection(recovery, { app, tier: 'web' });
    expect(found.map((r) => [r.source, r.target])).toEqual([[source, name]]);
    expect(await kindModule(fixture.kind).resolveSelection(recovery, { app, tier: 'db' })).toEqual([]);
  });

  it('a ready resource has no error findings; an old primary is reported as retired-to-be', async () => {
    const target = unique('tgt');
    await fixture.seedPrimary(target);
    const result = await preflight(await preparedPlan(topology, unique('p')), fixture.kind, source, target);
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(result.primaryExists).toBe(true);
    expect(result.findings.some((f) => f.check === 'name-conflict' && f.severity === 'info')).toBe(true);
    expect(result.sourceDetails).toBeDefined();
  });

  it('lists every problem: missing source, a taken test name, an unknown primary KMS key', async () => {
    const plan = await preparedPlan(topology, unique('p'));
    const target = unique('tgt');
    await fixture.seedPrimary(testTargetName(target, plan.planId));
    const missing = fixture.kind === 'ec2-instance' ? 'i-0123456789abcdef0' : unique('missing');
    const withKey = {
      ...plan,
      primary: {
        ...plan.primary,
        kmsKeyId: `arn:aws:kms:us-east-2:${plan.primary.accountId}:key/00000000-0000-0000-0000-000000000000`,
      },
    };
    const result = await preflight(withKey, fixture.kind, missing, target);
    const errors = result.findings.filter((f) => f.severity === 'error').map((f) => f.check);
    expect(errors).toEqual(expect.arrayContaining(['exists', 'name-conflict', 'kms']));
    expect(result.primaryExists).toBe(false);
  });

  it('accepts an enabled primary KMS key', async () => {
    const key = await aws.primary.kms.send(new CreateKeyCommand({ Description: 'primary copies' }));
    const plan = await preparedPlan(topology, unique('p'));
    const withKey = { ...plan, primary: { ...plan.primary, kmsKeyId: key.KeyMetadata?.Arn ?? '' } };
    const result = await preflight(withKey, fixture.kind, source, unique('tgt'));
    expect(result.findings.filter((f) => f.check === 'kms' && f.severity === 'error')).toEqual([]);
  });
});
