import { MockActivityEnvironment } from '@temporalio/testing';
import { ApplicationFailure } from '@temporalio/common';
import type { ResourceKind } from '../../src/domain/contract.js';
import { resourceKey, type Phase } from '../../src/domain/naming.js';
import type {
  AccessGrants,
  EnvironmentRef,
  PlanContext,
  ResolvedResource,
  StepInput,
} from '../../src/domain/resources.js';
import { ensureBootstrapRole, ensureRecoveryRole, withAccessRole } from './access.js';
import { awsEnvironment, type AwsEnvironment } from '../../src/activities/aws/clients.js';
import { resourceSteps } from '../../src/activities/resource-steps.js';
import { PRIMARY_ACCOUNT, RECOVERY_ACCOUNT, asAccount, TEST_EXTERNAL_ID } from './aws.js';

/** Where a kind's tests run: recovery in another region of the same account, or in another account. */
export interface Topology {
  name: string;
  primary: EnvironmentRef;
  recovery: EnvironmentRef;
}

export function topologies(primaryRegion: string, recoveryRegion: string): Topology[] {
  const primary: EnvironmentRef = {
    accountId: PRIMARY_ACCOUNT,
    region: primaryRegion,
    roleArn: `arn:aws:iam::${PRIMARY_ACCOUNT}:role/failback-access`,
    externalId: TEST_EXTERNAL_ID,
  };
  return [
    {
      name: 'same account, cross-region',
      primary,
      recovery: {
        accountId: PRIMARY_ACCOUNT,
        region: recoveryRegion,
        roleArn: `arn:aws:iam::${PRIMARY_ACCOUNT}:role/dr-recovery`,
      },
    },
    {
      name: 'cross-account, cross-region',
      primary,
      recovery: {
        accountId: RECOVERY_ACCOUNT,
        region: recoveryRegion,
        roleArn: `arn:aws:iam::${RECOVERY_ACCOUNT}:role/dr-recovery`,
      },
    },
  ];
}

/** The standing roles exist (recovery's, primary's bootstrap role) with the product's policies. */
export async function ensurePlanRoles(topology: Topology): Promise<void> {
  await ensureRecoveryRole(topology.recovery.accountId);
  await ensureBootstrapRole(topology.primary.accountId);
}

/** A short unique suffix: every test makes its own resources in the shared emulator. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1296)
    .toString(36)
    .padStart(2, '0')}`;
}

/**
 * A plan of the topology, with its own access role in primary made by the product's access stack (its
 * policy is scoped by the plan id), granted `grants` (the KMS keys and buckets preflight would find).
 */
export async function preparedPlan(
  topology: Topology,
  planId: string,
  grants: Partial<AccessGrants> = {},
): Promise<PlanContext> {
  return withAccessRole(
    { planId, application: 'shop', primary: topology.primary, recovery: topology.recovery },
    grants,
  );
}

export function resolved(
  kind: ResourceKind,
  source: string,
  target: string,
  options?: Record<string, unknown>,
): ResolvedResource {
  return { key: resourceKey({ kind, target }), kind, source, target, ...(options ? { options } : {}) };
}

export function stepInput(plan: PlanContext, phase: Phase, resource: ResolvedResource): StepInput {
  return { plan, phase, resource };
}

type Steps = typeof resourceSteps;

/** Runs one per-resource activity as the worker would: inside a (mock) activity context. */
export function runStep<K extends keyof Steps>(
  name: K,
  input: Parameters<Steps[K]>[0],
): ReturnType<Steps[K]> {
  const env = new MockActivityEnvironment({ activityType: name });
  const fn = resourceSteps[name] as (input: Parameters<Steps[K]>[0]) => ReturnType<Steps[K]>;
  return env.run(fn, input) as ReturnType<Steps[K]>;
}

/** The ApplicationFailure type a step failed with (or the error's name). */
export async function failureType(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof ApplicationFailure ? (error.type ?? 'ApplicationFailure') : String(error);
  }
  throw new Error('expected the step to fail');
}

/** The plan's own clients (the activities reuse these cached instances). */
export function planEnvironments(plan: PlanContext): { primary: AwsEnvironment; recovery: AwsEnvironment } {
  const sessionName = `failback-${plan.planId}`.slice(0, 64);
  return {
    primary: awsEnvironment(plan.primary, { sessionName }),
    recovery: awsEnvironment(plan.recovery, { sessionName }),
  };
}

/** Seeder/inspector clients for the plan's accounts and regions (not the plan's roles). */
export function inspectors(topology: Topology): { primary: AwsEnvironment; recovery: AwsEnvironment } {
  return {
    primary: asAccount(topology.primary.accountId, topology.primary.region),
    recovery: asAccount(topology.recovery.accountId, topology.recovery.region),
  };
}

/**
 * A crash between AWS's answer and the activity's: the first successful response to `commandName`
 * through this client is thrown away with a connection-style error, as if the worker died right
 * after AWS created the resource. Returns a function that removes the fault and says if it fired.
 */
export function crashAfterFirstSuccess(
  client: { middlewareStack: unknown },
  commandName: string,
): () => boolean {
  let fired = false;
  const name = `crash-after-${commandName}-${Math.random().toString(36).slice(2)}`;
  const stack = (client as { middlewareStack: MiddlewareStackLike }).middlewareStack;
  stack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: unknown) => {
        const result = await next(args);
        if (!fired && context.commandName === commandName) {
          fired = true;
          const error = new Error(`simulated crash after ${commandName} succeeded`);
          error.name = 'SimulatedWorkerCrash';
          throw error;
        }
        return result;
      },
    { step: 'initialize', name },
  );
  return () => {
    stack.remove(name);
    return fired;
  };
}

interface MiddlewareStackLike {
  add(middleware: unknown, options: { step: string; name: string }): void;
  remove(name: string): boolean;
}

/**
 * Runs `step` with a crash after the first successful `commandName` response on `client`: the step
 * must fail (the activity never learned what AWS did) and the fault must have fired.
 */
export async function crashOnce(
  client: { middlewareStack: unknown },
  commandName: string,
  step: () => Promise<unknown>,
): Promise<void> {
  const remove = crashAfterFirstSuccess(client, commandName);
  let failure: unknown;
  try {
    await step();
  } catch (error) {
    failure = error;
  }
  if (!remove()) throw new Error(`${commandName} was never answered: the simulated crash did not happen`);
  if (!(failure instanceof Error) || !failure.message.includes('simulated crash')) {
    throw new Error(`expected the step to fail with the simulated crash, got ${String(failure)}`);
  }
}
