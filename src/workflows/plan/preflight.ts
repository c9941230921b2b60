import { patched } from '@temporalio/workflow';
import { describeConflicts, footprintOf } from '../../domain/plan-conflicts.js';
import type { PlanSpec } from '../../domain/plan-spec.js';
import type { PreflightReport } from '../../domain/resources.js';
import { planActivities } from '../activities.js';
import { ABORT_SAFETY_PATCH } from '../versions.js';

/**
 * POST /v1/preflight: the plan's first stage as a dry run. Starts nothing, changes nothing. A running
 * plan on the same application or resources is an error finding that names it (decision 0033).
 */
export async function planPreflight(input: { spec: PlanSpec }): Promise<PreflightReport> {
  const safe = patched(ABORT_SAFETY_PATCH);
  const { quick } = planActivities(undefined, safe);
  const report = await quick.preflightPlan({ spec: input.spec, now: Date.now() });
  if (!safe) return report;
  const footprint = footprintOf({ ...input.spec, resources: report.resources }, true);
  const conflicts = await quick.findPlanConflicts({ footprint });
  if (conflicts.length === 0) return report;
  return {
    ...report,
    ok: false,
    findings: [
      ...report.findings,
      {
        severity: 'error',
        check: 'plan-conflict',
        message: `${describeConflicts(input.spec.planId, conflicts)}: start this plan once it has ended`,
      },
    ],
  };
}
