import type { Client } from '@temporalio/client';
import { Gauge, type Registry } from 'prom-client';
import { PLAN_WORKFLOW_TYPE, planWorkflowId } from '../../domain/contract.js';
import { statusQuery } from '../../domain/messages.js';
import { waitingForKeyword, type PlanStatus } from '../../domain/status.js';
import { planSummary } from './visibility.js';

/** At most this many running plans are looked at per scrape; more are counted, not detailed. */
const MAX_PLANS = 200;
const STATUS_TIMEOUT_MS = 2_000;
/** Scrapes closer together than this share one look at Temporal. */
const CACHE_MS = 10_000;

interface Snapshot {
  /** Whether Temporal answered the listing (0: the other gauges are empty, not zero plans). */
  listed: boolean;
  byStage: Map<string, number>;
  waiting: Array<{ planId: string; application: string; stage: string; waitingFor: string; since: number }>;
  windows: Array<{ planId: string; start: number; end: number }>;
  unanswered: number;
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

/**
 * The plans as Prometheus sees them, for the alerts of deploy/monitoring/: running plans by stage
 * (visibility), and for each plan that waits for someone, since when and its maintenance window (its
 * `status` query). Read at scrape time, at most every CACHE_MS.
 */
export class PlanMetrics {
  private snapshot: { at: number; value: Promise<Snapshot> } | undefined;

  constructor(
    private readonly client: Client,
    registry: Registry,
  ) {
    const take = () => this.current();
    new Gauge({
      name: 'failback_plans',
      help: 'Running failback plans, by stage (Temporal visibility)',
      labelNames: ['stage'],
      registers: [registry],
      async collect() {
        const snapshot = await take();
        this.reset();
        for (const [stage, n] of snapshot.byStage) this.set({ stage }, n);
      },
    });
    new Gauge({
      name: 'failback_plan_waiting_since_timestamp_seconds',
      help: 'When a running plan began to wait for a person (unix seconds), by what it waits for',
      labelNames: ['plan_id', 'application', 'stage', 'waiting_for'],
      registers: [registry],
      async collect() {
        const snapshot = await take();
        this.reset();
        for (const w of snapshot.waiting)
          this.set(
            { plan_id: w.planId, application: w.application, stage: w.stage, waiting_for: w.waitingFor },
            w.since,
          );
      },
    });
    for (const edge of ['start', 'end'] as const) {
      new Gauge({
        name: `failback_plan_window_${edge}_timestamp_seconds`,
        help: `The ${edge} of a waiting plan's maintenance window (unix seconds)`,
        labelNames: ['plan_id'],
        registers: [registry],
        async collect() {
          const snapshot = await take();
          this.reset();
          for (const w of snapshot.windows) this.set({ plan_id: w.planId }, w[edge]);
        },
      });
    }
    new Gauge({
      name: 'failback_plans_listed',
      help: 'Whether Temporal answered the listing of running plans at the last look (1) or not (0)',
      registers: [registry],
      async collect() {
        this.set((await take()).listed ? 1 : 0);
      },
    });
    new Gauge({
      name: 'failback_plan_status_unanswered',
      help: 'Waiting plans whose status query no worker answered at the last look',
      registers: [registry],
      async collect() {
        this.set((await take()).unanswered);
      },
    });
  }

  /** The last look, or a new one; a failed look is an empty snapshot (never a failed scrape). */
  private current(): Promise<Snapshot> {
    const now = Date.now();
    if (!this.snapshot || now - this.snapshot.at > CACHE_MS) {
      const value = this.read().catch((): Snapshot => ({
        listed: false,
        byStage: new Map(),
        waiting: [],
        windows: [],
        unanswered: 0,
      }));
      this.snapshot = { at: now, value };
    }
    return this.snapshot.value;
  }

  private async read(): Promise<Snapshot> {
    const response = await this.client.withDeadline(Date.now() + 3_000, () =>
      this.client.workflowService.listWorkflowExecutions({
        namespace: this.client.options.namespace,
        query: `WorkflowType = '${PLAN_WORKFLOW_TYPE}' AND ExecutionStatus = 'Running'`,
        pageSize: MAX_PLANS,
      }),
    );
    const plans = response.executions.map(planSummary);
    const snapshot: Snapshot = { listed: true, byStage: new Map(), waiting: [], windows: [], unanswered: 0 };
    for (const p of plans)
      snapshot.byStage.set(p.stage ?? 'unknown', (snapshot.byStage.get(p.stage ?? 'unknown') ?? 0) + 1);
    const waiting = plans.filter((p) => p.waitingFor && p.waitingFor !== 'nothing');
    await Promise.all(
      waiting.map(async (p) => {
        let status: PlanStatus;
        try {
          status = await this.client.withDeadline(Date.now() + STATUS_TIMEOUT_MS, () =>
            this.client.workflow.getHandle(planWorkflowId(p.planId)).query(statusQuery),
          );
        } catch {
          snapshot.unanswered++;
          return;
        }
        if (status.waitingFor) {
          snapshot.waiting.push({
            planId: status.planId,
            application: status.application,
            stage: status.stage,
            waitingFor: waitingForKeyword(status.waitingFor),
            since: seconds(status.waitingFor.since),
          });
        }
        const window = status.maintenanceWindow;
        if (window)
          snapshot.windows.push({
            planId: status.planId,
            start: seconds(window.start),
            end: seconds(window.end),
          });
      }),
    );
    return snapshot;
  }
}
