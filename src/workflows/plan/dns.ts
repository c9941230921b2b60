import { condition, sleep } from '@temporalio/workflow';
import type { FailbackPlanInput } from '../../domain/messages.js';
import type { PlanContext } from '../../domain/resources.js';
import { planActivities } from '../activities.js';
import type { PlanProgress } from './compensate.js';
import { nowIso, type PlanState } from './state.js';
import { attempt } from './steps.js';

/**
 * Plan step 6, the DNS cutover: a person flips DNS and says so (manual), or the plan changes Route 53
 * and waits for INSYNC. In patched runs what compensation needs is recorded before anything can move
 * traffic (decision 0031): the previous Route 53 values are read first, and from the moment the plan
 * changes DNS or asks a person to, traffic may be served from primary (compensation then keeps a
 * backup of what primary's copies received, and waits for DNS to drain back).
 */
export async function cutoverDns(
  input: FailbackPlanInput,
  state: PlanState,
  progress: PlanProgress,
  plan: PlanContext,
): Promise<void> {
  const dns = input.spec.dnsCutover;
  state.enterStage('awaiting-dns-cutover');
  if (dns.mode === 'manual') {
    state.dnsConfirmed = undefined;
    if (state.safe) progress.trafficServed = true;
    state.waitFor({ kind: 'dns-cutover', since: nowIso() });
    await condition(() => state.dnsConfirmed !== undefined);
    state.status.dns = {
      ...state.status.dns,
      cutoverAt: nowIso(),
      by: state.dnsConfirmed!.by,
      ...(state.dnsConfirmed!.details ? { details: state.dnsConfirmed!.details } : {}),
    };
  } else {
    state.waitFor(null);
    const { quick } = planActivities(input.tuning, state.safe);
    const target = {
      planId: plan.planId,
      primary: plan.primary,
      hostedZoneId: dns.hostedZoneId,
      records: dns.records,
    };
    if (state.safe) {
      progress.dnsPrevious = await attempt(state, 'read Route 53 records', () =>
        quick.readDnsRecords(target),
      );
      progress.trafficServed = true;
      state.status.dns = { ...state.status.dns, previousRecords: previousRecords(progress) };
    }
    const result = await attempt(state, 'Route 53 cutover', () =>
      quick.cutoverDns({ ...target, ...(progress.dnsPrevious ? { previous: progress.dnsPrevious } : {}) }),
    );
    progress.dnsPrevious = result.previous;
    state.status.dns = {
      ...state.status.dns,
      cutoverAt: result.at,
      by: 'failback-orchestrator (route53)',
      previousRecords: previousRecords(progress),
    };
  }
  progress.trafficServed = true;
  state.measure('dnsCutoverAt', state.status.dns.cutoverAt);
  state.waitFor(null);
}

function previousRecords(progress: PlanProgress) {
  return (progress.dnsPrevious ?? []).map((p) => ({
    name: p.name,
    type: p.type as 'A',
    ttl: p.ttl ?? 300,
    value: p.values.join(','),
  }));
}

/**
 * Compensation's first step: traffic back to recovery, and — in patched runs — only once it is back
 * (decision 0032) do primary's resources get renamed back. Route 53: the previous values restored
 * (INSYNC), then the records' TTL waited out so resolvers forget primary. Manual: a person points DNS
 * back and confirms it (dnsRollbackComplete), the plan cannot.
 */
export async function rollBackDns(
  input: FailbackPlanInput,
  state: PlanState,
  progress: PlanProgress,
): Promise<void> {
  const { spec } = input;
  const plan = progress.plan;
  if (plan && progress.dnsPrevious && spec.dnsCutover.mode === 'route53') {
    const { quick } = planActivities(input.tuning, state.safe);
    const hostedZoneId = spec.dnsCutover.hostedZoneId;
    const previous = progress.dnsPrevious;
    await attempt(state, 'restore Route 53 records', () =>
      quick.restoreDns({ planId: spec.planId, primary: plan.primary, hostedZoneId, previous }),
    );
    state.status.timeline.push({
      stage: 'aborting',
      at: nowIso(),
      note: 'Route 53 records restored to their previous values',
    });
    if (state.safe && progress.trafficServed) {
      const ttl = Math.max(0, ...spec.dnsCutover.records.map((r) => r.ttl));
      const ms = Math.round(ttl * 1000 * (input.tuning?.timeScale ?? 1));
      state.status.timeline.push({
        stage: 'aborting',
        at: nowIso(),
        note: `waiting the records' TTL (${ttl} s) for resolvers to drop primary's addresses`,
      });
      if (ms > 0) await sleep(ms, { summary: `DNS drains back to recovery (TTL ${ttl} s)` });
      state.status.dns = {
        ...state.status.dns,
        rolledBackAt: nowIso(),
        rolledBackBy: 'failback-orchestrator (route53)',
      };
    }
  } else if (progress.trafficServed) {
    state.recordError(
      'ManualDnsRollback',
      'DNS was flipped by hand: point it back at the recovery environment',
    );
    if (state.safe) await awaitManualRollback(state);
  }
}

async function awaitManualRollback(state: PlanState): Promise<void> {
  state.dnsRolledBack = undefined;
  state.waitFor({ kind: 'dns-rollback', since: nowIso() });
  await condition(() => state.dnsRolledBack !== undefined);
  const { by, details } = state.dnsRolledBack!;
  state.status.dns = { ...state.status.dns, rolledBackAt: nowIso(), rolledBackBy: by };
  state.status.timeline.push({
    stage: 'aborting',
    at: nowIso(),
    note: `DNS points back at recovery (confirmed by ${by}${details ? `: ${details}` : ''})`,
  });
  state.waitFor(null);
}
