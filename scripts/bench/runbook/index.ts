import { AwsEnvironment, defaultClientSettings } from '../../../src/activities/aws/clients.js';
import type { ResourceSpec } from '../../../src/domain/plan-spec.js';
import { callsIn, difference, sum, type CallCounts } from '../aws-calls.js';
import type { ChainKind } from '../lower-bound.js';
import type { Mix } from '../mix.js';
import { seedBenchScenario } from '../seed.js';
import type { BenchStack } from '../stack.js';
import { failBackTable } from './dynamodb.js';
import { failBackInstance, stopAndWait } from './ec2.js';
import { failBackCluster, failBackDbInstance } from './rds.js';
import type { Runbook } from './steps.js';
import { ensureRole, orchestratorTrustPolicy } from '../../scenario/accounts.js';

export interface RunbookOptions {
  size: number;
  mix: Mix;
  itemsPerTable: number;
  log: (line: string) => void;
}

export interface RunbookResult {
  size: number;
  mix: Mix;
  /** From the first stop to the last resource verified, one resource after another. */
  wallMs: number;
  /** Mean time per resource of each kind: the extrapolation to other sizes scales these by the mix. */
  perKindMs: Partial<Record<ChainKind, number>>;
  calls: CallCounts;
  callsPerResource: number;
}

const KIND_OF: Record<ResourceSpec['kind'], ChainKind> = {
  'ec2-instance': 'ec2',
  'rds-instance': 'rds',
  'aurora-cluster': 'aurora',
  'dynamodb-table': 'dynamodb',
};

const STEPS: Record<ChainKind, (runbook: Runbook, resource: ResourceSpec) => Promise<void>> = {
  ec2: failBackInstance,
  rds: failBackDbInstance,
  aurora: failBackCluster,
  dynamodb: failBackTable,
};

/**
 * The way failbacks are done today: a script that does the same AWS operations with the same SDK,
 * one resource after another, waiting like the AWS CLI's waiters. It stops the application's
 * instances first (as the plan's quiesce does), then fails back each resource and verifies it.
 */
/** What an administrator may do (AWS's AdministratorAccess). */
const ADMINISTRATOR = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };

export async function runRunbook(stack: BenchStack, options: RunbookOptions): Promise<RunbookResult> {
  const runId = `runbook-${options.size}-${Date.now().toString(36)}`;
  const scenario = await seedBenchScenario({
    planId: runId,
    mix: options.mix,
    itemsPerTable: options.itemsPerTable,
    concurrency: 1,
    log: options.log,
    admin: stack.emulator,
  });
  const { spec } = scenario;
  const settings = { ...defaultClientSettings(), endpoint: stack.awsEndpoint, sessionName: runId };
  // A person doing it by hand, as an administrator of both accounts (IAM is enforced).
  const [recoveryAdmin, primaryAdmin] = await Promise.all(
    [spec.recovery, spec.primary].map((env) =>
      ensureRole(env.accountId, 'runbook-admin', orchestratorTrustPolicy(), ADMINISTRATOR),
    ),
  );
  const runbook: Runbook = {
    recovery: new AwsEnvironment({ ...spec.recovery, roleArn: recoveryAdmin! }, settings),
    primary: new AwsEnvironment({ ...spec.primary, roleArn: primaryAdmin!, externalId: undefined }, settings),
    primaryAccount: spec.primary.accountId,
    recoveryRegion: spec.recovery.region,
    scale: stack.model.scale,
    runId,
  };
  const accounts = [scenario.primary.accountId, scenario.recovery.accountId];
  const resources = spec.resources ?? [];
  const spent: Partial<Record<ChainKind, number>> = {};
  const add = (kind: ChainKind, ms: number) => (spent[kind] = (spent[kind] ?? 0) + ms);

  const callsBefore = await callsIn(stack.emulator, accounts);
  const started = Date.now();
  for (const resource of resources.filter((r) => r.kind === 'ec2-instance')) {
    const t = Date.now();
    await stopAndWait(runbook, runbook.recovery, resource.source);
    add('ec2', Date.now() - t);
  }
  let done = 0;
  for (const resource of resources) {
    const kind = KIND_OF[resource.kind];
    const t = Date.now();
    await STEPS[kind](runbook, resource);
    add(kind, Date.now() - t);
    if (++done % 10 === 0 || done === resources.length)
      options.log(`  ${done}/${resources.length} done after ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }
  const wallMs = Date.now() - started;
  const calls = difference(await callsIn(stack.emulator, accounts), callsBefore);
  const perKindMs: RunbookResult['perKindMs'] = {};
  for (const kind of Object.keys(spent) as ChainKind[]) perKindMs[kind] = spent[kind]! / options.mix[kind];
  return {
    size: options.size,
    mix: options.mix,
    wallMs,
    perKindMs,
    calls,
    callsPerResource: sum(calls) / options.size,
  };
}
