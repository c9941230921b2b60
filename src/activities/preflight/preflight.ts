import { accessStackName, testTargetName } from '../../domain/naming.js';
import { accountWideRdsArns } from '../../domain/rds-names.js';
import { accountWideTableArns } from '../../domain/table-names.js';
import { accessLimitFindings } from '../../domain/access-limits.js';
import { checkAccessBoundary } from './boundary.js';
import { checkPlanRules } from '../../domain/plan-rules.js';
import { PlanSpecSchema, type PlanSpec } from '../../domain/plan-spec.js';
import { Value } from 'typebox/value';
import type {
  AccessGrants,
  PlanContext,
  PreflightFinding,
  PreflightReport,
  ResolvedResource,
} from '../../domain/resources.js';
import { boundedAll } from '../../workflows/bounded.js';
import { awsEnvironment } from '../aws/clients.js';
import { awsErrorCode, throwIfTransient } from '../aws/errors.js';
import { heartbeat } from '../aws/heartbeat.js';
import { kindContext } from '../kinds/context.js';
import { kindModule } from '../kinds/index.js';
import { runCode } from '../kinds/shared/names.js';
import { checkAccess, checkKmsKey } from './access.js';
import { earlierRunFindings } from './earlier-runs.js';
import { resolveResources } from './resolve.js';

/** Resources checked at once: each check is a few describe calls, a plan may hold thousands. */
const PREFLIGHT_CONCURRENCY = 8;

export interface PreflightInput {
  spec: PlanSpec;
  /** The caller's clock (ISO 8601, or ms since epoch), for the maintenance-window rule. */
  now?: string | number;
  /**
   * The plan run this preflight is the first stage of (decision 0035): the names it grants and checks
   * are this run's. A dry run (POST /v1/preflight) has none and grants the names of any run.
   */
  planRun?: string;
}

/**
 * The plan's dry run (POST /v1/preflight and the plan's first stage). Read-only: it only describes.
 * The primary side is reached through the bootstrap role when the plan creates the access stack (the
 * access role does not exist yet), else through the access role.
 */
export async function preflightPlan({ spec, now, planRun }: PreflightInput): Promise<PreflightReport> {
  // A plan started from the Temporal CLI skipped the API's schema validation: check it here first, and
  // touch no environment with a malformed spec.
  const malformed = schemaFindings(spec);
  if (malformed.length > 0) {
    return { ok: false, resources: [], findings: malformed, wouldCreate: [], wouldRetire: [], wouldCopy: [] };
  }
  const clock = typeof now === 'string' ? Date.parse(now) : now;
  const findings: PreflightFinding[] = checkPlanRules(spec, Number.isFinite(clock) ? clock : undefined).map(
    (e) => ({
      severity: 'error',
      check: 'spec',
      message: `${e.path}: ${e.message}`,
    }),
  );
  const primaryRole = spec.primary.bootstrapRoleArn ?? spec.primary.roleArn;
  const plan: PlanContext = {
    planId: spec.planId,
    application: spec.application,
    primary: { ...spec.primary, roleArn: primaryRole },
    recovery: spec.recovery,
    ...(planRun ? { planRun } : {}),
  };
  const sessionName = `failback-${spec.planId}-preflight`.slice(0, 64);
  const primaryEnv = awsEnvironment(plan.primary, { sessionName });
  const recoveryEnv = awsEnvironment(plan.recovery, { sessionName });
  const [primaryAccess, recoveryAccess] = await Promise.all([
    checkAccess(primaryEnv, 'primary'),
    checkAccess(recoveryEnv, 'recovery'),
  ]);
  findings.push(...primaryAccess, ...recoveryAccess);
  if (primaryAccess.length === 0) {
    findings.push(...(await checkKmsKey(primaryEnv, 'primary', spec.primary.kmsKeyId)));
    findings.push(...(await checkAccessBoundary(primaryEnv, spec.primary.bootstrapRoleArn)));
  }
  if (recoveryAccess.length === 0)
    findings.push(...(await checkKmsKey(recoveryEnv, 'recovery', spec.recovery.kmsKeyId)));

  const { resources, findings: selection } =
    recoveryAccess.length === 0 ? await resolveResources(spec, recoveryEnv) : { resources: [], findings: [] };
  findings.push(...selection);
  if (primaryAccess.length === 0) findings.push(...(await earlierRuns(spec.planId, primaryEnv, resources)));

  const report: PreflightReport = {
    ok: false,
    resources: [],
    findings,
    access: { primaryKmsKeyArns: [], recoveryKmsKeyArns: [], exportBuckets: [] },
    wouldCreate: [],
    wouldRetire: [],
    wouldCopy: [],
  };
  if (spec.primary.bootstrapRoleArn)
    report.wouldCreate.push(
      `CloudFormation stack ${accessStackName(spec.planId)} with role ${spec.primary.roleArn}`,
    );
  let checkedCount = 0;
  const checkedResources = await boundedAll(resources, PREFLIGHT_CONCURRENCY, async (resource) => {
    const checked = await preflightResource(plan, resource, primaryAccess.length === 0);
    // Every resource checked proves progress: a large plan takes longer than the heartbeat timeout.
    heartbeat({ preflight: `${++checkedCount}/${resources.length}` });
    return checked;
  });
  for (const [i, { resource: checked, findings: found, grants }] of checkedResources.entries()) {
    const resource = resources[i]!;
    addGrants(report.access!, grants);
    // In the resources' order, whichever check finished first.
    findings.push(...found);
    report.resources.push(checked);
    const where = `${spec.recovery.accountId}/${spec.recovery.region} → ${spec.primary.accountId}/${spec.primary.region}`;
    report.wouldCopy.push(`${resource.kind} ${resource.source} (${where}) as ${resource.target}`);
    if (spec.options?.testFailback !== false)
      report.wouldCreate.push(
        `${resource.kind} ${testTargetName(resource.target, spec.planId, resource.kind)} (test copy, removed after validation)`,
      );
    report.wouldCreate.push(`${resource.kind} ${resource.target}`);
    if (checked.primaryExists)
      report.wouldRetire.push(`${resource.kind} ${resource.target} (${retireHow(resource)})`);
  }
  const access = report.access!;
  if (spec.options?.databaseAccess === 'account' && (access.rdsResourceArns ?? access.dynamoDbTableArns)) {
    const { accountId, region } = spec.primary;
    if (access.rdsResourceArns)
      Object.assign(access, accountWideRdsArns(spec.planId, accountId, region, runCode({ plan })));
    if (access.dynamoDbTableArns) access.dynamoDbTableArns = accountWideTableArns(accountId, region);
    findings.push({
      severity: 'warning',
      check: 'quota',
      message:
        "access stack: options.databaseAccess is 'account': the access role may tag, rename and modify any " +
        'RDS database, and write or delete any DynamoDB table, of primary, not only the ones this plan ' +
        'names (decisions 0045, 0046)',
    });
  }
  // The access stack grants exactly what was found: past what its role is sized for, IAM would refuse it.
  findings.push(...accessLimitFindings(spec, report.access!));
  report.ok = !findings.some((f) => f.severity === 'error');
  return report;
}

/** Adds a resource's grants to the plan's, once each. */
function addGrants(into: AccessGrants, grants: Partial<AccessGrants> | undefined): void {
  for (const field of ['primaryKmsKeyArns', 'recoveryKmsKeyArns', 'exportBuckets'] as const) {
    for (const value of grants?.[field] ?? []) if (!into[field].includes(value)) into[field].push(value);
  }
  for (const field of [
    'instanceRoleArns',
    'monitoringRoleArns',
    'rdsResourceArns',
    'rdsRetiredArns',
    'dynamoDbTableArns',
  ] as const) {
    for (const arn of grants?.[field] ?? []) {
      const list = (into[field] ??= []);
      if (!list.includes(arn)) list.push(arn);
    }
  }
}

function retireHow(resource: ResolvedResource): string {
  if (resource.kind === 'dynamodb-table') return 'backed up (kept), then replaced';
  if (resource.kind === 'ec2-instance') return 'stopped and tagged retired';
  return 'renamed <id>-pre-failback-<date>';
}

async function preflightResource(
  plan: PlanContext,
  resource: ResolvedResource,
  primaryReachable: boolean,
): Promise<{ resource: ResolvedResource; findings: PreflightFinding[]; grants?: Partial<AccessGrants> }> {
  if (!primaryReachable) return { resource, findings: [] };
  try {
    const module = kindModule(resource.kind);
    const result = await module.preflight(kindContext({ plan, phase: 'failback', resource }));
    return {
      resource: {
        ...resource,
        primaryExists: result.primaryExists,
        ...(result.sourceDetails
          ? { sourceDetails: { ...resource.sourceDetails, ...result.sourceDetails } }
          : {}),
      },
      findings: result.findings,
      ...(result.grants ? { grants: result.grants } : {}),
    };
  } catch (error) {
    throwIfTransient(error, 'preflight');
    const finding: PreflightFinding = {
      resource: resource.key,
      severity: 'error',
      check: 'exists',
      message: `preflight of ${resource.key} failed: ${awsErrorCode(error) ?? ''} ${(error as Error).message}`,
    };
    return { resource, findings: [finding] };
  }
}

/** What an earlier plan with this id left in primary; a probe that cannot look is a finding too. */
async function earlierRuns(
  planId: string,
  primary: ReturnType<typeof awsEnvironment>,
  resources: ResolvedResource[],
): Promise<PreflightFinding[]> {
  try {
    return await earlierRunFindings(planId, primary, resources);
  } catch (error) {
    throwIfTransient(error, 'preflight');
    return [
      {
        severity: 'error',
        check: 'access',
        message: `could not look for resources an earlier plan ${planId} left in primary: ${(error as Error).message}`,
      },
    ];
  }
}

/** Every schema violation of the spec (the API's 400 rules), as spec findings. */
export function schemaFindings(spec: unknown): PreflightFinding[] {
  return [...Value.Errors(PlanSpecSchema, spec)].map((e) => ({
    severity: 'error' as const,
    check: 'spec' as const,
    message: `${e.instancePath || '/'}: ${e.message}`,
  }));
}
