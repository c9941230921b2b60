import type { Client } from '@temporalio/client';
import { accessStackActivities } from './access-stack/index.js';
import type { PlanLevelActivities } from './contracts.js';
import { dnsActivities } from './dns/route53.js';
import { preflightActivities } from './preflight/index.js';
import { probeEnvironment } from './probe.js';
import { resourceSteps } from './resource-steps.js';
import { scheduleActivities } from './schedules.js';

export interface ActivityDependencies {
  /** For activities that talk to Temporal itself (schedules); created lazily by the worker. */
  temporalClient: () => Client;
}

/** Every activity the worker registers; workflows import only the type (never the code). */
export function createActivities(deps: ActivityDependencies) {
  return {
    probeEnvironment,
    ...resourceSteps,
    ...scheduleActivities(deps.temporalClient),
    ...accessStackActivities,
    ...dnsActivities,
    ...preflightActivities,
  };
}

/** What the workflows may call (plan-level activities are completed by their modules as they land). */
export type Activities = ReturnType<typeof createActivities> & PlanLevelActivities;
