import { isCancellation, patched, setHandler } from '@temporalio/workflow';
import { phaseStatusQuery, type PlanTuning } from '../../domain/messages.js';
import type {
  CleanupReport,
  ConcludeResult,
  PlanContext,
  ResolvedResource,
  Restored,
  Retirement,
} from '../../domain/resources.js';
import type { PhaseStatus, ResourceState } from '../../domain/status.js';
import { planActivities } from '../activities.js';
import { boundedAll } from '../bounded.js';
import { describeCurrentDetails } from '../details/current-details.js';
import { renderPhaseDetails } from '../details/phase-details.js';
import { describeFailure } from '../resources/resource-pipeline.js';
import { ABORT_SAFETY_PATCH } from '../versions.js';

/** One activity per resource, no copy slots: removals, final backups, compensation. */
export interface TaskPhaseInput {
  plan: PlanContext;
  resources: ResolvedResource[];
  concurrency: number;
  tuning?: PlanTuning;
}

export interface TaskResult<T> {
  key: string;
  ok: boolean;
  value?: T;
  error?: { type: string; message: string; step: string };
}

/** Each task phase asks once, at its start, whether it runs with the abort-safety patch. */
function phaseActivities(input: TaskPhaseInput) {
  const safe = patched(ABORT_SAFETY_PATCH);
  return { safe, ...planActivities(input.tuning, safe) };
}

async function runTasks<T>(
  phase: string,
  input: TaskPhaseInput,
  step: string,
  task: (resource: ResolvedResource) => Promise<T>,
  safe = false,
): Promise<TaskResult<T>[]> {
  const states = new Map<
    string,
    { state: ResourceState; lastError?: { type: string; message: string; at: string } }
  >(input.resources.map((r) => [r.key, { state: 'pending' }]));
  const phaseStatus = (): PhaseStatus => ({
    phase,
    resources: [...states].map(([key, s]) => ({ key, step, ...s })),
    copySlots: {},
  });
  setHandler(phaseStatusQuery, phaseStatus);
  describeCurrentDetails(() => renderPhaseDetails(phaseStatus()));
  return boundedAll(
    input.resources,
    input.concurrency,
    async (resource) => {
      states.set(resource.key, { state: 'running' });
      try {
        const value = await task(resource);
        states.set(resource.key, { state: 'succeeded' });
        return { key: resource.key, ok: true, value };
      } catch (error) {
        if (isCancellation(error)) throw error;
        const failure = describeFailure(error);
        states.set(resource.key, {
          state: 'failed',
          lastError: { ...failure, at: new Date().toISOString() },
        });
        return { key: resource.key, ok: false, error: { ...failure, step } };
      }
    },
    // Cancelled: the phase ends only when every activity in flight has stopped.
    { settle: safe },
  );
}

/** After the test-failback gate: the test copies and the test phase's intermediates go. */
export async function testCleanup(input: TaskPhaseInput): Promise<TaskResult<CleanupReport>[]> {
  const { safe, awsSteps } = phaseActivities(input);
  return runTasks(
    'test-cleanup',
    input,
    'removeTestCopy',
    (resource) => awsSteps.removeTestCopy({ plan: input.plan, phase: 'test-failback', resource }),
    safe,
  );
}

/** Conclude recovery: a kept final backup of each live copy in recovery, then the live copy goes. */
export async function concludeRecovery(input: TaskPhaseInput): Promise<TaskResult<ConcludeResult>[]> {
  const { safe, awsSteps } = phaseActivities(input);
  return runTasks(
    'conclude-recovery',
    input,
    'concludeRecovery',
    (resource) => awsSteps.concludeRecovery({ plan: input.plan, phase: 'conclude-recovery', resource }),
    safe,
  );
}

/** After the plan succeeded: the failback's intermediate snapshots and copies go (kept backups stay). */
export async function finalCleanup(input: TaskPhaseInput): Promise<TaskResult<CleanupReport>[]> {
  const { safe, awsSteps } = phaseActivities(input);
  return runTasks(
    'cleanup',
    input,
    'cleanupIntermediates',
    (resource) => awsSteps.cleanupIntermediates({ plan: input.plan, phase: 'failback', resource }),
    safe,
  );
}

export interface CompensationPhaseInput extends TaskPhaseInput {
  /** The copy phases that ran (or started) and must be undone, newest first. */
  phases: Array<'failback' | 'test-failback'>;
  /** Per resource: what the failback did (from the phase results the plan recorded). */
  done: Record<string, { retirement?: Retirement; restored?: Restored; quiescedSource?: boolean }>;
  trafficServed: boolean;
}

/**
 * Abort or reject: undo each phase for each resource. The kind modules also find the phase's work by
 * tag, so a step that ran but whose result was never recorded (an abort mid-step) is undone too.
 */
export async function compensation(input: CompensationPhaseInput): Promise<TaskResult<CleanupReport[]>[]> {
  const { safe, awsSteps } = phaseActivities(input);
  return runTasks(
    'compensation',
    input,
    'compensateResource',
    async (resource) => {
      const reports: CleanupReport[] = [];
      for (const phase of input.phases) {
        const done = phase === 'failback' ? (input.done[resource.key] ?? {}) : {};
        reports.push(
          await awsSteps.compensateResource({
            plan: input.plan,
            phase,
            resource,
            trafficServed: phase === 'failback' && input.trafficServed,
            ...done,
          }),
        );
      }
      return reports;
    },
    safe,
  );
}
