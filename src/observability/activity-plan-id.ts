import type { ActivityInterceptorsFactory } from '@temporalio/worker';

/** The plan an activity works for, from its input: a StepInput's `plan`, a `planId`, or a `spec`. */
export function planIdOfActivityInput(args: readonly unknown[]): string | undefined {
  const input = args[0] as
    { planId?: unknown; plan?: { planId?: unknown }; spec?: { planId?: unknown } } | undefined | null;
  if (!input || typeof input !== 'object') return undefined;
  const planId = input.planId ?? input.plan?.planId ?? input.spec?.planId;
  return typeof planId === 'string' ? planId : undefined;
}

/**
 * Adds `planId` to every log line of an activity (the SDK's own and `log` from @temporalio/activity),
 * so the worker's log can be grepped by plan like the API's.
 */
export const activityPlanIdInterceptor: ActivityInterceptorsFactory = () => {
  let planId: string | undefined;
  return {
    inbound: {
      async execute(input, next) {
        planId = planIdOfActivityInput(input.args);
        return next(input);
      },
    },
    outbound: {
      getLogAttributes(attributes, next) {
        return next(planId ? { ...attributes, planId } : attributes);
      },
    },
  };
};
