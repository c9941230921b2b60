// The workflow bundle's entry point: every workflow type the worker serves, and nothing else.
export { environmentProbe } from './environment-probe.js';
export { failbackPlan } from './plan/failback-plan.js';
export { planPreflight } from './plan/preflight.js';
export { failback, testFailback } from './phases/pipeline-phase.js';
export { compensation, concludeRecovery, finalCleanup, testCleanup } from './phases/task-phases.js';
export { resourceFailback } from './resources/resource-pipeline.js';
export { copySlotCoordinator } from './coordination/copy-coordinator.js';
