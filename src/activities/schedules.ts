import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

/**
 * Recovery points resume when the plan completes (step 8 of the plan): the Temporal Schedule that
 * takes them was paused during the recovery; unpausing an already running schedule is a no-op.
 */
export function scheduleActivities(client: () => Client) {
  return {
    async resumeRecoveryPointSchedule(input: {
      planId: string;
      scheduleId: string;
    }): Promise<{ resumed: boolean }> {
      const handle = client().schedule.getHandle(input.scheduleId);
      try {
        const description = await handle.describe();
        if (!description.state.paused) return { resumed: false };
        await handle.unpause(`failback plan ${input.planId} completed: recovery points resume`);
        return { resumed: true };
      } catch (error) {
        if (error instanceof ScheduleNotFoundError) {
          throw ApplicationFailure.nonRetryable(
            `schedule ${input.scheduleId} does not exist in this namespace — create or name the right schedule, then send retry`,
            'NotFound',
          );
        }
        throw error;
      }
    },
  };
}
