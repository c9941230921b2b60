import { CreateDBInstanceCommand, DeleteDBInstanceCommand, type RDSClient } from '@aws-sdk/client-rds';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ensurePlanRoles,
  failureType,
  inspectors,
  preparedPlan,
  resolved,
  runStep,
  stepInput,
  topologies,
  unique,
  type Topology,
} from '../../../../test/support/kinds.js';
import { eventually } from '../../../../test/support/aws.js';
import {
  clusterInstanceIds,
  describeCluster,
  describeDb,
  seedCluster,
  seedDbInstance,
} from '../../../../test/support/snapshot-kinds.js';
import { retiredName } from '../../../domain/naming.js';
import type { PlanContext, ResolvedResource } from '../../../domain/resources.js';
import { databaseGrants } from '../../../../test/support/access.js';

// The access role may name only the instances preflight granted (decision 0045). When primary changed
// since preflight, the failback's restore stops before the old cluster is retired: nothing in primary
// is tagged or renamed, where the access role's refusal would have come half-way.

const topology: Topology = topologies('eu-west-1', 'eu-central-1')[1]!;

async function addInstance(rds: RDSClient, cluster: string, id: string): Promise<void> {
  await rds.send(
    new CreateDBInstanceCommand({
      DBInstanceIdentifier: id,
      DBClusterIdentifier: cluster,
      Engine: 'aurora-postgresql',
      DBInstanceClass: 'db.r6g.large',
    }),
  );
}

/** Source: writer and reader; old primary: instances named by their team, as preflight saw them. */
async function setUp(oldInstances: string[]) {
  const aws = inspectors(topology);
  const source = unique('shopaurora');
  const target = unique('aurora');
  await seedCluster(aws.recovery.rds, source, 2, { app: 'shop' });
  await seedCluster(aws.primary.rds, target, 0, { owner: 'primary-team' });
  for (const suffix of oldInstances) await addInstance(aws.primary.rds, target, `${target}-${suffix}`);
  const seen = oldInstances.map((s) => `${target}-${s}`);
  const planId = unique('p');
  const plan = await preparedPlan(
    topology,
    planId,
    await databaseGrants(topology.primary, planId, [{ kind: 'aurora-cluster', target, instances: 2 }]),
  );
  const resource = {
    ...resolved('aurora-cluster', source, target),
    sourceDetails: { engine: 'aurora-postgresql', instances: 2, primaryInstances: seen.join(',') },
  };
  return { aws, target, plan, resource, seen };
}

/** The failback of the resource up to its restore into primary (the retirement is its first step). */
async function failbackRestore(plan: PlanContext, resource: ResolvedResource) {
  const input = stepInput(plan, 'failback', resource);
  const { quiescedAt } = await runStep('quiesceSource', input);
  const recoveryPoint = await runStep('takeRecoveryPoint', { ...input, quiescedAt });
  const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });
  return runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint });
}

/** The old cluster as it was: its name, its instances under theirs, no plan tag on any of them. */
async function untouched(rds: RDSClient, target: string, instances: string[]): Promise<void> {
  const cluster = await describeCluster(rds, target);
  expect(cluster?.TagList?.filter((t) => t.Key?.startsWith('failback:'))).toEqual([]);
  const members = (await clusterInstanceIds(rds, target)).filter((id) => id.endsWith(`@${target}`));
  expect(members).toEqual(instances.map((i) => `${i}@${target}`).sort());
  for (const id of instances)
    expect((await describeDb(rds, id))?.TagList?.filter((t) => t.Key?.startsWith('failback:'))).toEqual([]);
}

describe('aurora-cluster: the restored instances take only granted names', () => {
  beforeAll(() => ensurePlanRoles(topology));

  it('an old instance gone since preflight: the new name it frees is not granted, nothing is retired', async () => {
    const { aws, target, plan, resource, seen } = await setUp(['writer', 'reader']);
    // The restored cluster would be named [<t>-writer, <t>-1]: <t>-1 was never granted.
    await aws.primary.rds.send(
      new DeleteDBInstanceCommand({ DBInstanceIdentifier: `${target}-reader`, SkipFinalSnapshot: true }),
    );
    await eventually('reader gone', async () =>
      (await clusterInstanceIds(aws.primary.rds, target)).length === 1 ? true : undefined,
    );
    const restore = failbackRestore(plan, resource);
    expect(await failureType(restore)).toBe('InvalidParameter');
    await untouched(aws.primary.rds, target, seen.slice(0, 1));
  });

  it('an instance joined the old cluster since preflight: the retirement stops before its first tag', async () => {
    const { aws, target, plan, resource, seen } = await setUp(['writer']);
    await addInstance(aws.primary.rds, target, `${target}-autoscaled`);
    const restore = failbackRestore(plan, resource);
    expect(await failureType(restore)).toBe('InvalidParameter');
    await untouched(aws.primary.rds, target, [...seen, `${target}-autoscaled`]);
  });

  it("another team's instance took a new instance's name since preflight: nothing is retired", async () => {
    const { aws, target, plan, resource, seen } = await setUp(['writer']);
    // The restored cluster would be [<t>-writer, <t>-1]: <t>-1 is now someone else's.
    await seedDbInstance(aws.primary.rds, `${target}-1`, { owner: 'reporting-team' });
    const restore = failbackRestore(plan, resource);
    expect(await failureType(restore)).toBe('NameConflict');
    await untouched(aws.primary.rds, target, seen);
  });

  it("a reader's retired name is taken: not even the writer is renamed", async () => {
    const { aws, target, plan, resource, seen } = await setUp(['writer', 'reader']);
    // Today's and tomorrow's retired name (the retirement takes the date it runs on).
    const day = 86_400_000;
    for (const at of [Date.now(), Date.now() + day])
      await seedDbInstance(aws.primary.rds, retiredName(`${target}-reader`, new Date(at).toISOString()));
    const restore = failbackRestore(plan, resource);
    expect(await failureType(restore)).toBe('NameConflict');
    await untouched(aws.primary.rds, target, seen);
  });

  it('as preflight saw it: the old instances retire and their names are reused, the new one numbered', async () => {
    const { aws, target, plan, resource } = await setUp(['writer']);
    const restore = await failbackRestore(plan, resource);
    expect(restore.retirement?.action).toBe('renamed');
    const restored = (await clusterInstanceIds(aws.primary.rds, target)).filter((id) =>
      id.endsWith(`@${target}`),
    );
    expect(restored).toEqual([`${target}-1@${target}`, `${target}-writer@${target}`]);
  });
});
