import {
  CancellationScope,
  condition,
  executeChild,
  isCancellation,
  patched,
  workflowInfo,
} from '@temporalio/workflow';
import type { FailbackPlanInput } from '../../domain/messages.js';
import { checkPlanRules } from '../../domain/plan-rules.js';
import type { PlanContext, ResolvedResource } from '../../domain/resources.js';
import type { PlanStatus } from '../../domain/status.js';
import { planActivities } from '../activities.js';
import { concludeRecovery, finalCleanup, testCleanup } from '../phases/task-phases.js';
import { compensate, type PlanProgress } from './compensate.js';
import { registerHandlers } from './handlers.js';
import { nowIso, PlanState } from './state.js';
import { attempt, gate, GateRejected, runCopyPhase, runTaskPhase } from './steps.js';
import { awaitOpenApprovedWindow } from './window.js';

/**
 * The failback plan (DESIGN.md §1): one durable workflow that owns the stages, the gates, the window
 * timer, the audit log and the `status` query, and runs each phase as a child workflow so its own
 * history stays small. Abort (or a rejected gate) cancels the forward flow and runs compensation in a
 * non-cancellable scope. Returns the final status.
 */
export async function failbackPlan(input: FailbackPlanInput): Promise<PlanStatus> {
  const state = new PlanState(input.spec, input.startedBy);
  registerHandlers(state);
  const progress: PlanProgress = { testStarted: false, testCleaned: false, failbackStarted: false, done: {} };

  // A spec that breaks the rules (a plan started from the CLI skips the API's checks) changes nothing.
  const ruleErrors = checkPlanRules(input.spec, Date.now());
  if (ruleErrors.length > 0) {
    for (const e of ruleErrors) state.recordError('InvalidParameter', `${e.path}: ${e.message}`);
    state.enterStage('failed', 'the plan spec breaks rules: start a corrected plan');
    state.status.outcome = { result: 'failed', at: nowIso(), reason: 'invalid plan spec' };
    return state.status;
  }

  const forward = new CancellationScope();
  const abortWatch = condition(() => state.abortRequest !== undefined).then(() => forward.cancel());
  try {
    await forward.run(() => runForward(input, state, progress));
    state.enterStage('completed');
    state.measure('completedAt');
    state.waitFor(null);
    state.status.outcome = { result: 'completed', at: nowIso() };
    return state.status;
  } catch (error) {
    if (!(isCancellation(error) || error instanceof GateRejected) || !state.abortRequest) throw error;
  }
  void abortWatch;
  // Abort or rejected gate: compensation must finish even if someone tries to cancel the workflow.
  await CancellationScope.nonCancellable(() => compensate(input, state, progress));
  return state.status;
}

async function runForward(input: FailbackPlanInput, state: PlanState, progress: PlanProgress): Promise<void> {
  const { spec } = input;
  const { quick } = planActivities(input.tuning);
  const concurrency = spec.options?.concurrency ?? 16;

  // 1. Preflight: a read-only look at both environments.
  const report = await attempt(state, 'preflight', async () => {
    const report = await quick.preflightPlan({ spec, now: Date.now() });
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

  // 2. A person confirms primary is ready; then the access stack.
  await gate(state, 'primary-ready', 'awaiting-primary-ready');
  state.enterStage('access-stack');
  const accessStack = await attempt(state, 'access stack', () =>
    quick.ensureAccessStack({
      planId: spec.planId,
      primary: spec.primary,
      ...(report.access ? { grants: report.access } : {}),
      ...(spec.dnsCutover.mode === 'route53' ? { hostedZoneId: spec.dnsCutover.hostedZoneId } : {}),
    }),
  );
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
    ...(patched('plan-run-ownership')
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
  await runTaskPhase(state, 'cleanup', resources, (pending, workflowId) =>
    executeChild(finalCleanup, { workflowId, args: [{ ...phaseInput, resources: pending }] }),
  );
  if (spec.options?.removeAccessStack !== false && progress.accessStackCreated) {
    await attempt(state, 'delete access stack', () =>
      quick.deleteAccessStack({ planId: spec.planId, primary: spec.primary }),
    );
    state.status.accessStack = { ...state.status.accessStack!, state: 'deleted' };
  }
  const scheduleId = spec.options?.recoveryPointSchedule;
  if (scheduleId)
    await attempt(state, 'resume recovery points', () =>
      quick.resumeRecoveryPointSchedule({ planId: spec.planId, scheduleId }),
    );
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

async function cutoverDns(
  input: FailbackPlanInput,
  state: PlanState,
  progress: PlanProgress,
  plan: PlanContext,
): Promise<void> {
  const dns = input.spec.dnsCutover;
  state.enterStage('awaiting-dns-cutover');
  if (dns.mode === 'manual') {
    state.dnsConfirmed = undefined;
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
    const { quick } = planActivities(input.tuning);
    const result = await attempt(state, 'Route 53 cutover', () =>
      quick.cutoverDns({
        planId: plan.planId,
        primary: plan.primary,
        hostedZoneId: dns.hostedZoneId,
        records: dns.records,
      }),
    );
    progress.dnsPrevious = result.previous;
    state.status.dns = {
      ...state.status.dns,
      cutoverAt: result.at,
      by: 'failback-orchestrator (route53)',
      previousRecords: result.previous.map((p) => ({
        name: p.name,
        type: p.type as 'A',
        ttl: p.ttl ?? 300,
        value: p.values.join(','),
      })),
    };
  }
  progress.trafficServed = true;
  state.measure('dnsCutoverAt', state.status.dns.cutoverAt);
  state.waitFor(null);
}
