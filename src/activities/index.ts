import type { Client } from '@temporalio/client';
import { accessStackActivities } from './access-stack/index.js';
import { copyCoordinationActivities } from './copy-coordination.js';
import { dnsActivities } from './dns/route53.js';
import { planConflictActivities } from './plan-conflicts.js';
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
    ...accessStackActivities,
    ...dnsActivities,
    ...copyCoordinationActivities,
    ...preflightActivities,
    ...scheduleActivities(deps.temporalClient),
    ...planConflictActivities(deps.temporalClient),
  };
}

/** What the workflows may call: every plan-level and per-resource activity. */
export type Activities = ReturnType<typeof createActivities>;
