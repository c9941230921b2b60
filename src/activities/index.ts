import { probeEnvironment } from './probe.js';
import { resourceSteps } from './resource-steps.js';

/** Every activity the worker registers; workflows import only this type (never the code). */
export function createActivities() {
  return { probeEnvironment, ...resourceSteps };
}

export type Activities = ReturnType<typeof createActivities>;
