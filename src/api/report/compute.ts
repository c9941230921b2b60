import type { PlanStatus, ResourceStatus } from '../../domain/status.js';
import type { WorkflowStatusName } from '../schemas/plans.js';
import type { PlanReport, ResourceReport } from '../schemas/report.js';
import { secondsBetween } from './time.js';

/** Where the plan ran: the report says it, so an emulator's minutes are never read as AWS's. */
export interface RunEnvironment {
  /** The plan's FailbackPlanInput.tuning.timeScale (1 against AWS). */
  timeScale: number;
  /** AWS_ENDPOINT_URL of the deployment (an emulator or a local endpoint); null: AWS itself. */
  awsEndpoint: string | null;
}

export interface ReportInput {
  status: PlanStatus;
  environment?: RunEnvironment;
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
    configuration: resource.verification?.configuration ?? [],
    leftOff: resource.leftOff ?? [],
    lastError: resource.lastError ?? null,
  };
}

/**
 * AWS gives some recovery points' times to the second (an AMI's CreationDate): one taken in the quiesce's
 * second is after it, as the plan's own verification counts it (shared/checks.ts `notBefore`).
 */
function inQuiesceSecond(capturedAt: string, gap: number | null): boolean {
  if (gap === null || gap <= 0 || gap >= 1) return false;
  const captured = Date.parse(capturedAt);
  return captured % 1000 === 0 && Math.floor((captured + gap * 1000) / 1000) * 1000 === captured;
}

export const SAME_SECOND_NOTE =
  'AWS gives this time to the second only; it falls in the second of the quiesce, so it is counted as after ' +
  'it (as the verification does): RPO 0';

function rpo(status: PlanStatus): PlanReport['rpo'] {
  const { quiescedAt, finalRecoveryPointsAt } = status.measurements;
  const resources = quiescedAt
    ? status.resources.flatMap((resource) => {
        const capturedAt = resource.recoveryPoint?.capturedAt;
        const raw = capturedAt ? secondsBetween(capturedAt, quiescedAt) : null;
        if (!capturedAt || raw === null) return [];
        const sameSecond = inQuiesceSecond(capturedAt, raw);
        const gap = sameSecond ? 0 : raw;
        return [
          {
            key: resource.key,
            capturedAt,
            seconds: Math.max(0, gap),
            afterQuiesce: gap <= 0,
            ...(sameSecond ? { note: SAME_SECOND_NOTE } : {}),
          },
        ];
      })
    : [];
  const worst = resources.length ? Math.max(...resources.map((r) => r.seconds)) : null;
  // The resource that sets the RPO: the largest gap, and among equals the earliest point.
  const worstResource = resources.length
    ? resources.reduce((a, b) =>
        b.seconds > a.seconds || (b.seconds === a.seconds && b.capturedAt < a.capturedAt) ? b : a,
      )
    : undefined;
  // Without per-resource points, the plan's own oldest final recovery point still bounds the RPO.
  const fromPlan = secondsBetween(finalRecoveryPointsAt, quiescedAt);
  return {
    quiescedAt: quiescedAt ?? null,
    finalRecoveryPointsAt: finalRecoveryPointsAt ?? null,
    seconds: worst ?? (fromPlan === null ? null : Math.max(0, fromPlan)),
    worstResource: worstResource ? { key: worstResource.key, capturedAt: worstResource.capturedAt } : null,
    resources,
  };
}

function environmentOf(env: RunEnvironment | undefined): PlanReport['environment'] {
  const timeScale = env?.timeScale ?? 1;
  const awsEndpoint = env?.awsEndpoint ?? null;
  const emulated = timeScale < 1 || awsEndpoint !== null;
  return {
    kind: emulated ? 'emulator' : 'aws',
    timeScale,
    awsEndpoint,
    note: emulated
      ? `Ran against an AWS emulator${awsEndpoint ? ` (${awsEndpoint})` : ''}` +
        (timeScale < 1
          ? ` at time scale ${timeScale}: its AWS operations take about ${timeScale} × AWS's typical durations, so these times are not a forecast for AWS`
          : '')
      : 'Ran against AWS',
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
    environment: environmentOf(input.environment),
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
