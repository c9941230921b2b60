import { ORCHESTRATOR_ACCOUNT, type EmulatorAdmin, type TimingModel } from '../../emulator/client.js';
import { typicalMs } from '../../src/activities/aws/durations.js';
import { failbackChain, type ChainKind, type Topology } from './lower-bound.js';
import type { Mix } from './mix.js';

/** API calls per operation (`ec2:DescribeImages`) made in a set of accounts, read from the emulator. */
export type CallCounts = Record<string, number>;

/** The run's own accounts, plus the orchestrator's (its STS AssumeRole calls are counted there). */
export async function callsIn(admin: EmulatorAdmin, accounts: string[]): Promise<CallCounts> {
  const all = await admin.calls();
  const counts: CallCounts = {};
  for (const account of [...accounts, ORCHESTRATOR_ACCOUNT]) {
    for (const [operation, n] of Object.entries(all.byAccount[account] ?? {})) {
      counts[operation] = (counts[operation] ?? 0) + n;
    }
  }
  return counts;
}

export function difference(after: CallCounts, before: CallCounts): CallCounts {
  const result: CallCounts = {};
  for (const [operation, n] of Object.entries(after)) {
    const d = n - (before[operation] ?? 0);
    if (d > 0) result[operation] = d;
  }
  return result;
}

// Reads of the data itself (the DynamoDB copy and its verification), not state probes.
const DATA_READS = new Set(['dynamodb:Scan', 'dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:BatchGetItem']);

/** Describe/List/Get calls that look at a resource's state: what polling costs. */
export function isDescribe(operation: string): boolean {
  const name = operation.split(':')[1] ?? operation;
  return /^(Describe|List|Get)/.test(name) && !DATA_READS.has(operation);
}

export function sum(counts: CallCounts, filter: (operation: string) => boolean = () => true): number {
  return Object.entries(counts).reduce((n, [operation, c]) => n + (filter(operation) ? c : 0), 0);
}

/**
 * How many expected-duration intervals the plan's waits span: for every transition a resource waits
 * for, its duration in the emulator over the product's expected duration (durations.ts at the
 * emulator's scale), rounded up and at least 1. "≤ 2 describe calls per resource per interval" then
 * means a poller that probes about twice per expected duration, not one that spins.
 */
export function expectedIntervals(model: TimingModel, mix: Mix, topology: Topology): number {
  let intervals = 0;
  for (const kind of Object.keys(mix) as ChainKind[]) {
    const perResource = failbackChain(kind, topology).reduce((n, step) => {
      const expected = typicalMs(step.operation) * model.scale;
      return n + Math.max(1, Math.ceil(model.durationsMs[step.transition] / expected));
    }, 0);
    intervals += perResource * mix[kind];
  }
  return intervals;
}
