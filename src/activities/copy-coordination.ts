import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { copySlotCoordinatorId } from '../domain/naming.js';
import { registerPhaseSignal } from '../workflows/coordination/messages.js';

/**
 * The activities of the copy-slot coordinator (decision 0043): they talk to Temporal, not AWS, through
 * the worker's own client. Both are idempotent: signal-with-start registers a phase that is already
 * registered again (a no-op), and describing workflows changes nothing.
 */
export const copyCoordinationActivities = {
  /** Starts the destination's coordinator if none runs, and registers the phase with it. */
  async ensureCopySlotCoordinator(input: {
    accountId: string;
    region: string;
    phase: string;
    sweepIntervalMs: number;
  }): Promise<{ workflowId: string }> {
    const { taskQueue } = Context.current().info;
    const workflowId = copySlotCoordinatorId(taskQueue, input.accountId, input.region);
    await Context.current().client.workflow.signalWithStart('copySlotCoordinator', {
      workflowId,
      taskQueue,
      args: [{ accountId: input.accountId, region: input.region, sweepIntervalMs: input.sweepIntervalMs }],
      signal: registerPhaseSignal,
      signalArgs: [{ phase: input.phase }],
    });
    return { workflowId };
  },

  /** Which of the workflows are no longer running (or unknown): their slots can be given on. */
  async closedWorkflows(input: { workflowIds: string[] }): Promise<string[]> {
    const client = Context.current().client;
    const closed: string[] = [];
    const queue = [...input.workflowIds];
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        try {
          const described = await client.workflow.getHandle(id).describe();
          if (described.status.name !== 'RUNNING') closed.push(id);
        } catch (error) {
          if (error instanceof WorkflowNotFoundError) closed.push(id);
          else throw error;
        }
        Context.current().heartbeat();
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
    return closed.sort();
  },
};
