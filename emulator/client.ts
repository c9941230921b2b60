/**
 * A typed client of the emulator's admin API (`/_emulator/…`, see emulator/README.md), for tests,
 * demo seeders and the benchmark. No AWS SDK involved: plain JSON over HTTP.
 */

/** The account and principal the emulator attributes to any key it does not know (`test`, `demo`). */
export const ORCHESTRATOR_ACCOUNT = '123456789012';
export const ORCHESTRATOR_ARN = `arn:aws:iam::${ORCHESTRATOR_ACCOUNT}:user/failback-orchestrator`;

/** The access key id that acts as the root of `accountId` (any secret): for seeding and assertions. */
export function seedingKey(accountId: string): string {
  if (!/^\d{12}$/.test(accountId)) throw new Error(`not an AWS account id: ${accountId}`);
  return `AKIASEED${accountId}`;
}

export function seedingCredentials(accountId: string): { accessKeyId: string; secretAccessKey: string } {
  return { accessKeyId: seedingKey(accountId), secretAccessKey: 'seed' };
}

export type DurationKind =
  | 'ec2.instance'
  | 'ec2.image'
  | 'ec2.image-copy'
  | 'ec2.describe-lag'
  | 'ebs.snapshot'
  | 'ebs.snapshot-copy'
  | 'rds.instance'
  | 'rds.instance-restore'
  | 'rds.instance-rename'
  | 'rds.snapshot'
  | 'rds.snapshot-copy'
  | 'rds.cluster'
  | 'rds.cluster-restore'
  | 'rds.cluster-rename'
  | 'rds.cluster-snapshot'
  | 'rds.cluster-snapshot-copy'
  | 'dynamodb.table'
  | 'dynamodb.backup'
  | 'dynamodb.backup-listing'
  | 'dynamodb.restore'
  | 'dynamodb.export'
  | 'dynamodb.import'
  | 'cloudformation.stack'
  | 'cloudformation.rollback'
  | 'route53.change';

export type QuotaName = 'ebsConcurrentSnapshotCopiesPerRegion' | 'rdsCrossRegionSnapshotCopiesInProgress';

export interface AccountSettings {
  durationsMs?: Partial<Record<DurationKind, number>>;
  /** Milliseconds per GiB moved, added to a kind's duration (not scaled; decision 0041). */
  ratesMsPerGiB?: Partial<Record<DurationKind, number>>;
  quotas?: Partial<Record<QuotaName, number>>;
  apiLatencyMs?: number | null;
}

/** What GET /_emulator/profile returns: the benchmark's lower bound is computed from it. */
export interface TimingModel {
  name: string;
  source: string;
  description: string;
  scale: number;
  /** Effective duration of each transitional state, in milliseconds. */
  durationsMs: Record<DurationKind, number>;
  awsTypicalSeconds: Partial<Record<DurationKind, number>>;
  /** Effective milliseconds per GiB moved, per kind that has a rate. */
  ratesMsPerGiB: Partial<Record<DurationKind, number>>;
  ratesSecondsPerGiB: Partial<Record<DurationKind, number>>;
  sources: string[];
  quotas: Record<QuotaName, number>;
  apiLatencyMs: number;
  kinds: Record<DurationKind, string>;
  accounts: Record<string, AccountSettings>;
}

/** PUT /_emulator/sizes: a volume (vol-…), DB instance or cluster (name or ARN), or a table. */
export interface SizeInput {
  account: string;
  region: string;
  resource: string;
  usedGiB?: number;
  allocatedGiB?: number;
  changeGiBPerHour?: number;
  /** Tables only (else computed from the items). */
  bytes?: number;
  itemCount?: number;
}

/** What a snapshot or copy recorded when it was taken (decision 0041). */
export interface SnapshotSizeRecord {
  id: string;
  lineage: string;
  usedGiB: number;
  takenAt: number;
  changeGiBPerHour: number;
  kmsKeyId: string | null;
  follows: string | null;
  changedGiB: number;
  copyOf: string | null;
  incremental: boolean | null;
  transferredGiB: number | null;
}

export interface ResourceSize extends Partial<SnapshotSizeRecord> {
  resource: string;
  kind:
    | 'volume'
    | 'snapshot'
    | 'image'
    | 'db-instance'
    | 'db-cluster'
    | 'db-snapshot'
    | 'db-cluster-snapshot'
    | 'table';
  allocatedGiB?: number;
  bytes?: number;
  itemCount?: number;
  /** An AMI: its snapshots' records. */
  snapshots?: SnapshotSizeRecord[];
  /** The resource's last transition: the duration it got from its size. */
  transition: { kind: DurationKind; durationMs: number; gib: number; inProgress: boolean } | null;
}

export interface FaultRule {
  id?: string;
  /** `outcome`: the call succeeds and the resource it starts ends in `state` (a failed restore, AMI copy). */
  type: 'throttle' | 'error' | 'latency' | 'outcome';
  /** 0..1, default 1: the share of matching requests hit (deterministic from the seed). */
  rate?: number;
  /** AWS signing name: ec2, rds, dynamodb, sts, cloudformation, route53, s3, iam, kms… */
  service?: string;
  operation?: string;
  operations?: string[];
  account?: string;
  region?: string;
  /** For `error`: 500 (default) or 503; or a 4xx with `code`, e.g. a quota AWS answers (`InstanceLimitExceeded`). */
  status?: number;
  code?: string;
  message?: string;
  latencyMs?: number;
  /** For `outcome`: the terminal state, e.g. `incompatible-restore`, `restore-error` (RDS), `failed` (AMI). */
  state?: string;
  /** Let this many matching requests through before the rule applies. */
  after?: number;
  /** Inject at most this many times. */
  count?: number;
  seed?: string;
}

/** Which calls a hold rule (or its `armedBy`) counts; every field given must match. */
export interface CallMatcher {
  /** AWS signing name: ec2, rds, dynamodb, s3, route53, cloudformation… */
  service?: string;
  operation?: string;
  operations?: string[];
  account?: string;
  region?: string;
  /** `seeding`: made with a seeding key; `product`: any other key (the orchestrator, its roles). */
  caller?: 'seeding' | 'product';
  /** A substring of the request's parameters as JSON (a name, an ARN, a path). */
  match?: string;
}

export type HoldAction = 'hold-after' | 'hold-before' | 'signal';

/**
 * At the `nth` matching call: `hold-after` performs it and keeps its response back, `hold-before`
 * keeps it from moto, `signal` only records it. A hold ends when released, at `timeoutMs`
 * (default 60 s, at most 600 s), when its rule is removed, or at a reset.
 */
export interface HoldRuleInput extends CallMatcher {
  id?: string;
  action?: HoldAction;
  /** Default 1. */
  nth?: number;
  timeoutMs?: number;
  /** Count only the calls that arrive after the `nth` (default 1) call matching this. */
  armedBy?: CallMatcher & { nth?: number };
}

/** The call a rule triggered at. */
export interface HeldRequest {
  seq: number;
  service: string;
  operation: string;
  account: string;
  region: string;
  caller: 'seeding' | 'product';
  /** The request's parameters as JSON (first 2,000 characters). */
  params: string;
}

export interface HoldRule extends Required<Pick<HoldRuleInput, 'id' | 'action' | 'nth' | 'timeoutMs'>> {
  service: string | null;
  operations: string[] | null;
  account: string | null;
  region: string | null;
  caller: 'seeding' | 'product' | null;
  match: string | null;
  armedBy: (CallMatcher & { nth: number }) | null;
  armed: boolean;
  armedCount: number;
  matched: number;
  /** waiting → holding → released (hold-after passes through performing while the call runs); or waiting → signalled. */
  state: 'waiting' | 'performing' | 'holding' | 'released' | 'signalled';
  request: HeldRequest | null;
  triggeredAt: number | null;
  releasedAt: number | null;
  releasedBy: 'admin' | 'timeout' | 'reset' | 'removed' | null;
  /** hold-after: the HTTP status of the response held back. */
  responseStatus: number | null;
}

/** One signed AWS call of the request log, in arrival order. */
export interface LoggedRequest {
  seq: number;
  /** Arrival, seconds since the epoch. */
  time: number;
  account: string;
  region: string;
  service: string;
  operation: string;
  caller: 'seeding' | 'product';
  /** The names it carried: `TableName=orders`, `DBInstanceIdentifier=shop-db`, an S3 path… */
  resource: string;
  /** The HTTP status it was answered with; null while in flight. */
  status: number | null;
}

export interface EmulatorEvent {
  type: 'fault' | 'quota' | 'hold';
  service: string;
  operation: string;
  account: string;
  region: string;
  code: string;
  message: string;
  detail: Record<string, unknown>;
  time: number;
  seq: number;
}

export interface CallCounts {
  total: number;
  byOperation: Record<string, number>;
  byAccount: Record<string, Record<string, number>>;
}

/** GET /_emulator/authorization: whether IAM and KMS are evaluated, and how often they said yes or no. */
export interface AuthorizationSummary {
  mode: 'enforce' | 'off';
  allowed: number;
  denied: number;
  /** Operations the authorization model knows (any other is refused). */
  operations: number;
}

/** One refused request: who, what, on which resource, and why. */
export interface AuthorizationDenial {
  principal: string;
  action: string;
  resource: string;
  /** no-statement | explicit-deny | resource-policy | key-policy | boundary | session | key-state | model */
  reason: string;
  detail: string;
  service: string;
  operation: string;
  account: string;
  region: string;
  time: number;
  seq: number;
}

function query(params: Record<string, string | number | undefined>): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined) as [string, string][];
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
}

export class EmulatorAdmin {
  constructor(readonly endpoint: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.endpoint}/_emulator${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const payload = (await response.json()) as T & { error?: string };
    if (!response.ok)
      throw new Error(`emulator admin ${method} ${path}: ${payload.error ?? response.status}`);
    return payload;
  }

  health(): Promise<{ status: string; version: string; profile: string }> {
    return this.call('GET', '/health');
  }
  profile(): Promise<TimingModel> {
    return this.call('GET', '/profile');
  }
  /** A profile name (fast, realistic, demo), a JSON file path, or a profile object. */
  setProfile(profile: string | Record<string, unknown>, scale?: number): Promise<TimingModel> {
    return this.call('PUT', '/profile', { profile, ...(scale === undefined ? {} : { scale }) });
  }
  accountSettings(accountId: string): Promise<AccountSettings & { account: string }> {
    return this.call('GET', `/accounts/${accountId}`);
  }
  /** Overrides durations, quotas or latency for one account only (tests share one emulator). */
  setAccountSettings(accountId: string, settings: AccountSettings): Promise<AccountSettings> {
    return this.call('PUT', `/accounts/${accountId}`, settings);
  }
  clearAccountSettings(accountId: string): Promise<unknown> {
    return this.call('DELETE', `/accounts/${accountId}`);
  }
  /** Sets a resource's used GiB and change rate (a table's bytes and items). */
  setSize(input: SizeInput): Promise<ResourceSize> {
    return this.call('PUT', '/sizes', input);
  }
  /** A resource's size, or a snapshot's/copy's record (incremental, changed and transferred GiB). */
  size(accountId: string, region: string, resource: string): Promise<ResourceSize> {
    return this.call('GET', `/sizes${query({ account: accountId, region, resource })}`);
  }
  faults(): Promise<{ seed: string; rules: (FaultRule & { matched: number; injected: number })[] }> {
    return this.call('GET', '/faults');
  }
  setFaults(rules: FaultRule[], seed?: string): Promise<{ seed: string; rules: FaultRule[] }> {
    return this.call('PUT', '/faults', { rules, ...(seed === undefined ? {} : { seed }) });
  }
  addFault(rule: FaultRule): Promise<FaultRule & { id: string }> {
    return this.call('POST', '/faults', rule);
  }
  removeFault(id: string): Promise<{ removed: number }> {
    return this.call('DELETE', `/faults/${encodeURIComponent(id)}`);
  }
  clearFaults(accountId?: string): Promise<{ removed: number }> {
    return this.call('DELETE', `/faults${query({ account: accountId })}`);
  }
  async events(
    filter: { account?: string; type?: 'fault' | 'quota' | 'hold'; since?: number } = {},
  ): Promise<EmulatorEvent[]> {
    return (await this.call<{ events: EmulatorEvent[] }>('GET', `/events${query(filter)}`)).events;
  }
  calls(accountId?: string): Promise<CallCounts> {
    return this.call('GET', `/calls${query({ account: accountId })}`);
  }
  clearCalls(accountId?: string): Promise<unknown> {
    return this.call('DELETE', `/calls${query({ account: accountId })}`);
  }
  /** Adds a hold rule (or replaces the one with its id, releasing what it held). */
  addHold(rule: HoldRuleInput): Promise<HoldRule> {
    return this.call('POST', '/holds', rule);
  }
  async holds(accountId?: string): Promise<HoldRule[]> {
    return (await this.call<{ rules: HoldRule[] }>('GET', `/holds${query({ account: accountId })}`)).rules;
  }
  hold(id: string): Promise<HoldRule> {
    return this.call('GET', `/holds/${encodeURIComponent(id)}`);
  }
  /** Lets the held call go on (hold-before) or its response go out (hold-after). */
  releaseHold(id: string): Promise<HoldRule> {
    return this.call('POST', `/holds/${encodeURIComponent(id)}/release`);
  }
  /** Removes one rule, an account's, or all, releasing whatever they hold. */
  removeHolds(filter: { id?: string; account?: string } = {}): Promise<{ removed: number }> {
    return filter.id
      ? this.call('DELETE', `/holds/${encodeURIComponent(filter.id)}`)
      : this.call('DELETE', `/holds${query({ account: filter.account })}`);
  }
  /** Polls the rule until `done` holds (e.g. it triggered), or throws after `timeoutMs`. */
  async waitForHold(
    id: string,
    done: (rule: HoldRule) => boolean = (r) => r.state !== 'waiting',
    { timeoutMs = 60_000, intervalMs = 25 } = {},
  ): Promise<HoldRule> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rule = await this.hold(id);
      if (done(rule)) return rule;
      if (Date.now() > deadline) throw new Error(`hold ${id}: still ${rule.state} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
  /** The request log (every signed call, arrival order), after `since` (a seq). */
  requests(
    filter: { account?: string; since?: number; caller?: 'seeding' | 'product'; service?: string } = {},
  ): Promise<{ requests: LoggedRequest[]; last: number }> {
    return this.call('GET', `/requests${query(filter)}`);
  }
  clearRequests(accountId?: string): Promise<unknown> {
    return this.call('DELETE', `/requests${query({ account: accountId })}`);
  }
  authorization(): Promise<AuthorizationSummary> {
    return this.call('GET', '/authorization');
  }
  /** `off` evaluates trust policies only (tests that need it say why). */
  setAuthorization(mode: 'enforce' | 'off'): Promise<AuthorizationSummary> {
    return this.call('PUT', '/authorization', { mode });
  }
  authorizationDenied(
    filter: { account?: string; since?: number } = {},
  ): Promise<{ denied: AuthorizationDenial[] }> {
    return this.call('GET', `/authorization/denied${query(filter)}`);
  }
  /** The actions each principal was allowed, with counts: what a least-privilege review reads. */
  authorizationAllowed(
    filter: { principal?: string; account?: string } = {},
  ): Promise<{ allowed: Record<string, Record<string, number>> }> {
    return this.call('GET', `/authorization/allowed${query(filter)}`);
  }
  /** Without an account: everything (moto's resources too). With one: that account's settings,
   * fault and hold rules (their holds released), events, request log and call counts only. */
  reset(accountId?: string): Promise<{ reset: string }> {
    return this.call('POST', `/reset${query({ account: accountId })}`);
  }
}
