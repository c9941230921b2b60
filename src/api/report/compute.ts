import type { PlanStatus, ResourceStatus } from '../../domain/status.js';
import type { WorkflowStatusName } from '../schemas/plans.js';
import type { PlanReport, ResourceReport } from '../schemas/report.js';
import { secondsBetween } from './time.js';

export interface ReportInput {
  status: PlanStatus;
  workflowId: string;
  workflowStatus: WorkflowStatusName;
  /** The report's own clock (ISO 8601). */
  now: string;
}

function retiredText(resource: ResourceStatus): string | null {
  const r = resource.retirement;
  if (!r) return null;
  switch (r.action) {
    case 'stopped':
      return `${r.originalId} stopped`;
    case 'renamed':
      return `${r.originalId} renamed to ${r.retiredId ?? '?'}`;
    case 'backed-up-and-replaced':
      return `${r.originalId} backed up as ${r.backupArn ?? r.retiredId ?? '?'}`;
    case 'none':
      return 'nothing to retire';
  }
}

function resourceReport(resource: ResourceStatus): ResourceReport {
  const phases = Object.entries(resource.timings ?? {}).map(([phase, steps = []]) => {
    const startedAt = steps.reduce(
      (min, s) => (s.startedAt < min ? s.startedAt : min),
      steps[0]?.startedAt ?? '',
    );
    const unfinished = steps.some((s) => !s.finishedAt);
    const finishedAt = unfinished
      ? null
      : steps.reduce<string | null>(
          (max, s) => (max === null || s.finishedAt! > max ? s.finishedAt! : max),
          null,
        );
    return {
      phase,
      startedAt,
      finishedAt,
      seconds: secondsBetween(startedAt, finishedAt),
      steps: steps.map((s) => ({
        step: s.step,
        startedAt: s.startedAt,
        finishedAt: s.finishedAt ?? null,
        seconds: secondsBetween(s.startedAt, s.finishedAt),
      })),
    };
  });
  return {
    key: resource.key,
    kind: resource.kind,
    source: resource.source,
    target: resource.target,
    state: resource.state,
    restored: resource.restored ? resource.restored.id : null,
    retired: retiredText(resource),
    recoveryPointAt: resource.recoveryPoint?.capturedAt ?? null,
    phases,
    verification: resource.verification ?? null,
    lastError: resource.lastError ?? null,
  };
}

/**
 * AWS gives some recovery points' times to the second (an AMI's CreationDate): one taken in the quiesce's
 * second is after it, as the plan's own verification counts it (shared/checks.ts `notBefore`).
 */
function sameSecondIsAfter(capturedAt: string, gap: number | null): number | null {
  if (gap === null || gap <= 0 || gap >= 1) return gap;
  const captured = Date.parse(capturedAt);
  return captured % 1000 === 0 && Math.floor((captured + gap * 1000) / 1000) * 1000 === captured ? 0 : gap;
}

function rpo(status: PlanStatus): PlanReport['rpo'] {
  const { quiescedAt, finalRecoveryPointsAt } = status.measurements;
  const resources = quiescedAt
    ? status.resources.flatMap((resource) => {
        const capturedAt = resource.recoveryPoint?.capturedAt;
        const gap = capturedAt ? sameSecondIsAfter(capturedAt, secondsBetween(capturedAt, quiescedAt)) : null;
        if (!capturedAt || gap === null) return [];
        return [{ key: resource.key, capturedAt, seconds: Math.max(0, gap), afterQuiesce: gap <= 0 }];
      })
    : [];
  const worst = resources.length ? Math.max(...resources.map((r) => r.seconds)) : null;
  // Without per-resource points, the plan's own oldest final recovery point still bounds the RPO.
  const fromPlan = secondsBetween(finalRecoveryPointsAt, quiescedAt);
  return {
    quiescedAt: quiescedAt ?? null,
    finalRecoveryPointsAt: finalRecoveryPointsAt ?? null,
    seconds: worst ?? (fromPlan === null ? null : Math.max(0, fromPlan)),
    resources,
  };
}

/** The RTO/RPO report of a plan, from its `status` query. Pure: the same input gives the same report. */
export function computeReport(input: ReportInput): PlanReport {
  const { status } = input;
  const m = status.measurements;
  const resources = status.resources.map(resourceReport);
  const timeline = status.timeline.map((entry, i) => ({
    stage: entry.stage,
    at: entry.at,
    seconds: secondsBetween(entry.at, status.timeline[i + 1]?.at ?? status.outcome?.at ?? null),
    ...(entry.note ? { note: entry.note } : {}),
  }));
  return {
    planId: status.planId,
    application: status.application,
    workflowId: input.workflowId,
    workflowStatus: input.workflowStatus,
    stage: status.stage,
    outcome: status.outcome ?? null,
    generatedAt: input.now,
    maintenanceWindow: status.maintenanceWindow ?? null,
    rto: {
      failbackStartedAt: m.failbackStartedAt ?? null,
      dnsCutoverAt: m.dnsCutoverAt ?? null,
      primaryValidatedAt: m.primaryValidatedAt ?? null,
      toDnsCutoverSeconds: secondsBetween(m.failbackStartedAt, m.dnsCutoverAt),
      toPrimaryValidatedSeconds: secondsBetween(m.failbackStartedAt, m.primaryValidatedAt),
    },
    rpo: rpo(status),
    measurements: m,
    timeline,
    resources,
    dataChecks: {
      verified: resources.filter((r) => r.verification?.ok === true).length,
      failed: resources.filter((r) => r.verification?.ok === false).length,
      unverified: resources.filter((r) => !r.verification).length,
    },
    // Every decision of a person (accepted or ignored, with why), in order: the audit trail.
    approvals: status.audit,
    errors: status.errors,
  };
}
