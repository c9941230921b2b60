import { timeScale } from './polling.js';

/**
 * Typical AWS durations (milliseconds at scale 1) of the operations the plan waits for, for a small
 * resource; the poller's first probe lands near them. Sources: AWS documentation and field experience;
 * real durations grow with data size, which progress-reporting resources (snapshots) correct for.
 */
const TYPICAL_MS = {
  'ec2:create-image': 10 * 60_000,
  'ec2:copy-image': 15 * 60_000,
  'ec2:run-instances': 60_000,
  'ec2:stop-instances': 60_000,
  'ec2:terminate-instances': 60_000,
  'rds:create-snapshot': 10 * 60_000,
  'rds:copy-snapshot': 15 * 60_000,
  'rds:restore-instance': 15 * 60_000,
  'rds:rename-instance': 5 * 60_000,
  'rds:delete-instance': 10 * 60_000,
  'aurora:create-snapshot': 5 * 60_000,
  'aurora:copy-snapshot': 15 * 60_000,
  'aurora:restore-cluster': 10 * 60_000,
  'aurora:create-instance': 10 * 60_000,
  'aurora:rename-cluster': 5 * 60_000,
  'aurora:delete-cluster': 10 * 60_000,
  'dynamodb:create-table': 30_000,
  'dynamodb:delete-table': 30_000,
  'dynamodb:create-backup': 60_000,
  'dynamodb:restore-table': 20 * 60_000,
  'dynamodb:export': 15 * 60_000,
  'dynamodb:import': 20 * 60_000,
  'cloudformation:create-stack': 60_000,
  'cloudformation:delete-stack': 60_000,
  'route53:change': 60_000,
} as const;

export type Operation = keyof typeof TYPICAL_MS;

export function expectedMs(operation: Operation): number {
  return TYPICAL_MS[operation] * timeScale();
}

/** The typical duration at scale 1 (AWS itself): the benchmark compares it with the emulator's model. */
export function typicalMs(operation: Operation): number {
  return TYPICAL_MS[operation];
}
