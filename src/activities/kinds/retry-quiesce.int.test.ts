import { beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedResource, StepInput } from '../../domain/resources.js';
import { createSeededTable } from '../../../test/support/dynamodb.js';
import {
  ensurePlanRoles,
  inspectors,
  preparedPlan,
  resolved,
  runStep,
  stepInput,
  topologies,
  unique,
  type Topology,
} from '../../../test/support/kinds.js';
import { seedCluster, seedDbInstance } from '../../../test/support/snapshot-kinds.js';

/**
 * Item 5 of issue 14: a failback retried after a failure runs the quiesce again, and adopts the
 * recovery point the first run took. The retried quiesce must answer the first quiesce's time (kept on
 * the source, failback:quiesced-at), so verification of the adopted recovery point passes; a fresh
 * "now" would put the recovery point before the quiesce, and the retry could never verify.
 */
const [topology] = topologies('ap-south-1', 'eu-west-2') as [Topology];

const KINDS: Array<{
  kind: string;
  seed: (aws: ReturnType<typeof inspectors>) => Promise<ResolvedResource>;
}> = [
  {
    kind: 'rds-instance',
    seed: async (aws) => {
      const source = unique('db');
      const target = unique('shop');
      await seedDbInstance(aws.recovery.rds, source);
      await seedDbInstance(aws.primary.rds, target);
      return resolved('rds-instance', source, target);
    },
  },
  {
    kind: 'aurora-cluster',
    seed: async (aws) => {
      const source = unique('au');
      const target = unique('shopau');
      await seedCluster(aws.recovery.rds, source, 1);
      await seedCluster(aws.primary.rds, target, 1);
      return resolved('aurora-cluster', source, target);
    },
  },
  {
    kind: 'dynamodb-table',
    seed: async (aws) => {
      const name = unique('orders');
      await createSeededTable(aws.recovery, name, 50, { pitr: true });
      return resolved('dynamodb-table', name, name);
    },
  },
];

describe.each(KINDS)('$kind: a failback retried after a failure', ({ seed }) => {
  beforeAll(() => ensurePlanRoles(topology));

  it('keeps the first quiesce’s time, and the adopted recovery point verifies', async () => {
    const aws = inspectors(topology);
    const resource = await seed(aws);
    const plan = await preparedPlan(topology, unique('p'));
    const input: StepInput = stepInput(plan, 'failback', resource);
    const first = await runStep('quiesceSource', input);
    const recoveryPoint = await runStep('takeRecoveryPoint', { ...input, quiescedAt: first.quiescedAt });
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });

    // The run fails after the copy (e.g. the restore is refused); once the time has moved on (past
    // the recovery point's capture, at the clock's second), the person sends retry: everything reruns.
    const after = Math.max(Date.parse(recoveryPoint.capturedAt), Date.parse(first.quiescedAt)) + 1_100;
    while (Date.now() < after) await new Promise((r) => setTimeout(r, 100));
    const again = await runStep('quiesceSource', input);
    expect(again.quiescedAt).toBe(first.quiescedAt);
    const adopted = await runStep('takeRecoveryPoint', { ...input, quiescedAt: again.quiescedAt });
    expect(adopted.id).toBe(recoveryPoint.id);
    const copied = await runStep('copyRecoveryPoint', { ...input, recoveryPoint: adopted });
    expect(copied.id).toBe(copy.id);
    const { verification } = await runStep('restoreAndVerify', {
      ...input,
      copy: copied,
      recoveryPoint: adopted,
      quiescedAt: again.quiescedAt,
    });
    expect(verification.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verification.checks.map((c) => c.name)).toContain('recovery-point-after-quiesce');
  });
});
