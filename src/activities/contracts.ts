import type { DnsRecord, PlanSpec, PrimaryEnvironment } from '../domain/plan-spec.js';
import type {
  AccessStackResult,
  DnsCutoverResult,
  EnvironmentRef,
  PreflightReport,
} from '../domain/resources.js';

/**
 * The plan-level activities the failbackPlan workflow calls (the per-resource ones are in
 * resource-steps.ts). Names and shapes are recorded in workflow histories: change only additively.
 */
export interface PlanLevelActivities {
  /** Read-only dry run: rules, selection, per-resource preflight, access, conflicts, KMS, quotas. */
  preflightPlan(input: { spec: PlanSpec; now: string }): Promise<PreflightReport>;
  /** The access stack in primary (through primary.bootstrapRoleArn), verified by assuming its role. */
  ensureAccessStack(input: { planId: string; primary: PrimaryEnvironment }): Promise<AccessStackResult>;
  deleteAccessStack(input: { planId: string; primary: PrimaryEnvironment }): Promise<void>;
  /** UPSERT the records in one change batch, wait INSYNC, return the previous values. */
  cutoverDns(input: {
    planId: string;
    primary: EnvironmentRef;
    hostedZoneId: string;
    records: DnsRecord[];
  }): Promise<DnsCutoverResult>;
  restoreDns(input: {
    planId: string;
    primary: EnvironmentRef;
    hostedZoneId: string;
    previous: DnsCutoverResult['previous'];
  }): Promise<void>;
  /** Unpause the Temporal Schedule that takes recovery points (plan option recoveryPointSchedule). */
  resumeRecoveryPointSchedule(input: { planId: string; scheduleId: string }): Promise<{ resumed: boolean }>;
}
