import { setCurrentDetails, type WorkflowInterceptors } from '@temporalio/workflow';
import { currentDetails } from './current-details.js';
import { activitySummary, childWorkflowMetadata } from './summaries.js';

/**
 * The Web UI's view of every workflow: summaries on the activities and child workflows it starts
 * (user metadata on their commands, taken from the type and input), and its Current Details set at
 * the end of each activation. Neither changes a command's kind, order or attributes that replay
 * compares, so in-flight histories replay unchanged (src/workflows/replay.test.ts replays them with
 * this module installed). Registered in the worker and in every workflow bundle (src/worker.ts).
 */
export const interceptors = (): WorkflowInterceptors => ({
  outbound: [
    {
      scheduleActivity(input, next) {
        if (input.options.summary) return next(input);
        const summary = activitySummary(input.activityType, input.args);
        return next(summary ? { ...input, options: { ...input.options, summary } } : input);
      },
      startChildWorkflowExecution(input, next) {
        if (input.options.staticSummary) return next(input);
        const metadata = childWorkflowMetadata(input.workflowType, input.options.args ?? []);
        if (!metadata) return next(input);
        return next({
          ...input,
          options: {
            ...input.options,
            staticSummary: metadata.summary,
            ...(metadata.details ? { staticDetails: metadata.details } : {}),
          },
        });
      },
    },
  ],
  internals: [
    {
      concludeActivation(input, next) {
        const details = currentDetails();
        if (details !== undefined) setCurrentDetails(details);
        return next(input);
      },
    },
  ],
});
