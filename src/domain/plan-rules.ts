/**
 * Rules of a plan spec that a JSON schema cannot express: account and region consistency, duplicate
 * targets, what the access stack's role is sized for (access-limits.ts). Pure: the API runs them after schema validation (400
 * with every error), preflight runs them again for plans started from the Temporal CLI.
 */
import type { PlanSpec } from './plan-spec.js';
import { checkAccessLimits } from './access-limits.js';
import { resourceKey } from './naming.js';

export interface FieldError {
  /** JSON pointer into the spec, e.g. /resources/2/target */
  path: string;
  message: string;
}

function arnAccount(arn: string): string | undefined {
  return /^arn:aws[a-z-]*:iam::([0-9]{12}):role\//.exec(arn)?.[1];
}

/** `now` (ms since epoch) only matters for the maintenance window: pass the caller's clock. */
/**
 * `accessLimits`: also the access stack's bounds (decision 0042). A plan workflow started before those
 * bounds existed asks without them (its history was recorded without; patch access-limits).
 */
export function checkPlanRules(
  spec: PlanSpec,
  now?: number,
  options: { accessLimits?: boolean } = {},
): FieldError[] {
  const errors: FieldError[] = [];
  const add = (path: string, message: string) => errors.push({ path, message });

  for (const side of ['primary', 'recovery'] as const) {
    const env = spec[side];
    if (arnAccount(env.roleArn) !== env.accountId) {
      add(`/${side}/roleArn`, `role must be in the ${side} account ${env.accountId}`);
    }
  }
  if (spec.primary.bootstrapRoleArn && arnAccount(spec.primary.bootstrapRoleArn) !== spec.primary.accountId) {
    add('/primary/bootstrapRoleArn', `role must be in the primary account ${spec.primary.accountId}`);
  }
  if (spec.primary.accountId === spec.recovery.accountId && spec.primary.region === spec.recovery.region) {
    add('/recovery', 'recovery must be another account or another region than primary');
  }
  for (const side of ['primary', 'recovery'] as const) {
    const key = spec[side].kmsKeyId;
    const arn = key && /^arn:aws[a-z-]*:kms:([a-z0-9-]+):([0-9]{12}):/.exec(key);
    if (arn && (arn[1] !== spec[side].region || arn[2] !== spec[side].accountId)) {
      add(
        `/${side}/kmsKeyId`,
        `KMS key must be in the ${side} account and region (${spec[side].accountId}, ${spec[side].region})`,
      );
    }
  }

  const resources = spec.resources ?? [];
  if (resources.length === 0 && !spec.select) add('/resources', 'give resources, a select, or both');
  const seenTargets = new Map<string, number>();
  const seenSources = new Map<string, number>();
  resources.forEach((resource, i) => {
    const key = resourceKey(resource);
    const previous = seenTargets.get(key);
    if (previous !== undefined)
      add(`/resources/${i}/target`, `duplicate target: same as /resources/${previous}`);
    else seenTargets.set(key, i);
    const sourceKey = `${resource.kind}:${resource.source}`;
    const sourcePrevious = seenSources.get(sourceKey);
    if (sourcePrevious !== undefined)
      add(`/resources/${i}/source`, `duplicate source: same as /resources/${sourcePrevious}`);
    else seenSources.set(sourceKey, i);
    // Names derived from the target (test copy, retired name) shorten themselves to fit: no limit here.
  });

  if (options.accessLimits ?? true) errors.push(...checkAccessLimits(spec));

  if (spec.maintenanceWindow) {
    const start = Date.parse(spec.maintenanceWindow.start);
    const end = Date.parse(spec.maintenanceWindow.end);
    if (!(end > start)) add('/maintenanceWindow/end', 'must be after start');
    if (now !== undefined && end <= now) add('/maintenanceWindow/end', 'window is already over');
  }

  if (spec.dnsCutover.mode === 'route53') {
    const seen = new Set<string>();
    spec.dnsCutover.records.forEach((record, i) => {
      const key = `${record.name.toLowerCase().replace(/\.$/, '')} ${record.type}`;
      if (seen.has(key)) add(`/dnsCutover/records/${i}`, `duplicate record ${key}`);
      seen.add(key);
    });
  }
  return errors;
}
