import { probeEnvironment } from './probe.js';

/** Every activity the worker registers; workflows import only this type (never the code). */
export function createActivities() {
  return { probeEnvironment };
}

export type Activities = ReturnType<typeof createActivities>;
