import type { ResourceKind } from '../../domain/contract.js';
import type {
  AccessGrants,
  CleanupReport,
  CompensationInput,
  ConcludeResult,
  PlanContext,
  PreflightFinding,
  PrimaryCopy,
  QuiesceResult,
  RecoveryPoint,
  ResolvedResource,
  RestoreResult,
  StepInput,
  Verification,
} from '../../domain/resources.js';
import type { AwsEnvironment } from '../aws/clients.js';
import type { Tag } from '../aws/tags.js';

/** What a kind module gets for one step of one resource. */
export interface KindContext {
  input: StepInput;
  plan: PlanContext;
  resource: ResolvedResource;
  /** Clients in primary through the access role, and in recovery through the recovery role. */
  primary: AwsEnvironment;
  recovery: AwsEnvironment;
  crossAccount: boolean;
  crossRegion: boolean;
  /** failback:plan-id / plan-run / phase / source (+ extra) for everything this step creates. */
  tags(extra?: Record<string, string>): Tag[];
}

export interface PreflightResult {
  findings: PreflightFinding[];
  /** What preflight saw of the source, kept on the resolved resource. */
  sourceDetails?: Record<string, unknown>;
  /** Something named `target` already exists in primary: the failback will retire it. */
  primaryExists: boolean;
  /** Keys and buckets the access role needs for this resource. */
  grants?: Partial<AccessGrants>;
}

/** A resource found in recovery by a tag selector. */
export interface DiscoveredResource {
  source: string;
  /** Defaults to the source's name (Name tag, identifier, table name). */
  target: string;
  sourceDetails?: Record<string, unknown>;
}

/**
 * One resource kind = one module behind this interface (DESIGN.md §4). Every method is idempotent: it
 * derives names and client tokens from (planId, resource, phase), adopts what an earlier attempt made
 * (recognised by name and the plan's tags), waits with pollUntil (heartbeats), and never deletes
 * anything in primary that the plan did not create.
 */
export interface ResourceKindModule {
  readonly kind: ResourceKind;

  /** Resources of this kind in recovery carrying every tag of the selector. */
  resolveSelection(recovery: AwsEnvironment, tags: Record<string, string>): Promise<DiscoveredResource[]>;

  /** Read-only: source exists and is readable, target names free or retirable, KMS keys usable, quotas. */
  preflight(ctx: KindContext): Promise<PreflightResult>;

  /** Failback only: stop writes at the source where AWS allows (EC2: stop the instance), record when. */
  quiesce(ctx: KindContext): Promise<QuiesceResult>;

  /** Recovery point in recovery (AMI, DB/cluster snapshot, backup or export), available and shared. */
  takeRecoveryPoint(ctx: KindContext, quiescedAt?: string): Promise<RecoveryPoint>;

  /** Copy into the primary account and region, re-encrypted with the primary key; waits until usable. */
  copyRecoveryPoint(ctx: KindContext, recoveryPoint: RecoveryPoint): Promise<PrimaryCopy>;

  /**
   * Restore under the target name (test-failback: the test name) and wait until usable. In the
   * failback, first retire the old primary resource (stop, rename, or back up), never delete it.
   */
  restore(ctx: KindContext, copy: PrimaryCopy, recoveryPoint: RecoveryPoint): Promise<RestoreResult>;

  /** Prove the copy: instance from the new AMI, snapshot time after quiesce, DynamoDB count + hash. */
  verify(
    ctx: KindContext,
    restore: RestoreResult,
    recoveryPoint: RecoveryPoint,
    quiescedAt?: string,
  ): Promise<Verification>;

  /** After the test-failback gate: remove the test copy and every intermediate of the test phase. */
  removeTestCopy(ctx: KindContext): Promise<CleanupReport>;

  /** After primary-validated: remove the phase's intermediate snapshots/copies (not kept backups). */
  cleanupIntermediates(ctx: KindContext): Promise<CleanupReport>;

  /** Conclude recovery: final backup of the live copy in recovery (kept), then remove the live copy. */
  concludeRecovery(ctx: KindContext): Promise<ConcludeResult>;

  /** Abort/reject: remove what the phase created in primary, put retired resources back, un-quiesce. */
  compensate(ctx: KindContext, input: CompensationInput): Promise<CleanupReport>;
}
