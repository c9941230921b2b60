import type { PlanSpec } from '../../domain/plan-spec.js';
import type { PreflightReport } from '../../domain/resources.js';
import { planActivities } from '../activities.js';

/** POST /v1/preflight: the plan's first stage as a dry run. Starts nothing, changes nothing. */
export async function planPreflight(input: { spec: PlanSpec }): Promise<PreflightReport> {
  const { quick } = planActivities(undefined);
  return quick.preflightPlan({ spec: input.spec, now: new Date().toISOString() });
}
