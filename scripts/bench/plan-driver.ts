import type { Client, WorkflowHandle } from '@temporalio/client';
import { PLAN_WORKFLOW_TYPE, type Gate } from '../../src/domain/contract.js';
import {
  approveUpdate,
  dnsCutoverCompleteUpdate,
  statusQuery,
  type FailbackPlanInput,
} from '../../src/domain/messages.js';
import { planStartOptions } from '../../src/clients/temporal.js';
import type { PlanSpec } from '../../src/domain/plan-spec.js';
import { FailbackStage, FailbackWaitingFor } from '../../src/domain/search-attributes.js';
import type { PlanStatus } from '../../src/domain/status.js';

/**
 * Drives a plan the way an operator would, through the product's Temporal contract (the same
 * start and the same checked Updates the HTTP API uses), approving every gate as soon as the plan
 * waits for it. Waits watch the plan's search attributes (served by Temporal alone, no worker) and
 * are all bounded.
 */
export class PlanDriver {
  readonly handle: WorkflowHandle;

  private constructor(handle: WorkflowHandle) {
    this.handle = handle;
  }

  static async start(
    client: Client,
    taskQueue: string,
    spec: PlanSpec,
    timeScale: number,
  ): Promise<PlanDriver> {
    const input: FailbackPlanInput = { spec, startedBy: 'bench', tuning: { timeScale } };
    const handle = await client.workflow.start(PLAN_WORKFLOW_TYPE, planStartOptions(taskQueue, input));
    return new PlanDriver(handle);
  }

  async where(): Promise<{ stage: string; waitingFor: string }> {
    const described = await this.handle.describe();
    return {
      stage: described.typedSearchAttributes.get(FailbackStage) ?? 'unknown',
      waitingFor: described.typedSearchAttributes.get(FailbackWaitingFor) ?? 'unknown',
    };
  }

  status(): Promise<PlanStatus> {
    return this.handle.query(statusQuery);
  }

  /**
   * Polls until `done` holds. A plan that parks in needs-attention or ends otherwise fails the
   * benchmark run with the plan's own errors.
   */
  async waitUntil(
    what: string,
    done: (at: { stage: string; waitingFor: string }) => boolean,
    timeoutMs: number,
    onTick?: () => Promise<void>,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastTick = Date.now();
    for (;;) {
      const at = await this.where();
      if (done(at)) return;
      if (['needs-attention', 'failed', 'aborted', 'aborting', 'completed'].includes(at.stage)) {
        const status = await this.status().catch(() => undefined);
        const errors = (status?.errors ?? [])
          .slice(0, 5)
          .map((e) => `${e.resource ?? ''} ${e.type}: ${e.message}`);
        throw new Error(
          `plan ${at.stage} while waiting for ${what}: ${errors.join(' | ') || 'no errors recorded'}`,
        );
      }
      if (Date.now() > deadline)
        throw new Error(
          `${what}: not reached after ${Math.round(timeoutMs / 1000)} s (plan in ${at.stage}, waiting for ${at.waitingFor})`,
        );
      if (onTick && Date.now() - lastTick > 5000) {
        lastTick = Date.now();
        await onTick().catch(() => undefined);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async waitForGate(gate: Gate, timeoutMs: number, onTick?: () => Promise<void>): Promise<void> {
    await this.waitUntil(`gate ${gate}`, (at) => at.waitingFor === `gate:${gate}`, timeoutMs, onTick);
  }

  async approve(gate: Gate): Promise<void> {
    await this.handle.executeUpdate(approveUpdate, { args: [{ gate, by: 'bench', comment: 'benchmark' }] });
  }

  async confirmDnsCutover(): Promise<void> {
    await this.handle.executeUpdate(dnsCutoverCompleteUpdate, {
      args: [{ by: 'bench', details: 'benchmark' }],
    });
  }
}
