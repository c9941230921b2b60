import { ModifyDBClusterCommand, ModifyDBInstanceCommand } from '@aws-sdk/client-rds';
import { ApplicationFailure } from '@temporalio/common';
import type { AwsEnvironment } from '../../aws/clients.js';
import { remember, stickyDetails } from '../../aws/heartbeat.js';
import { tagValue } from '../../aws/tags.js';
import { call } from './calls.js';
import { applyMonitoring, type SettingOutcome } from './db-monitoring.js';
import {
  DEFERRED_DELETION_PROTECTION,
  DEFERRED_ENHANCED_MONITORING,
  DEFERRED_PERFORMANCE_INSIGHTS,
  OWNERSHIP_TAG_KEYS,
  TAG_DEFERRED,
} from './markers.js';

type AwsTags = Array<{ Key?: string; Value?: string }> | undefined;

/** A failback copy in primary: an instance or a cluster, as DescribeDB* answers it. */
export interface DeferredTarget {
  kind: 'instance' | 'cluster';
  id: string;
  tags: AwsTags;
  deletionProtection?: boolean;
  performanceInsights?: boolean;
  /** Days Performance Insights keeps its data (RDS answers 7 unless set). */
  performanceInsightsRetention?: number;
  monitoringInterval?: number;
  monitoringRoleArn?: string;
  /** What preflight granted for enhanced monitoring (primary's role, the interval). */
  monitoring?: { roleArn: string; interval: number };
}

/**
 * Final cleanup, once primary is validated (nothing left to abort): the source's settings the restore
 * left off the copy (TAG_DEFERRED) — deletion protection, so that an abort could still remove it;
 * Performance Insights and enhanced monitoring, which a restore does not take and a modification
 * inside the window would hold up — now turned on. Idempotent:
 * what is already set is not set again. Returns what it turned on and what it had to leave off (with
 * the fix), for the cleanup report.
 */
export async function applyDeferredSettings(
  env: AwsEnvironment,
  target: DeferredTarget,
): Promise<{ applied: string[]; leftOff: string[] }> {
  const deferred = (tagValue(target.tags, TAG_DEFERRED) ?? '').split(' ').filter(Boolean);
  const done: string[] = [];
  const leftOff: string[] = [];
  if (deferred.includes(DEFERRED_DELETION_PROTECTION) && !target.deletionProtection) {
    await call(env, `Modify ${target.kind} ${target.id} DeletionProtection`, () =>
      target.kind === 'instance'
        ? env.rds.send(
            new ModifyDBInstanceCommand({
              DBInstanceIdentifier: target.id,
              DeletionProtection: true,
              ApplyImmediately: true,
            }),
          )
        : env.rds.send(
            new ModifyDBClusterCommand({
              DBClusterIdentifier: target.id,
              DeletionProtection: true,
              ApplyImmediately: true,
            }),
          ),
    );
    done.push(`deletion protection on ${target.id} (as on the configuration source)`);
  }
  const insights = deferredInsights(deferred);
  if (
    insights &&
    target.kind === 'instance' &&
    (!target.performanceInsights ||
      (insights.days !== undefined && target.performanceInsightsRetention !== insights.days))
  ) {
    const days = insights.days;
    await bestEffort(
      { done, leftOff },
      `Performance Insights on ${target.id}`,
      `ModifyDBInstance --enable-performance-insights${days ? ` --performance-insights-retention-period ${days}` : ''}`,
      async () => {
        await call(env, `ModifyDBInstance ${target.id} EnablePerformanceInsights`, () =>
          env.rds.send(
            new ModifyDBInstanceCommand({
              DBInstanceIdentifier: target.id,
              EnablePerformanceInsights: true,
              ...(days ? { PerformanceInsightsRetentionPeriod: days } : {}),
              ApplyImmediately: true,
            }),
          ),
        );
        const kept = days ? `, keeping ${days} days` : '';
        return { applied: `Performance Insights on ${target.id}${kept} (as on the configuration source)` };
      },
    );
  }
  if (deferred.includes(DEFERRED_ENHANCED_MONITORING) && target.kind === 'instance' && target.monitoring) {
    const { interval } = target.monitoring;
    await bestEffort(
      { done, leftOff },
      `enhanced monitoring on ${target.id}`,
      `ModifyDBInstance --monitoring-interval ${interval} --monitoring-role-arn <primary's role>`,
      () => applyMonitoring(env, target.monitoring!, target),
    );
  }
  return { applied: done, leftOff };
}

/** The deferred Performance Insights item (`performance-insights` or `performance-insights:<days>`). */
export function deferredInsights(deferred: string[]): { days?: number } | undefined {
  const item = deferred.find(
    (d) => d === DEFERRED_PERFORMANCE_INSIGHTS || d.startsWith(`${DEFERRED_PERFORMANCE_INSIGHTS}:`),
  );
  if (!item) return undefined;
  const days = Number(item.split(':')[1]);
  return Number.isInteger(days) && days > 0 ? { days } : {};
}

/**
 * What the cleanup left off so far, this attempt's and every earlier attempt's: the handover removes
 * the deferred-settings record, so a retry after it would not find again what was left off. Kept in
 * the attempt's heartbeat details (sticky), before the handover.
 */
export function keepLeftOff(items: string[]): string[] {
  const earlier = stickyDetails().leftOff;
  const all = [...new Set([...(Array.isArray(earlier) ? (earlier as string[]) : []), ...items])];
  if (all.length > 0) remember({ leftOff: all });
  return all;
}

/**
 * Performance Insights and monitoring are observability, not the data or its protection: a refusal
 * that needs a person (a role that does not trust RDS monitoring, an instance class without
 * Performance Insights, an access role made without the grant) leaves it off and says so with the
 * fix, instead of parking the cleanup of a validated primary half handed over (retrying would repeat
 * the same refusal). Failures Temporal retries (throttling, 5xx) still fail the attempt.
 */
async function bestEffort(
  out: { done: string[]; leftOff: string[] },
  what: string,
  fix: string,
  apply: () => Promise<SettingOutcome>,
): Promise<void> {
  try {
    const { applied, leftOff } = await apply();
    if (applied) out.done.push(applied);
    if (leftOff) out.leftOff.push(leftOff);
  } catch (error) {
    if (!(error instanceof ApplicationFailure) || !error.nonRetryable) throw error;
    out.leftOff.push(`${what} left off: ${error.message.split(' — ')[0]} (turn it on yourself: ${fix})`);
  }
}

/**
 * The keys the final cleanup's handover removes from a failback copy: its ownership keys and, with them
 * (in the same call, while the copy still carries the plan's id), the deferred-settings record, which
 * means nothing once applied. None when it is handed over already: the role may untag only what still
 * carries the plan's id.
 */
export function handOverKeys(tags: AwsTags): string[] {
  const owned = OWNERSHIP_TAG_KEYS.filter((k) => tags?.some((t) => t.Key === k));
  if (owned.length === 0) return [];
  return tags?.some((t) => t.Key === TAG_DEFERRED) ? [...owned, TAG_DEFERRED] : owned;
}
