import { ApplicationFailure, executeChild, patched, workflowInfo } from '@temporalio/workflow';
import type { FailbackPlanInput } from '../../domain/messages.js';
import { grantsOfReport } from '../../domain/legacy-grants.js';
import { footprintOf } from '../../domain/plan-conflicts.js';
import type { PlanContext, ResolvedResource } from '../../domain/resources.js';
import { planActivities } from '../activities.js';
import { concludeRecovery, finalCleanup, testCleanup } from '../phases/task-phases.js';
import type { PlanProgress } from './compensate.js';
import { publishFootprint, refusedByConflict } from './conflicts.js';
import { cutoverDns } from './dns.js';
import type { PlanState } from './state.js';
import { attempt, gate, runCopyPhase, runTaskPhase } from './steps.js';
import { awaitOpenApprovedWindow } from './window.js';
import { ACCESS_GRANTS_PATCH, PLAN_RUN_OWNERSHIP_PATCH } from '../versions.js';

/**
 * The plan's steps in order (DESIGN.md §1), in the forward scope an abort cancels. Returns 'refused'
 * when an earlier plan holds the same application or resources (the plan then ends failed, having
 * changed nothing), 'done' when the last step finished.
 */
export async function runForward(
  input: FailbackPlanInput,
  state: PlanState,
  progress: PlanProgress,
): Promise<'done' | 'refused'> {
  const { spec } = input;
  const { quick } = planActivities(input.tuning, state.safe);
  const concurrency = spec.options?.concurrency ?? 16;

  // 1. Preflight: a read-only look at both environments.
  const report = await attempt(state, 'preflight', async () => {
    const report = await quick.preflightPlan({
      spec,
      now: Date.now(),
      // Activity input, not a command: the names it grants are this run's (decision 0045).
      planRun: workflowInfo().firstExecutionRunId,
    });
    if (report.ok) return report;
    for (const f of report.findings.filter((x) => x.severity === 'error')) {
      state.recordError('PreflightFailed', `${f.check}: ${f.message}`, f.resource);
    }
    throw new Error(
      `preflight found ${report.findings.filter((x) => x.severity === 'error').length} problem(s)`,
    );
  });
  const resources = report.resources;
  state.setResources(resources);
  progress.resources = resources;
  const footprint = footprintOf({ ...spec, resources }, true);
  if (state.safe) {
    publishFootprint(footprint);
    if (await refusedByConflict(state, quick, footprint)) return 'refused';
  }

  // 2. A person confirms primary is ready; then the access stack.
  await gate(state, 'primary-ready', 'awaiting-primary-ready');
  // Asked again before the first change: a plan started at the same moment is visible by now.
  if (state.safe && (await refusedByConflict(state, quick, footprint))) return 'refused';
  state.enterStage('access-stack');
  if (state.safe && spec.primary.bootstrapRoleArn) progress.accessStackRequested = true;
  const accessStack = await attempt(state, 'access stack', async () => {
    // Asked on each attempt: a plan parked here by an earlier version gets this run's grants on retry.
    const current = patched(ACCESS_GRANTS_PATCH);
    const { grants, problem } = current
      ? grantsOfReport(report.access, report.resources, {
          planId: spec.planId,
          accountId: spec.primary.accountId,
          region: spec.primary.region,
          ...(spec.options?.databaseAccess ? { databaseAccess: spec.options.databaseAccess } : {}),
        })
      : { grants: report.access, problem: undefined };
    // A person sees why and aborts: nothing has changed yet. (A role the operator staged is theirs.)
    if (problem && spec.primary.bootstrapRoleArn)
      throw ApplicationFailure.nonRetryable(problem, 'InvalidParameter');
    return quick.ensureAccessStack({
      planId: spec.planId,
      primary: spec.primary,
      ...(grants ? { grants } : {}),
      ...(current ? { planRun: workflowInfo().firstExecutionRunId } : {}),
      ...(spec.dnsCutover.mode === 'route53' ? { hostedZoneId: spec.dnsCutover.hostedZoneId } : {}),
    });
  });
  state.status.accessStack = {
    stackName: accessStack.stackName,
    roleArn: accessStack.roleArn,
    state: accessStack.state,
  };
  progress.accessStackCreated = accessStack.state === 'created';
  const plan: PlanContext = {
    planId: spec.planId,
    application: spec.application,
    primary: { ...spec.primary, roleArn: accessStack.roleArn },
    recovery: spec.recovery,
    // Ownership names the plan run, not only the plan id (decision 0035): a later plan with this id
    // never takes this run's resources, or the production resources it restored, for its own.
    ...(patched(PLAN_RUN_OWNERSHIP_PATCH)
      ? { planRun: workflowInfo().firstExecutionRunId, startedAt: workflowInfo().startTime.toISOString() }
      : {}),
  };
  progress.plan = plan;
  const phaseInput = { plan, concurrency, ...(input.tuning ? { tuning: input.tuning } : {}) };

  // 3. Test failback, validated by a person, then its copies are removed.
  if (spec.options?.testFailback !== false) {
    state.enterStage('test-failback');
    progress.testStarted = true;
    await runCopyPhase(state, 'test-failback', phaseInput, resources, () => undefined);
    await gate(state, 'test-failback', 'awaiting-test-validation');
    await runTestCleanup(state, phaseInput, resources);
    progress.testCleaned = true;
  }

  // 4-5. The maintenance window (approved), then the failback itself.
  state.enterStage('awaiting-window');
  await awaitOpenApprovedWindow(state);
  state.enterStage('failback');
  state.waitFor(null);
  state.measure('failbackStartedAt');
  progress.failbackStarted = true;
  const scheduleId = spec.options?.recoveryPointSchedule;
  if (state.safe && scheduleId) {
    // No recovery point of a half-replaced primary: the schedule rests while the failback runs.
    progress.schedulePauseRequested = true;
    const { paused } = await attempt(state, 'pause recovery points', () =>
      quick.pauseRecoveryPointSchedule({ planId: spec.planId, scheduleId }),
    );
    state.status.recoveryPointSchedule = { scheduleId, pausedByPlan: paused };
  }
  await runCopyPhase(state, 'failback', phaseInput, resources, (result) => {
    if (result.quiescedAt && !state.status.measurements.quiescedAt)
      state.measure('quiescedAt', result.quiescedAt);
    for (const q of result.quiesced ?? []) {
      const done = (progress.done[q.key] ??= {});
      done.quiescedSource = (done.quiescedSource ?? false) || q.stopped;
    }
    for (const r of result.results) {
      const done = (progress.done[r.key] ??= {});
      if (r.restore?.retirement) done.retirement = r.restore.retirement;
      if (r.restore?.restored) done.restored = r.restore.restored;
    }
  });
  state.measure('restoreCompletedAt');
  const captured = state.status.resources
    .map((r) => r.recoveryPoint?.capturedAt)
    .filter((t): t is string => !!t);
  if (captured.length > 0)
    state.measure(
      'finalRecoveryPointsAt',
      captured.reduce((a, b) => (a < b ? a : b)),
    );

  // 6. DNS cutover: a person flips it and says so, or the plan does it in Route 53.
  await cutoverDns(input, state, progress, plan);

  // 7. A person validates the application in primary; from here on there is nothing to abort.
  await gate(state, 'primary-validated', 'awaiting-primary-validation');
  state.pastPointOfNoReturn = true;

  // 8. Conclude recovery: final backups kept, live copies in recovery removed.
  state.enterStage('conclude-recovery');
  await runTaskPhase(state, 'conclude-recovery', resources, (pending, workflowId) =>
    executeChild(concludeRecovery, { workflowId, args: [{ ...phaseInput, resources: pending }] }),
  );

  // 9. Cleanup: intermediates, the access stack (option), recovery points resume.
  state.enterStage('cleanup');
  await runTaskPhase(
    state,
    'cleanup',
    resources,
    (pending, workflowId) =>
      executeChild(finalCleanup, { workflowId, args: [{ ...phaseInput, resources: pending }] }),
    // What a person must still do (a setting AWS refused) goes where the operator looks: the status.
    (key, report) => {
      const status = state.resource(key);
      if (status && report.leftOff?.length) status.leftOff = report.leftOff;
    },
  );
  if (spec.options?.removeAccessStack !== false && progress.accessStackCreated) {
    await attempt(state, 'delete access stack', () =>
      quick.deleteAccessStack({ planId: spec.planId, primary: spec.primary }),
    );
    state.status.accessStack = { ...state.status.accessStack!, state: 'deleted' };
  }
  if (scheduleId) {
    const { resumed } = await attempt(state, 'resume recovery points', () =>
      quick.resumeRecoveryPointSchedule({ planId: spec.planId, scheduleId }),
    );
    if (state.safe)
      state.status.recoveryPointSchedule = {
        scheduleId,
        pausedByPlan: state.status.recoveryPointSchedule?.pausedByPlan ?? false,
        resumed,
      };
  }
  return 'done';
}

async function runTestCleanup(
  state: PlanState,
  phaseInput: { plan: PlanContext; concurrency: number },
  resources: ResolvedResource[],
) {
  state.waitFor(null);
  await runTaskPhase(state, 'test-cleanup', resources, (pending, workflowId) =>
    executeChild(testCleanup, { workflowId, args: [{ ...phaseInput, resources: pending }] }),
  );
}
