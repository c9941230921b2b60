import { accessStackActivities } from './access-stack/index.js';
import { dnsActivities } from './dns/route53.js';
import { preflightActivities } from './preflight/index.js';
import { probeEnvironment } from './probe.js';
import { resourceSteps } from './resource-steps.js';

/** Every activity the worker registers; workflows import only this type (never the code). */
export function createActivities() {
  return {
    probeEnvironment,
    ...resourceSteps,
    ...accessStackActivities,
    ...dnsActivities,
    ...preflightActivities,
  };
}

export type Activities = ReturnType<typeof createActivities>;
