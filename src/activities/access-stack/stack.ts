import {
  CreateStackCommand,
  ListStacksCommand,
  DeleteStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  type Stack,
} from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { log } from '@temporalio/activity';
import { accessGrantProblems } from '../../domain/access-limits.js';
import { accessStackName, clientToken, planExportPrefix } from '../../domain/naming.js';
import type { PrimaryEnvironment } from '../../domain/plan-spec.js';
import type { AccessGrants, AccessStackResult } from '../../domain/resources.js';
import type { NeedsPersonFailure } from '../../domain/failures.js';
import { awsEnvironment, defaultClientSettings, type AwsEnvironment } from '../aws/clients.js';
import { aws, awsErrorCode, needsPersonFailure } from '../aws/errors.js';
import { expectedMs } from '../aws/durations.js';
import { pollUntil } from '../aws/polling.js';
import { isOwnedByPlan, planTags } from '../aws/tags.js';
import { accessBoundaryArn } from './policies/index.js';
import { orchestratorTrust, splitRoleArn } from './principal.js';
import template from './template.json' with { type: 'json' };

export interface AccessStackInput {
  planId: string;
  primary: PrimaryEnvironment;
  /** Keys and buckets found by preflight: the role is granted exactly these. */
  grants?: AccessGrants;
  /** The hosted zone of a Route 53 cutover: the role changes records in that zone only. */
  hostedZoneId?: string;
  /**
   * The plan run (its workflow's first run id, as the retirement tags carry it): the role renames back
   * only what this run retired, not what an earlier run of the plan id retired and an operator kept.
   */
  planRun?: string;
}

/** The template's parameters: the role, whom it trusts, and what preflight found it needs. */
export async function stackParameters(input: AccessStackInput): Promise<Record<string, string>> {
  const { planId, primary, grants } = input;
  const role = splitRoleArn(primary.roleArn);
  const trust = await orchestratorTrust();
  const primaryKeys = new Set(grants?.primaryKmsKeyArns ?? []);
  if (primary.kmsKeyId?.startsWith('arn:')) primaryKeys.add(primary.kmsKeyId);
  const buckets = [...new Set(grants?.exportBuckets ?? [])];
  return {
    PlanId: planId,
    PlanRun: input.planRun ?? '',
    RoleName: role.name,
    RolePath: role.path,
    OrchestratorPrincipalArn: trust.principal,
    OrchestratorPrincipalArnPatterns: trust.principalArnPatterns.join(','),
    ExternalId: primary.externalId,
    // The bootstrap role makes only roles bounded by the customer's boundary (decision 0044).
    PermissionsBoundaryArn: primary.bootstrapRoleArn
      ? accessBoundaryArn(primary.accountId, primary.bootstrapRoleArn)
      : '',
    PrimaryKmsKeyArns: [...primaryKeys].join(','),
    RecoveryKmsKeyArns: [...new Set(grants?.recoveryKmsKeyArns ?? [])].join(','),
    ExportBucketArns: buckets.map((b) => `arn:aws:s3:::${b}`).join(','),
    ExportObjectArns: buckets.map((b) => `arn:aws:s3:::${b}/${planExportPrefix(planId)}/*`).join(','),
    HostedZoneId: input.hostedZoneId ?? '',
    InstanceRoleArns: [...new Set(grants?.instanceRoleArns ?? [])].join(','),
    MonitoringRoleArns: [...new Set(grants?.monitoringRoleArns ?? [])].join(','),
    RdsResourceArns: [...new Set(grants?.rdsResourceArns ?? [])].join(','),
    RdsRetiredArns: [...new Set(grants?.rdsRetiredArns ?? [])].join(','),
    DynamoDbTableArns: [...new Set(grants?.dynamoDbTableArns ?? [])].join(','),
  };
}

const FAILED = new Set(['CREATE_FAILED', 'ROLLBACK_COMPLETE', 'ROLLBACK_FAILED']);

function bootstrap(input: AccessStackInput): AwsEnvironment {
  const { accountId, region, bootstrapRoleArn, externalId } = input.primary;
  return awsEnvironment(
    { accountId, region, roleArn: bootstrapRoleArn ?? '', externalId },
    { sessionName: `failback-${input.planId}-bootstrap`.slice(0, 64) },
  );
}

/** The parameters of `stack` that differ from `wanted` (none: undefined); NoEcho ones read `****`. */
function staleParameters(stack: Stack, wanted: Record<string, string>): string[] | undefined {
  const has = new Map((stack.Parameters ?? []).map((p) => [p.ParameterKey ?? '', p.ParameterValue ?? '']));
  const declared = template.Parameters as Record<string, { NoEcho?: boolean }>;
  const differ = Object.keys(wanted)
    .filter((key) => !declared[key]?.NoEcho)
    .filter((key) => (has.get(key) ?? '') !== wanted[key]);
  return differ.length ? differ : undefined;
}

async function describeStack(env: AwsEnvironment, name: string): Promise<Stack | undefined> {
  return aws({ what: `DescribeStacks ${name}`, roleArn: env.access.roleArn }, async () => {
    try {
      const out = await env.cloudformation.send(new DescribeStacksCommand({ StackName: name }));
      return out.Stacks?.[0];
    } catch (error) {
      if (awsErrorCode(error) === 'ValidationError' && /does not exist/.test((error as Error).message))
        return undefined;
      throw error;
    }
  });
}

/**
 * How many stacks of this name were deleted before (a failed one is removed so `retry` can create it
 * anew): part of the CreateStack token, which CloudFormation would otherwise take for the old request.
 */
async function deletedBefore(env: AwsEnvironment, name: string): Promise<number> {
  let count = 0;
  let NextToken: string | undefined;
  do {
    const out = await aws({ what: 'ListStacks', roleArn: env.access.roleArn }, () =>
      env.cloudformation.send(new ListStacksCommand({ StackStatusFilter: ['DELETE_COMPLETE'], NextToken })),
    );
    count += (out.StackSummaries ?? []).filter((s) => s.StackName === name).length;
    NextToken = out.NextToken;
  } while (NextToken);
  return count;
}

/** Why the stack failed, from its events: the first resource failure (not the stack's summary). */
async function failureReason(env: AwsEnvironment, name: string): Promise<string> {
  const out = await aws({ what: `DescribeStackEvents ${name}`, roleArn: env.access.roleArn }, () =>
    env.cloudformation.send(new DescribeStackEventsCommand({ StackName: name })),
  );
  const failures = (out.StackEvents ?? []).filter(
    (e) => /FAILED$/.test(e.ResourceStatus ?? '') && e.ResourceStatusReason,
  );
  const resource = failures.filter((e) => e.ResourceType !== 'AWS::CloudFormation::Stack').at(-1);
  const chosen = resource ?? failures.at(-1);
  return chosen
    ? `${chosen.LogicalResourceId ?? ''}: ${chosen.ResourceStatusReason ?? ''}`
    : 'no failure event recorded';
}

function failureType(reason: string): NeedsPersonFailure {
  if (/not authorized|AccessDenied|UnauthorizedOperation/i.test(reason)) return 'AccessDenied';
  if (/already exists|EntityAlreadyExists/i.test(reason)) return 'NameConflict';
  if (/limit|quota/i.test(reason)) return 'QuotaExceeded';
  return 'InvalidParameter';
}

async function waitFor(
  env: AwsEnvironment,
  name: string,
  until: (s: Stack | undefined) => boolean,
  op: 'cloudformation:create-stack' | 'cloudformation:delete-stack',
) {
  return pollUntil(
    `stack ${name}`,
    async () => {
      const stack = await describeStack(env, name);
      const status = stack?.StackStatus ?? 'DELETE_COMPLETE';
      return {
        done: until(stack) || FAILED.has(status) || status === 'DELETE_FAILED',
        value: stack,
        state: status,
      };
    },
    { expectedMs: expectedMs(op) },
  );
}

async function deleteAndWait(env: AwsEnvironment, planId: string, name: string): Promise<Stack | undefined> {
  await aws({ what: `DeleteStack ${name}`, roleArn: env.access.roleArn }, () =>
    env.cloudformation.send(
      new DeleteStackCommand({
        StackName: name,
        ClientRequestToken: clientToken(planId, 'plan', 'delete-access-stack', name),
      }),
    ),
  );
  return waitFor(env, name, (s) => !s || s.StackStatus === 'DELETE_COMPLETE', 'cloudformation:delete-stack');
}

/**
 * Proves the role works as the plan will use it: AssumeRole with the ExternalId from the worker's own
 * credentials, then GetCallerIdentity. IAM is eventually consistent, so a new role gets a short while.
 */
async function verifyRole(primary: PrimaryEnvironment, planId: string, patient: boolean): Promise<void> {
  const { endpoint } = defaultClientSettings();
  const config = { region: primary.region, ...(endpoint ? { endpoint } : {}) };
  const tryOnce = async () => {
    const sts = new STSClient({
      ...config,
      credentials: fromTemporaryCredentials({
        params: {
          RoleArn: primary.roleArn,
          RoleSessionName: `failback-${planId}-verify`.slice(0, 64),
          ExternalId: primary.externalId,
        },
        clientConfig: config,
      }),
    });
    try {
      const { Account } = await sts.send(new GetCallerIdentityCommand({}));
      if (Account !== primary.accountId)
        throw needsPersonFailure(
          'InvalidParameter',
          `${primary.roleArn} acts in account ${Account}, not ${primary.accountId}`,
        );
    } finally {
      sts.destroy();
    }
  };
  const what = { what: `AssumeRole ${primary.roleArn} with the plan's ExternalId`, roleArn: primary.roleArn };
  if (!patient) return aws(what, tryOnce);
  let lastError: unknown;
  await pollUntil(
    `role ${primary.roleArn} assumable`,
    async () => {
      try {
        await tryOnce();
        return { done: true };
      } catch (error) {
        lastError = error;
        return { done: false, state: awsErrorCode(error) ?? 'error' };
      }
    },
    {
      expectedMs: expectedMs('cloudformation:create-stack') / 6,
      timeoutMs: Math.max(2000, expectedMs('cloudformation:create-stack') * 2),
    },
  ).catch(() => aws(what, () => Promise.reject(lastError)));
}

/**
 * Creates the plan's access stack in primary through the bootstrap role (idempotent: ClientRequestToken,
 * and an existing stack of this plan is adopted), waits for it, and verifies the role. A failed stack
 * is deleted (it holds nothing) after its reason is read, so `retry` after the fix can create it again.
 * Without a bootstrap role the access role must already exist: it is verified and reported 'existing'.
 */
export async function ensureAccessStack(input: AccessStackInput): Promise<AccessStackResult> {
  const { planId, primary } = input;
  if (!primary.bootstrapRoleArn) {
    await verifyRole(primary, planId, false);
    return { stackName: '', roleArn: primary.roleArn, state: 'existing' };
  }
  const env = bootstrap(input);
  const name = accessStackName(planId);
  let stack = await describeStack(env, name);
  if (stack && stack.StackStatus !== 'DELETE_COMPLETE' && !isOwnedByPlan(stack.Tags, planId))
    throw needsPersonFailure(
      'NameConflict',
      `CloudFormation stack ${name} exists in primary and was not created by plan ${planId}`,
    );
  const stale =
    stack?.StackStatus === 'CREATE_COMPLETE' && staleParameters(stack, await stackParameters(input));
  if (stale) {
    // Left by an earlier run of this plan id (a terminated workflow) or made before the grants changed:
    // its role would grant the names of that run, not this one's. It holds only the role: made anew.
    log.warn('access stack has other parameters: replaced', { planId, stackName: name, parameters: stale });
    await deleteAndWait(env, planId, name);
    stack = await describeStack(env, name);
  }
  if (!stack || stack.StackStatus === 'DELETE_COMPLETE') {
    // Preflight blocks such a plan; a plan recorded before the limits gets the reason before IAM's refusal.
    const problems = input.grants ? accessGrantProblems(input.grants, primary.kmsKeyId) : [];
    if (problems.length > 0)
      throw needsPersonFailure(
        'InvalidParameter',
        `access stack ${name} not created: ${problems.map((p) => p.message).join('; ')}`,
      );
    const parameters = await stackParameters(input);
    const token = clientToken(planId, 'plan', `access-stack-${await deletedBefore(env, name)}`, name);
    await aws({ what: `CreateStack ${name}`, roleArn: env.access.roleArn }, () =>
      env.cloudformation.send(
        new CreateStackCommand({
          StackName: name,
          TemplateBody: JSON.stringify(template),
          Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
            ParameterKey,
            ParameterValue,
          })),
          Capabilities: ['CAPABILITY_NAMED_IAM'],
          ClientRequestToken: token,
          Tags: planTags(planId, 'access-stack', primary.roleArn),
        }),
      ),
    );
  }
  stack = await waitFor(
    env,
    name,
    (s) => s?.StackStatus === 'CREATE_COMPLETE',
    'cloudformation:create-stack',
  );
  const status = stack?.StackStatus ?? 'DELETE_COMPLETE';
  if (status !== 'CREATE_COMPLETE') {
    const reason = await failureReason(env, name);
    await deleteAndWait(env, planId, name);
    throw needsPersonFailure(
      failureType(reason),
      `access stack ${name} failed (${status}): ${reason}. The failed stack was removed`,
      {
        stackName: name,
        status,
        reason,
      },
    );
  }
  const roleArn = stack?.Outputs?.find((o) => o.OutputKey === 'RoleArn')?.OutputValue ?? primary.roleArn;
  if (roleArn !== primary.roleArn)
    throw needsPersonFailure(
      'InvalidParameter',
      `access stack ${name} made ${roleArn}, but the plan names ${primary.roleArn}`,
    );
  await verifyRole(primary, planId, true);
  return { stackName: name, roleArn, state: 'created' };
}

/**
 * Deletes the plan's access stack (only one tagged with this plan) and waits; done if there is none,
 * or when the plan created none (no bootstrap role: the role was the operator's).
 */
export async function deleteAccessStack(input: AccessStackInput): Promise<void> {
  if (!input.primary.bootstrapRoleArn) return;
  const env = bootstrap(input);
  const name = accessStackName(input.planId);
  const stack = await describeStack(env, name);
  if (!stack || stack.StackStatus === 'DELETE_COMPLETE') return;
  if (!isOwnedByPlan(stack.Tags, input.planId))
    throw needsPersonFailure(
      'NameConflict',
      `CloudFormation stack ${name} was not created by plan ${input.planId}: not deleting it`,
    );
  const after = await deleteAndWait(env, input.planId, name);
  if (after && after.StackStatus !== 'DELETE_COMPLETE') {
    const reason = await failureReason(env, name);
    throw needsPersonFailure(
      failureType(reason),
      `deleting access stack ${name} failed (${after.StackStatus}): ${reason}`,
    );
  }
  log.info('access stack deleted', { planId: input.planId, stackName: name });
}
