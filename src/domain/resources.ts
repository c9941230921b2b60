/**
 * What flows between the workflows and the resource-kind activities: plain JSON, stable across
 * workflow versions (recorded in histories; add optional fields only).
 */
import type { ResourceKind } from './contract.js';
import type { Phase } from './naming.js';

/** One environment as activities reach it: an assumed role in one account and region. */
export interface EnvironmentRef {
  accountId: string;
  region: string;
  roleArn: string;
  externalId?: string;
  /** KMS key used to encrypt what the plan creates here (copies are re-encrypted with the primary key). */
  kmsKeyId?: string;
}

export interface PlanContext {
  planId: string;
  application: string;
  /** Primary through the access-stack role (roleArn + externalId of the spec). */
  primary: EnvironmentRef;
  recovery: EnvironmentRef;
  /**
   * The plan run (decision 0035): the plan workflow's first-execution run id. Everything the run
   * creates carries it (failback:plan-run), names and tokens of what takes no tags derive from it, and
   * only what carries it is the run's to adopt, change or remove. Absent in plans started before it.
   */
  planRun?: string;
  /** When the plan run started (ISO 8601): nothing created before it can be the run's copy. */
  startedAt?: string;
}

/** A resource of the plan after preflight resolved it (explicit or found by a tag selector). */
export interface ResolvedResource {
  key: string;
  kind: ResourceKind;
  source: string;
  target: string;
  options?: Record<string, unknown>;
  /** What preflight saw of the source (engine, size, key schema…), for restore settings and reports. */
  sourceDetails?: Record<string, unknown>;
  /** Whether something named `target` already exists in primary (it will be retired in the failback). */
  primaryExists?: boolean;
}

/** The common input of every per-resource activity. */
export interface StepInput {
  plan: PlanContext;
  phase: Phase;
  resource: ResolvedResource;
}

export interface RecoveryPoint {
  /** AMI id, DB snapshot identifier, cluster snapshot identifier, backup ARN or export ARN */
  id: string;
  arn?: string;
  /** When the data was captured (snapshot creation time); the RPO is measured from it. */
  capturedAt: string;
  /** Whether the primary account was granted access (cross-account plans). */
  sharedWith?: string;
  details?: Record<string, string | number | boolean>;
}

export interface PrimaryCopy {
  id: string;
  arn?: string;
  region: string;
  details?: Record<string, string | number | boolean>;
}

/** What the failback did to the old primary resource: never destroyed, always reversible. */
export interface Retirement {
  originalId: string;
  action: 'stopped' | 'renamed' | 'backed-up-and-replaced' | 'none';
  /** new name (renamed), or the kept backup's ARN (DynamoDB) */
  retiredId?: string;
  backupArn?: string;
  /** EC2: whether it was running (compensation starts it again only then). */
  wasRunning?: boolean;
  at: string;
  /** Kind-specific facts compensation needs (DynamoDB: the replaced table's settings as JSON). */
  details?: Record<string, string | number | boolean>;
}

export interface Restored {
  id: string;
  arn?: string;
  name: string;
  details?: Record<string, string | number | boolean>;
}

export interface VerificationCheck {
  name: string;
  expected: string | number;
  actual: string | number;
  ok: boolean;
}

/** How one configuration item of a kind's table came out (src/activities/kinds/shared/configuration.ts). */
export type ConfigurationOutcome = 'carried' | 'mapped' | 'differs' | 'unset' | 'unknown';

export interface ConfigurationItemReport {
  item: string;
  /** The value on the configuration source (null: not set there): the side `from` says. */
  source: string | null;
  /**
   * Which side the item was carried from: the recovery source (the default), or the old primary
   * (options.configurationFrom = 'primary'; what the snapshot or AMI determines stays from recovery).
   */
  from?: 'recovery' | 'primary';
  /** The value on the restored copy in primary. */
  restored: string | null;
  outcome: ConfigurationOutcome;
  /** Why it differs, or what mapped it. */
  note?: string;
}

export interface Verification {
  ok: boolean;
  checks: VerificationCheck[];
  at: string;
  /** The kind's configuration table, item by item: carried, mapped, or differs (and why). */
  configuration?: ConfigurationItemReport[];
}

export interface RestoreResult {
  retirement?: Retirement;
  restored: Restored;
}

export interface CleanupReport {
  removed: string[];
  kept: string[];
  /**
   * What the cleanup could not do and a person should, each with its fix: a best-effort setting (Performance
   * Insights, enhanced monitoring) that AWS refused. Shown in the status and the report.
   */
  leftOff?: string[];
}

export interface ConcludeResult {
  /** The final backup of the live copy in recovery, kept (tagged failback:keep=true). */
  finalBackup: { id: string; arn?: string; capturedAt: string };
  removed: string[];
}

export interface CompensationInput extends StepInput {
  retirement?: Retirement;
  restored?: Restored;
  /** After DNS cutover the restored copy may hold new writes: back it up before removing it. */
  trafficServed: boolean;
  /** The failback quiesced (stopped) the recovery source: start it again. */
  quiescedSource?: boolean;
}

export interface QuiesceResult {
  quiescedAt: string;
  /** EC2: the instance was running and is now stopped (compensation restarts it). */
  stopped: boolean;
}

/** Copy quotas per destination region (DESIGN.md §3): the workflows keep at most this many in flight. */
export type QuotaClass = 'ebs-copy' | 'rds-copy';
export const QUOTA_LIMITS: Record<QuotaClass, number> = { 'ebs-copy': 20, 'rds-copy': 5 };

/**
 * How much of its quota class one resource's copy takes: an AMI copy is one EBS snapshot copy per
 * volume, and AWS counts each against the 20 (ec2_images in the emulator does too); a DB snapshot
 * copy is one. Capped at the limit, so an instance with more volumes than that still gets to copy
 * (alone). From what preflight saw (`sourceDetails.volumes`); 1 when it saw nothing.
 */
export function copySlotUnits(
  resource: Pick<ResolvedResource, 'sourceDetails'> | undefined,
  quotaClass: QuotaClass,
): number {
  if (quotaClass !== 'ebs-copy') return 1;
  const volumes = resource?.sourceDetails?.volumes;
  const n = typeof volumes === 'number' && Number.isInteger(volumes) && volumes > 1 ? volumes : 1;
  return Math.min(n, QUOTA_LIMITS[quotaClass]);
}

/** What a copy-slot request takes, never more than its class's whole quota (it could never be granted). */
export function unitsOf(request: { units?: number }, limit: number): number {
  const units = request.units;
  if (typeof units !== 'number' || !Number.isFinite(units)) return 1;
  return Math.max(1, Math.min(limit, Math.floor(units)));
}

export function quotaClassFor(kind: ResourceKind, crossRegion: boolean): QuotaClass | null {
  if (kind === 'ec2-instance') return 'ebs-copy';
  if ((kind === 'rds-instance' || kind === 'aurora-cluster') && crossRegion) return 'rds-copy';
  return null;
}

export type FindingSeverity = 'error' | 'warning' | 'info';

/** One preflight observation; any `error` stops the plan before it changes anything. */
export interface PreflightFinding {
  resource?: string;
  severity: FindingSeverity;
  check:
    | 'spec'
    | 'exists'
    | 'access'
    | 'name-conflict'
    | 'kms'
    | 'quota'
    | 'settings'
    | 'selection'
    /** Another running plan holds the same application or resources (decision 0033). */
    | 'plan-conflict';
  message: string;
}

/**
 * What the plan's access role must be granted beyond its fixed policy, found by preflight: the access
 * stack's template takes them as parameters (least privilege: only these keys and buckets).
 */
export interface AccessGrants {
  /** Customer managed keys services use in primary: the copies' key, the old primaries' volumes. */
  primaryKmsKeyArns: string[];
  /** Customer managed keys of the recovery points copied from recovery (cross-account). */
  recoveryKmsKeyArns: string[];
  /** A customer's own DynamoDB export buckets (the plan's own fb-<plan>-… buckets need none). */
  exportBuckets: string[];
  /**
   * The roles of primary's instance profiles the EC2 copies launch with (iam:PassRole to EC2 only;
   * optional: reports recorded before it lack it).
   */
  instanceRoleArns?: string[];
  /**
   * Primary's RDS enhanced monitoring roles the final cleanup turns monitoring on with (iam:PassRole to
   * monitoring.rds.amazonaws.com only; optional, as above).
   */
  monitoringRoleArns?: string[];
  /**
   * The RDS databases and snapshots the plan writes in primary, as ARNs and ARN patterns (domain/rds-names:
   * targets, test copies, retired names, Aurora instances, the plan's snapshots): the role may tag,
   * rename and modify these only (decision 0045; optional: reports recorded before it lack it).
   */
  rdsResourceArns?: string[];
  /**
   * The retired names of the plan's databases (`<id>-pre-failback-<date>`, a pattern that also matches
   * what an earlier failback retired): the role may rename these only where this plan's retirement tag
   * is (decision 0045; optional, as above).
   */
  rdsRetiredArns?: string[];
  /**
   * The DynamoDB tables the plan writes in primary (targets and test copies, with their indexes) as
   * ARNs: the role may create, write, change and delete these only (decision 0046; optional, as above).
   */
  dynamoDbTableArns?: string[];
}

/** The dry run of a plan (POST /v1/preflight, and the plan's first stage). */
export interface PreflightReport {
  ok: boolean;
  resources: ResolvedResource[];
  findings: PreflightFinding[];
  /** Keys and buckets the access role is granted (optional: reports recorded before it lack it). */
  access?: AccessGrants;
  /** Human-readable lists: what the plan would create in primary, retire there, and copy. */
  wouldCreate: string[];
  wouldRetire: string[];
  wouldCopy: string[];
}

export interface AccessStackResult {
  stackName: string;
  roleArn: string;
  state: 'created' | 'existing';
}

export interface DnsCutoverResult {
  changeId: string;
  /** The record values before the change (empty value list when the record did not exist). */
  previous: Array<{ name: string; type: string; ttl?: number; values: string[] }>;
  at: string;
}

export type { Phase };
