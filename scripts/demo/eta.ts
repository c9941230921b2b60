import type { DurationKind, TimingModel } from '../../emulator/client.js';
import type { ResourceKind } from '../../src/domain/contract.js';
import type { PlanStatus } from '../../src/domain/status.js';

/** The copy phases' steps, in order: what is left of a resource once it is in one of them. */
const PIPELINE = [
  'quiesceSource',
  'takeRecoveryPoint',
  'waitForCopySlot',
  'copyRecoveryPoint',
  'restoreAndVerify',
];
const ALIASES: Record<string, string> = {
  restoreIntoPrimary: 'restoreAndVerify',
  verifyRestore: 'restoreAndVerify',
};

/** The emulator's transitional states each step waits on, per kind (what its profile times). */
const WAITS: Record<string, Record<ResourceKind, DurationKind[]>> = {
  quiesceSource: {
    'ec2-instance': ['ec2.instance'],
    'rds-instance': [],
    'aurora-cluster': [],
    'dynamodb-table': [],
  },
  takeRecoveryPoint: {
    'ec2-instance': ['ec2.image'],
    'rds-instance': ['rds.snapshot'],
    'aurora-cluster': ['rds.cluster-snapshot'],
    'dynamodb-table': ['dynamodb.backup'],
  },
  copyRecoveryPoint: {
    'ec2-instance': ['ec2.image-copy'],
    'rds-instance': ['rds.snapshot-copy'],
    'aurora-cluster': ['rds.cluster-snapshot-copy'],
    'dynamodb-table': [],
  },
  restoreAndVerify: {
    'ec2-instance': ['ec2.instance'],
    'rds-instance': ['rds.instance-rename', 'rds.instance-restore'],
    'aurora-cluster': ['rds.cluster-rename', 'rds.cluster-restore', 'rds.instance'],
    'dynamodb-table': ['dynamodb.backup', 'dynamodb.restore'],
  },
};

export type StepDurations = (kind: ResourceKind, key: string, step: string) => number | undefined;

/**
 * How long a step takes, in seconds: as the same resource's same step took in the test failback
 * (recorded in the plan's status), else as the emulator's timing profile says.
 */
export function stepDurations(status: PlanStatus, model: TimingModel | undefined): StepDurations {
  return (kind, key, rawStep) => {
    const step = ALIASES[rawStep] ?? rawStep;
    const recorded = status.resources
      .find((r) => r.key === key)
      ?.timings?.['test-failback']?.find((t) => t.step === step && t.finishedAt);
    if (recorded) return (Date.parse(recorded.finishedAt!) - Date.parse(recorded.startedAt)) / 1000;
    const waits = WAITS[step]?.[kind];
    if (!model || !waits) return undefined;
    return waits.reduce((sum, wait) => sum + (model.durationsMs[wait] ?? 0), 0) / 1000;
  };
}

/**
 * Seconds a resource still needs in a copy phase: what is left of its current step (its expected
 * duration less the time already in it, at least a second while it runs) and every step after it.
 * Undefined outside the copy pipeline or when nothing is known of a step.
 */
export function remainingSeconds(
  durations: StepDurations,
  row: { kind: ResourceKind; key: string; step: string; state: string; inStepSeconds: number },
): number | undefined {
  if (row.state === 'succeeded' || row.state === 'failed') return 0;
  const step = ALIASES[row.step] ?? row.step;
  const at = PIPELINE.indexOf(step);
  if (at < 0) return undefined;
  let total = 0;
  for (let i = at; i < PIPELINE.length; i++) {
    if (PIPELINE[i] === 'waitForCopySlot') continue;
    const expected = durations(row.kind, row.key, PIPELINE[i]!);
    if (expected === undefined) return undefined;
    total += i === at ? Math.max(1, expected - row.inStepSeconds) : expected;
  }
  return total;
}
