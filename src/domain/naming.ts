/**
 * Every name the plan gives to something it creates derives from (planId, resource, phase): a retried
 * or duplicated activity finds what its first attempt made, and cleanup can find it by name or tag.
 * Pure and deterministic: used by workflows (ids) and activities (AWS names, client tokens).
 */
import type { ResourceKind } from './contract.js';

export type Phase = 'test-failback' | 'failback' | 'conclude-recovery';

const PHASE_CODES: Record<Phase, string> = {
  'test-failback': 'tf',
  failback: 'fb',
  'conclude-recovery': 'cr',
};

export function phaseCode(phase: Phase): string {
  return PHASE_CODES[phase];
}

/** A resource's identity inside a plan: kind plus primary target name (unique per plan, see plan-rules). */
export function resourceKey(resource: { kind: ResourceKind; target: string }): string {
  return `${resource.kind}:${resource.target}`;
}

/** 32-bit FNV-1a as 8 hex digits: short, stable suffixes where AWS limits name lengths. */
export function shortHash(value: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/** Lower-case letters, digits and single hyphens, starting with a letter: valid in EC2, RDS and DynamoDB names. */
export function safeName(value: string): string {
  const cleaned = value
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
  return /^[a-z]/.test(cleaned) ? cleaned : `r-${cleaned}`;
}

/** Fits `name` into `max` characters, keeping it unique by replacing the tail with a hash. */
export function fit(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = shortHash(name);
  return `${name.slice(0, max - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/**
 * The longest name AWS allows for a resource of each kind (the target and the names derived from it):
 * EC2's Name tag value, RDS DB instance and Aurora cluster identifiers, DynamoDB table names.
 */
export const NAME_LIMITS: Record<ResourceKind, number> = {
  'ec2-instance': 256,
  'rds-instance': 63,
  'aurora-cluster': 63,
  'dynamodb-table': 255,
};

/**
 * The name of the test-failback copy in primary: `<target>-fbtest-<planId>` (DESIGN.md §4), shortened
 * deterministically (`fit`: the head kept, a hash of the whole name as the tail) when it would exceed
 * the kind's limit, so a target may be as long as AWS allows.
 */
export function testTargetName(target: string, planId: string, kind?: ResourceKind): string {
  return fit(`${target}-fbtest-${planId}`, kind ? NAME_LIMITS[kind] : 255);
}

/** The name a retired (renamed) primary database gets: `<id>-pre-failback-<yyyymmdd>`. */
export function retiredName(target: string, isoDate: string): string {
  return fit(`${target}-pre-failback-${isoDate.slice(0, 10).replaceAll('-', '')}`, 63);
}

/**
 * Name of a recovery point, copy or backup the plan creates: `fb-<planId>-<phase>-<step>-<target>`,
 * within `max` characters (RDS snapshot identifiers: 255, AMI names: 128, DynamoDB backups: 255).
 */
export function artifactName(planId: string, phase: Phase, step: string, target: string, max = 255): string {
  return fit(safeName(`fb-${planId}-${phaseCode(phase)}-${step}-${target}`), max);
}

/** An idempotency token (EC2 ClientToken ≤ 64, CloudFormation ClientRequestToken ≤ 128). */
export function clientToken(planId: string, phase: Phase | 'plan', step: string, target: string): string {
  return fit(`fb-${planId}-${phase}-${step}-${safeName(target)}`, 64);
}

/** Workflow ids of a plan's children: findable from the plan id, unique per phase and resource. */
export function phaseWorkflowId(
  planId: string,
  phase: Phase | 'test-cleanup' | 'cleanup' | 'compensation',
  attempt = 0,
): string {
  return `failback-${planId}-${phase}${attempt > 0 ? `-r${attempt}` : ''}`;
}

/**
 * The copy-slot coordinator of a destination (decision 0043): one per orchestrator (its task queue),
 * account and region, since AWS counts concurrent copies per account and destination region.
 */
export function copySlotCoordinatorId(taskQueue: string, accountId: string, region: string): string {
  return `failback-copy-slots/${taskQueue}/${accountId}/${region}`;
}

export function resourceWorkflowId(
  planId: string,
  phase: string,
  resource: { kind: ResourceKind; target: string },
  attempt = 0,
): string {
  return `failback-${planId}-${phase}-${resource.kind}-${resource.target}${attempt > 0 ? `-r${attempt}` : ''}`;
}

/** The CloudFormation stack holding the plan's access role in primary. */
export function accessStackName(planId: string): string {
  return fit(`failback-access-${planId}`, 128);
}

/**
 * S3 key prefix of everything a plan exports (shared buckets hold several tables and plans); the
 * access role reads only under it (access-stack template, S3ReadExportObjects).
 */
export function planExportPrefix(planId: string): string {
  return `failback/${planId}`;
}

/**
 * Names of the restored cluster's instances: the retired cluster's own instance names where there were
 * any (operators' dashboards and alarms keep working), else `<cluster>-<n>`, skipping names in use.
 */
export function memberNames(cluster: string, count: number, previous: string[]): string[] {
  const names: string[] = [];
  let n = 1;
  for (let i = 0; i < count; i++) {
    let name = previous[i];
    while (!name || names.includes(name)) name = fit(`${cluster}-${n++}`, 63);
    names.push(name);
  }
  return names;
}
