import {
  condition,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import { phaseStatusQuery } from '../../domain/messages.js';
import type { PlanTuning } from '../../domain/messages.js';
import { resourceWorkflowId } from '../../domain/naming.js';
import {
  copySlotUnits,
  quotaClassFor,
  type PlanContext,
  type ResolvedResource,
} from '../../domain/resources.js';
import type { PhaseStatus, ResourceState } from '../../domain/status.js';
import { planActivities } from '../activities.js';
import { boundedAll } from '../bounded.js';
import {
  describeFailure,
  resourceFailback,
  type ResourcePhaseResult,
} from '../resources/resource-pipeline.js';
import { describeCurrentDetails } from '../details/current-details.js';
import { renderPhaseDetails } from '../details/phase-details.js';
import { CopySchedule } from './copy-schedule.js';
import { CopySlots, type CopySlotRequest } from './copy-slots.js';
import { acquireCopySlotSignal, copySlotGrantedSignal, releaseCopySlotSignal } from './messages.js';
import { childWorkflowFailure, isOwnCancellation } from '../failures.js';
import { ABORT_SAFETY_PATCH, COPY_SLOT_UNITS_PATCH, REGION_COPY_SLOTS_PATCH } from '../versions.js';
import { regionSlotGrantedSignal } from '../coordination/messages.js';
import { RegionSlotForwarder } from '../coordination/forwarder.js';

export interface PipelinePhaseInput {
  plan: PlanContext;
  resources: ResolvedResource[];
  /** At most this many resources in flight (plan option `concurrency`). */
  concurrency: number;
  /** 0 for the first run, n for the n-th retry after needs-attention (part of the child ids). */
  attempt: number;
  tuning?: PlanTuning;
}

export interface QuiesceRecord {
  key: string;
  at: string;
  /** The failback stopped it (EC2): compensation starts it again. */
  stopped: boolean;
}

export interface PipelinePhaseResult {
  phase: 'test-failback' | 'failback';
  results: ResourcePhaseResult[];
  /** failback: when every source of this run was quiesced (the RPO's reference), and what stopped. */
  quiescedAt?: string;
  quiesced?: QuiesceRecord[];
}

/** Test failback: copies restored into primary under test names; nothing in primary is retired. */
export async function testFailback(input: PipelinePhaseInput): Promise<PipelinePhaseResult> {
  return runPipelinePhase('test-failback', input);
}

/** The failback in the window: quiesce, final recovery points, copy, retire + restore, verify. */
export async function failback(input: PipelinePhaseInput): Promise<PipelinePhaseResult> {
  return runPipelinePhase('failback', input);
}

async function runPipelinePhase(
  phase: 'test-failback' | 'failback',
  input: PipelinePhaseInput,
): Promise<PipelinePhaseResult> {
  // With it: an abort waits for every resource child in flight; a failed child is a failed resource.
  const safe = patched(ABORT_SAFETY_PATCH);
  // With it: copy slots are shared with every plan copying into the same account and region.
  const sweepMs = Math.max(1_000, Math.round(60_000 * (input.tuning?.timeScale ?? 1)));
  const resendMs = 10 * sweepMs;
  const regional = patched(REGION_COPY_SLOTS_PATCH)
    ? new RegionSlotForwarder(input.plan, workflowInfo().workflowId, sweepMs)
    : undefined;
  // With it: an AMI copy takes one EBS copy slot per volume, as AWS counts it.
  const byUnits = patched(COPY_SLOT_UNITS_PATCH);
  const byKey = new Map(input.resources.map((r) => [r.key, r]));
  const crossRegion = input.plan.primary.region !== input.plan.recovery.region;
  const states = new Map<
    string,
    { state: ResourceState; step?: string; lastError?: { type: string; message: string; at: string } }
  >(input.resources.map((r) => [r.key, { state: 'pending' }]));
  const slots = new CopySlots();
  const childId = (resource: ResolvedResource) =>
    resourceWorkflowId(input.plan.planId, phase, resource, input.attempt);
  const schedule = new CopySchedule(
    input.resources.map((item) => ({ item, quotaClass: quotaClassFor(item.kind, crossRegion) })),
    input.concurrency,
  );
  const byWorkflowId = new Map<string, string>();
  const grants: CopySlotRequest[] = [];

  setHandler(acquireCopySlotSignal, (request) => {
    const granted = slots.request(
      byUnits ? { ...request, units: copySlotUnits(byKey.get(request.key), request.quotaClass) } : request,
    );
    if (granted) grants.push(granted);
    else states.set(request.key, { state: 'waiting-for-copy-slot', step: 'copyRecoveryPoint' });
  });
  setHandler(releaseCopySlotSignal, ({ workflowId }) => {
    regional?.release(workflowId);
    grants.push(...slots.release(workflowId));
    schedule.copied(workflowId);
    const key = byWorkflowId.get(workflowId);
    if (key) states.set(key, { state: 'running', step: 'restoreIntoPrimary' });
  });
  const phaseStatus = (): PhaseStatus => ({
    phase,
    resources: [...states].map(([key, s]) => ({ key, ...s })),
    copySlots: slots.snapshot(),
  });
  setHandler(regionSlotGrantedSignal, ({ key, holder }) => {
    regional?.granted(holder);
    if (states.get(key)?.state === 'waiting-for-copy-slot')
      states.set(key, { state: 'running', step: 'copyRecoveryPoint' });
  });
  setHandler(phaseStatusQuery, phaseStatus);
  describeCurrentDetails(() => renderPhaseDetails(phaseStatus()));

  let childrenDone = false;
  // Grants go out in batches: all that are pending leave in one workflow task.
  const grantSender = (async () => {
    for (;;) {
      const ready = () => grants.length > 0 || childrenDone;
      // Requests the coordinator has not granted yet go again now and then (decision 0043).
      if (regional?.waiting && !(await condition(ready, resendMs))) {
        await regional.resend();
        continue;
      }
      await condition(ready);
      if (grants.length === 0) return;
      const batch = grants.splice(0, grants.length);
      if (regional) {
        // The destination's coordinator grants the resource workflow when a slot is free there.
        const live = batch.filter((g) => slots.holds(g.workflowId));
        for (const g of live) states.set(g.key, { state: 'waiting-for-copy-slot', step: 'regionCopySlot' });
        await regional.forward(
          live.map((g) => ({ ...g, resource: byKey.get(g.key) })),
          (id) => slots.holds(id),
        );
        continue;
      }
      for (const g of batch) states.set(g.key, { state: 'running', step: 'copyRecoveryPoint' });
      await Promise.all(
        batch.map((g) =>
          getExternalWorkflowHandle(g.workflowId)
            .signal(copySlotGrantedSignal)
            .catch(() => undefined),
        ),
      );
    }
  })();
  // On cancellation (abort) the sender's pending condition rejects too; the phase's own await reports it.
  grantSender.catch(() => undefined);

  const result: PipelinePhaseResult = { phase, results: [] };
  let resources = input.resources;
  if (phase === 'failback') {
    const quiesce = await quiesceAll(input, states, safe);
    result.quiescedAt = quiesce.quiescedAt;
    result.quiesced = quiesce.records;
    result.results.push(...quiesce.failures);
    const failed = new Set(quiesce.failures.map((f) => f.key));
    resources = resources.filter((r) => !failed.has(r.key));
    schedule.drop((r) => failed.has(r.key));
  }

  const runChild = async (resource: ResolvedResource): Promise<ResourcePhaseResult> => {
    const workflowId = childId(resource);
    byWorkflowId.set(workflowId, resource.key);
    states.set(resource.key, { state: 'running', step: 'takeRecoveryPoint' });
    try {
      const outcome = await executeChild(resourceFailback, {
        workflowId,
        args: [
          {
            plan: input.plan,
            phase,
            resource,
            quotaClass: quotaClassFor(resource.kind, crossRegion),
            ...(result.quiescedAt ? { quiescedAt: result.quiescedAt } : {}),
            ...(input.tuning ? { tuning: input.tuning } : {}),
          },
        ],
      });
      states.set(resource.key, outcome.ok ? { state: 'succeeded' } : failedState(outcome));
      return compact(outcome);
    } catch (error) {
      if (!safe || isOwnCancellation(error)) throw error;
      // Terminated, failed, or cancelled from outside: the resource needs a person (retry runs it again).
      const failed: ResourcePhaseResult = {
        key: resource.key,
        ok: false,
        error: { ...childWorkflowFailure(error), step: 'resourceFailback' },
        timings: [],
      };
      states.set(resource.key, failedState(failed));
      return failed;
    } finally {
      regional?.release(workflowId);
      grants.push(...slots.release(workflowId));
    }
  };
  const results = patched('copy-schedule')
    ? await scheduledAll(resources, schedule, childId, runChild, safe)
    : await boundedAll(resources, input.concurrency, runChild);
  childrenDone = true;
  await grantSender;
  result.results.push(...results);
  return result;
}

/**
 * Runs every resource's child in the order `schedule` allows (copy-schedule.ts); results in plan
 * order. A child ends in a result whatever happens to its resource, so the only rejection is
 * cancellation (abort): kept, and rethrown once the children in flight have ended (with
 * `waitForInFlight`, also when the cancellation arrives while no child could start).
 */
async function scheduledAll(
  resources: ResolvedResource[],
  schedule: CopySchedule<ResolvedResource>,
  childId: (resource: ResolvedResource) => string,
  run: (resource: ResolvedResource) => Promise<ResourcePhaseResult>,
  waitForInFlight = false,
): Promise<ResourcePhaseResult[]> {
  const position = new Map(resources.map((r, i) => [r.key, i]));
  const results = new Array<ResourcePhaseResult>(resources.length);
  const inFlight: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  while (!schedule.drained && !failure) {
    if (waitForInFlight) {
      // Cancelled while waiting for a slot: no child starts, and those in flight are waited for.
      try {
        await condition(() => failure !== undefined || schedule.canStart);
      } catch (error) {
        failure ??= { error };
        break;
      }
    } else await condition(() => failure !== undefined || schedule.canStart);
    if (failure) break;
    const resource = schedule.take(childId)!;
    inFlight.push(
      run(resource).then(
        (result) => {
          results[position.get(resource.key)!] = result;
          schedule.finished(childId(resource));
        },
        (error: unknown) => {
          failure ??= { error };
          schedule.finished(childId(resource));
        },
      ),
    );
  }
  await Promise.all(inFlight);
  if (failure) throw failure.error;
  return results;
}

/**
 * What the plan keeps of a resource's run: enough for status, the report and compensation (the whole
 * retirement), without the kinds' descriptive details, so 1,000 results stay far below Temporal's
 * 2 MB payload limit (about 1 kB each).
 */
export function compact(result: ResourcePhaseResult): ResourcePhaseResult {
  const { copy: _copy, recoveryPoint, restore, ...rest } = result;
  return {
    ...rest,
    ...(recoveryPoint
      ? { recoveryPoint: { id: recoveryPoint.id, capturedAt: recoveryPoint.capturedAt } }
      : {}),
    ...(restore
      ? {
          restore: {
            ...(restore.retirement ? { retirement: restore.retirement } : {}),
            restored: { id: restore.restored.id, name: restore.restored.name },
          },
        }
      : {}),
  };
}

function failedState(outcome: ResourcePhaseResult) {
  return {
    state: 'failed' as const,
    ...(outcome.error
      ? {
          step: outcome.error.step,
          lastError: {
            type: outcome.error.type,
            message: outcome.error.message,
            at: new Date().toISOString(),
          },
        }
      : {}),
  };
}

/** Stops writes at every source first (EC2 instances stop), so all final recovery points follow it. */
async function quiesceAll(
  input: PipelinePhaseInput,
  states: Map<string, { state: ResourceState; step?: string }>,
  safe: boolean,
) {
  const { awsSteps } = planActivities(input.tuning, safe);
  const records: QuiesceRecord[] = [];
  const failures: ResourcePhaseResult[] = [];
  await boundedAll(
    input.resources,
    input.concurrency,
    async (resource) => {
      states.set(resource.key, { state: 'running', step: 'quiesceSource' });
      const startedAt = new Date().toISOString();
      try {
        const quiesced = await awsSteps.quiesceSource({ plan: input.plan, phase: 'failback', resource });
        records.push({ key: resource.key, at: quiesced.quiescedAt, stopped: quiesced.stopped });
        states.set(resource.key, { state: 'pending' });
      } catch (error) {
        if (isCancellation(error)) throw error;
        const failure = { ...describeFailure(error), step: 'quiesceSource' };
        failures.push({
          key: resource.key,
          ok: false,
          error: failure,
          timings: [{ step: 'quiesceSource', startedAt, finishedAt: new Date().toISOString() }],
        });
        states.set(resource.key, { state: 'failed', step: 'quiesceSource' });
      }
    },
    { settle: safe },
  );
  const quiescedAt = records.reduce(
    (latest, r) => (r.at > latest ? r.at : latest),
    records[0]?.at ?? new Date().toISOString(),
  );
  return { quiescedAt, records, failures };
}
