import { CreateImageCommand } from '@aws-sdk/client-ec2';
import { CreateDBClusterSnapshotCommand, CreateDBSnapshotCommand } from '@aws-sdk/client-rds';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { EmulatorAdmin, type QuotaName } from '../../../emulator/client.js';
import type { ResourceKind } from '../../domain/contract.js';
import { kindContext } from './context.js';
import { recoveryPointName } from './shared/names.js';
import type { PlanContext } from '../../domain/resources.js';
import {
  ensurePlanRoles,
  failureType,
  inspectors,
  preparedPlan,
  resolved,
  runStep,
  stepInput,
  unique,
  type Topology,
} from '../../../test/support/kinds.js';
import {
  planClusterSnapshots,
  planDbSnapshots,
  planImages,
  seedCluster,
  seedDbInstance,
  seedInstance,
} from '../../../test/support/snapshot-kinds.js';

// The four error families of the snapshot kinds, each through the activities against the emulator:
// AccessDenied (a refused AssumeRole), quotas (a count quota needs a person; a busy copy slot is
// retried), a name held by something else, and throttling. After each, compensation finds every
// thing the plan made by its tags: nothing is left behind untagged. Accounts of their own, so the
// faults and quotas set here touch no other test.

const PRIMARY = '313131313131';
const RECOVERY = '424242424242';
const topology: Topology = {
  name: 'errors',
  primary: {
    accountId: PRIMARY,
    region: 'sa-east-1',
    roleArn: `arn:aws:iam::${PRIMARY}:role/failback-access`,
    externalId: 'errors-external-id',
  },
  recovery: {
    accountId: RECOVERY,
    region: 'ca-central-1',
    roleArn: `arn:aws:iam::${RECOVERY}:role/dr-recovery`,
  },
};
const aws = inspectors(topology);

interface Fixture {
  kind: ResourceKind;
  service: 'ec2' | 'rds';
  /** The call that makes the recovery point, and the one that copies it. */
  createOperation: string;
  copyQuota: QuotaName;
  /** A count quota AWS answers when the account is full. */
  quotaError: { step: 'take' | 'restore'; account: string; operation: string; code: string; message: string };
  seed(): Promise<string>;
  /** Something that is not the plan's holds the recovery point's name. */
  squat(source: string, name: string): Promise<void>;
  /** Everything tagged with the plan id, in both environments. */
  leftovers(planId: string): Promise<string[]>;
}

const fixtures: Fixture[] = [
  {
    kind: 'ec2-instance',
    service: 'ec2',
    createOperation: 'CreateImage',
    copyQuota: 'ebsConcurrentSnapshotCopiesPerRegion',
    quotaError: {
      step: 'restore',
      account: PRIMARY,
      operation: 'RunInstances',
      code: 'InstanceLimitExceeded',
      message: 'Your quota allows for 0 more running instance(s). You requested at least 1.',
    },
    seed: () => seedInstance(aws.recovery.ec2, unique('web')),
    async squat(source, name) {
      await aws.recovery.ec2.send(new CreateImageCommand({ InstanceId: source, Name: name, NoReboot: true }));
    },
    async leftovers(planId) {
      const [recovery, primary] = await Promise.all([
        planImages(aws.recovery.ec2, planId),
        planImages(aws.primary.ec2, planId),
      ]);
      return [...recovery.images, ...recovery.snapshots, ...primary.images, ...primary.snapshots];
    },
  },
  {
    kind: 'rds-instance',
    service: 'rds',
    createOperation: 'CreateDBSnapshot',
    copyQuota: 'rdsCrossRegionSnapshotCopiesInProgress',
    quotaError: {
      step: 'take',
      account: RECOVERY,
      operation: 'CreateDBSnapshot',
      code: 'SnapshotQuotaExceeded',
      message: 'The request cannot be processed because it would exceed the maximum number of snapshots.',
    },
    async seed() {
      const id = unique('db');
      await seedDbInstance(aws.recovery.rds, id);
      return id;
    },
    async squat(source, name) {
      await aws.recovery.rds.send(
        new CreateDBSnapshotCommand({ DBInstanceIdentifier: source, DBSnapshotIdentifier: name }),
      );
    },
    async leftovers(planId) {
      return [
        ...(await planDbSnapshots(aws.recovery.rds, planId)),
        ...(await planDbSnapshots(aws.primary.rds, planId)),
      ];
    },
  },
  {
    kind: 'aurora-cluster',
    service: 'rds',
    createOperation: 'CreateDBClusterSnapshot',
    copyQuota: 'rdsCrossRegionSnapshotCopiesInProgress',
    quotaError: {
      step: 'take',
      account: RECOVERY,
      operation: 'CreateDBClusterSnapshot',
      code: 'SnapshotQuotaExceeded',
      message: 'The request cannot be processed because it would exceed the maximum number of snapshots.',
    },
    async seed() {
      const id = unique('cl');
      await seedCluster(aws.recovery.rds, id, 1);
      return id;
    },
    async squat(source, name) {
      await aws.recovery.rds.send(
        new CreateDBClusterSnapshotCommand({
          DBClusterIdentifier: source,
          DBClusterSnapshotIdentifier: name,
        }),
      );
    },
    async leftovers(planId) {
      return [
        ...(await planClusterSnapshots(aws.recovery.rds, planId)),
        ...(await planClusterSnapshots(aws.primary.rds, planId)),
      ];
    },
  },
];

const admin = () => new EmulatorAdmin(inject('awsEndpoint'));

describe.each(fixtures)('$kind: AWS errors are classified, nothing is left untagged', (fixture) => {
  let source: string;
  let plan: PlanContext;
  const resource = () => resolved(fixture.kind, source, unique('t'));

  beforeAll(async () => {
    await ensurePlanRoles(topology);
    source = await fixture.seed();
  });

  afterEach(async () => {
    await admin().clearFaults(RECOVERY);
    await admin().clearFaults(PRIMARY);
    await admin().clearAccountSettings(PRIMARY);
  });

  /** Compensation finds what the plan made by its tags; afterwards nothing of the plan is left. */
  async function expectNothingLeft(input: ReturnType<typeof stepInput>): Promise<void> {
    await runStep('compensateResource', { ...input, trafficServed: false });
    expect(await fixture.leftovers(input.plan.planId)).toEqual([]);
  }

  it('a role that refuses the plan (wrong ExternalId) is AccessDenied', async () => {
    plan = await preparedPlan(topology, unique('p'));
    const input = stepInput(plan, 'test-failback', resource());
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    const denied = { ...plan, primary: { ...plan.primary, externalId: 'not-the-external-id' } };
    const deniedInput = stepInput(denied, 'test-failback', input.resource);
    expect(await failureType(runStep('copyRecoveryPoint', { ...deniedInput, recoveryPoint }))).toBe(
      'AccessDenied',
    );
    await expectNothingLeft(input);
  });

  it('a full account is QuotaExceeded; a busy copy slot is CopySlotBusy, retried until a slot is free', async () => {
    plan = await preparedPlan(topology, unique('p'));
    const input = stepInput(plan, 'test-failback', resource());
    const { step, operation, code, message, account } = fixture.quotaError;
    // The emulator answers with AWS's own error for a full account.
    const full = () =>
      admin().addFault({
        type: 'error',
        status: 400,
        service: fixture.service,
        operation,
        code,
        message,
        account,
      });
    if (step === 'take') {
      await full();
      expect(await failureType(runStep('takeRecoveryPoint', input))).toBe('QuotaExceeded');
      await admin().clearFaults(account);
    }
    const recoveryPoint = await runStep('takeRecoveryPoint', input);

    await admin().setAccountSettings(PRIMARY, { quotas: { [fixture.copyQuota]: 0 } });
    expect(await failureType(runStep('copyRecoveryPoint', { ...input, recoveryPoint }))).toBe('CopySlotBusy');
    await admin().clearAccountSettings(PRIMARY);
    const copy = await runStep('copyRecoveryPoint', { ...input, recoveryPoint });

    if (step === 'restore') {
      await full();
      expect(await failureType(runStep('restoreIntoPrimary', { ...input, copy, recoveryPoint }))).toBe(
        'QuotaExceeded',
      );
    }
    await admin().clearFaults(account);
    await expectNothingLeft(input);
  });

  it('a recovery point name held by something else is NameConflict, and that thing is left alone', async () => {
    plan = await preparedPlan(topology, unique('p'));
    const input = stepInput(plan, 'test-failback', resource());
    const max = fixture.kind === 'ec2-instance' ? 128 : 255;
    // The name the run derives for its recovery point (the run is part of it, decision 0035).
    const name = recoveryPointName(kindContext(input), max);
    await fixture.squat(source, name);
    expect(await failureType(runStep('takeRecoveryPoint', input))).toBe('NameConflict');
    await expectNothingLeft(input);
    // The squatter is not the plan's: compensation did not touch it.
    const again = await failureType(runStep('takeRecoveryPoint', input));
    expect(again).toBe('NameConflict');
  });

  it('throttling beyond the SDK retries is Throttled (retryable); the retry makes exactly one', async () => {
    plan = await preparedPlan(topology, unique('p'));
    const input = stepInput(plan, 'test-failback', resource());
    await admin().addFault({
      type: 'throttle',
      service: fixture.service,
      operation: fixture.createOperation,
      account: RECOVERY,
    });
    expect(await failureType(runStep('takeRecoveryPoint', input))).toBe('Throttled');
    await admin().clearFaults(RECOVERY);
    const recoveryPoint = await runStep('takeRecoveryPoint', input);
    const made = await fixture.leftovers(plan.planId);
    expect(made.filter((id) => id === recoveryPoint.id)).toEqual([recoveryPoint.id]);
    await expectNothingLeft(input);
  });
});
