import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

/** The note a plan leaves on the schedule it pauses: an abort resumes only a schedule with this note. */
export const pausedByPlanNote = (planId: string) =>
  `paused by failback plan ${planId} for its failback: an abort or the plan's end resumes it`;

function notFound(scheduleId: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `schedule ${scheduleId} does not exist in this namespace — create or name the right schedule, then send retry`,
    'NotFound',
  );
}

/**
 * The recovery-point schedule (options.recoveryPointSchedule): paused by the plan while its failback
 * replaces primary's resources (a recovery point then would be of a half-replaced application), and
 * running again when the plan completes (step 8 of the plan), or when an abort undoes a failback that
 * paused it (decision 0034). Pausing a paused schedule and unpausing a running one change nothing.
 */
export function scheduleActivities(client: () => Client) {
  return {
    /** Pauses the schedule if it runs; `paused` says whether this plan did (a note on the schedule says so too). */
    async pauseRecoveryPointSchedule(input: {
      planId: string;
      scheduleId: string;
    }): Promise<{ paused: boolean }> {
      const handle = client().schedule.getHandle(input.scheduleId);
      try {
        const description = await handle.describe();
        if (description.state.paused) {
          return { paused: description.state.note === pausedByPlanNote(input.planId) };
        }
        await handle.pause(pausedByPlanNote(input.planId));
        return { paused: true };
      } catch (error) {
        if (error instanceof ScheduleNotFoundError) throw notFound(input.scheduleId);
        throw error;
      }
    },

    /**
     * Unpauses the schedule. With `onlyIfPausedByPlan` (an abort) only a schedule this plan paused,
     * whatever the workflow knew of the pause (an abort may come while the pause was in flight).
     */
    async resumeRecoveryPointSchedule(input: {
      planId: string;
      scheduleId: string;
      onlyIfPausedByPlan?: boolean;
    }): Promise<{ resumed: boolean }> {
      const handle = client().schedule.getHandle(input.scheduleId);
      try {
        const description = await handle.describe();
        if (!description.state.paused) return { resumed: false };
        if (input.onlyIfPausedByPlan && description.state.note !== pausedByPlanNote(input.planId))
          return { resumed: false };
        await handle.unpause(
          input.onlyIfPausedByPlan
            ? `failback plan ${input.planId} aborted: recovery points resume as before the plan`
            : `failback plan ${input.planId} completed: recovery points resume`,
        );
        return { resumed: true };
      } catch (error) {
        if (error instanceof ScheduleNotFoundError) throw notFound(input.scheduleId);
        throw error;
      }
    },
  };
}
