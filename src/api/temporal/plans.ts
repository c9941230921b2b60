import { randomUUID } from 'node:crypto';
import {
  type Client,
  type WorkflowHandle,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { defaultPayloadConverter, TimeoutFailure } from '@temporalio/common';
import type { UpdateDefinition } from '@temporalio/common';
import { planWorkflowId, PLAN_WORKFLOW_TYPE } from '../../domain/contract.js';
import {
  type Ack,
  type FailbackPlanInput,
  type PlanTuning,
  phaseStatusQuery,
  statusQuery,
} from '../../domain/messages.js';
import type { PlanSpec } from '../../domain/plan-spec.js';
import type { PreflightReport } from '../../domain/resources.js';
import type { PlanStatus } from '../../domain/status.js';
import { problems, ProblemError } from '../plugins/problems.js';
import type { RunEnvironment } from '../report/compute.js';
import type { PlanDetail, PlanListQuery, PlanSummary, WorkflowStatusName } from '../schemas/plans.js';
import { isTemporalReachable, planStartOptions } from '../../clients/temporal.js';
import { findConflictingPlans } from '../../clients/plan-conflicts.js';
import { describeConflicts, footprintOf } from '../../domain/plan-conflicts.js';
import type { Registry } from 'prom-client';
import { temporalProblem } from './errors.js';
import { PlanMetrics } from './plan-metrics.js';
import { decodePageToken, encodePageToken, listQuery, planSummary } from './visibility.js';

export const PREFLIGHT_WORKFLOW_TYPE = 'planPreflight';

export interface PlanGatewayOptions {
  client: Client;
  taskQueue: string;
  /** How long a query or an Update may wait for a worker before the API answers 503. */
  rpcTimeoutMs?: number;
  /** How long a call only the server answers (start, list, describe) may take before a 503. */
  serverTimeoutMs?: number;
  /** The whole dry run, after which POST /v1/preflight answers 504. */
  preflightTimeoutMs?: number;
  /** Passed to every plan started (the emulator's scaled clock); absent against AWS. */
  tuning?: PlanTuning;
  /** AWS_ENDPOINT_URL of this deployment (an emulator), for the report's environment line. */
  awsEndpoint?: string;
}

interface Described {
  workflowId: string;
  runId: string;
  workflowStatus: WorkflowStatusName;
  startedAt: string;
  closedAt: string | null;
}

/**
 * Everything the API asks of Temporal, with Temporal's failures turned into problems: 404 for an
 * unknown plan, 409 for a state that does not fit (the workflow's Update validators decide, atomically),
 * 503 when the server or a worker does not answer.
 */
export class PlanGateway {
  private readonly client: Client;
  private readonly taskQueue: string;
  private readonly rpcTimeoutMs: number;
  private readonly serverTimeoutMs: number;
  readonly preflightTimeoutMs: number;
  private readonly tuning: PlanTuning | undefined;
  private readonly awsEndpoint: string | undefined;

  constructor(options: PlanGatewayOptions) {
    this.client = options.client;
    this.taskQueue = options.taskQueue;
    this.rpcTimeoutMs = options.rpcTimeoutMs ?? 15_000;
    this.serverTimeoutMs = options.serverTimeoutMs ?? 5_000;
    this.preflightTimeoutMs = options.preflightTimeoutMs ?? 30_000;
    this.tuning = options.tuning;
    this.awsEndpoint = options.awsEndpoint;
  }

  /** The plans' Prometheus gauges in `registry` (deploy/monitoring/ alerts on them). */
  registerPlanMetrics(registry: Registry): PlanMetrics {
    return new PlanMetrics(this.client, registry);
  }

  private withTimeout<T>(fn: () => Promise<T>, ms = this.rpcTimeoutMs): Promise<T> {
    return this.client.withDeadline(Date.now() + ms, fn);
  }

  /** Calls the server alone answers (no worker involved) need less patience. */
  private serverCall<T>(fn: () => Promise<T>): Promise<T> {
    return this.withTimeout(fn, this.serverTimeoutMs);
  }

  private problem(error: unknown, what: string) {
    return temporalProblem(error, what, () => isTemporalReachable(this.client.connection, 1_000));
  }

  private handle(planId: string): WorkflowHandle {
    return this.client.workflow.getHandle(planWorkflowId(planId));
  }

  async start(spec: PlanSpec, startedBy: string): Promise<{ workflowId: string; runId: string }> {
    const workflowId = planWorkflowId(spec.planId);
    const input: FailbackPlanInput = { spec, startedBy, ...(this.tuning ? { tuning: this.tuning } : {}) };
    await this.refuseConflicts(spec);
    try {
      const handle = await this.serverCall(() =>
        this.client.workflow.start(PLAN_WORKFLOW_TYPE, planStartOptions(this.taskQueue, input)),
      );
      return { workflowId, runId: handle.firstExecutionRunId };
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) throw problems.planExists(spec.planId);
      throw await this.problem(error, `starting plan ${spec.planId}`);
    }
  }

  /**
   * 409 naming the running plans that hold this spec's application or explicit resources (the plan
   * itself checks its resolved resources too, and a CLI start is checked there: decision 0033).
   */
  private async refuseConflicts(spec: PlanSpec): Promise<void> {
    let conflicts;
    try {
      conflicts = await this.serverCall(() =>
        findConflictingPlans(this.client, { taskQueue: this.taskQueue, footprint: footprintOf(spec) }),
      );
    } catch (error) {
      throw await this.problem(error, `checking plan ${spec.planId} against the running plans`);
    }
    // Its own id running is "plan exists" (REJECT_DUPLICATE), answered by the start itself.
    const others = conflicts.filter((c) => c.workflowId !== planWorkflowId(spec.planId));
    if (others.length > 0)
      throw problems.planConflict(
        spec.planId,
        describeConflicts(spec.planId, others),
        others.map(({ planId, workflowId, shared }) => ({ planId, workflowId, shared })),
      );
  }

  async preflight(spec: PlanSpec): Promise<PreflightReport> {
    try {
      return await this.client.workflow.execute(PREFLIGHT_WORKFLOW_TYPE, {
        taskQueue: this.taskQueue,
        workflowId: `preflight-${spec.planId}-${randomUUID().slice(0, 8)}`,
        args: [{ spec }],
        workflowExecutionTimeout: this.preflightTimeoutMs,
      });
    } catch (error) {
      if (error instanceof WorkflowFailedError) {
        if (error.cause instanceof TimeoutFailure) {
          throw new ProblemError({
            status: 504,
            detail: `the preflight did not finish within ${this.preflightTimeoutMs / 1000} s: is the failback worker running?`,
          });
        }
        throw problems.preflightFailed(`the preflight failed: ${error.cause?.message ?? error.message}`);
      }
      throw await this.problem(error, 'running the preflight');
    }
  }

  async list(filter: PlanListQuery): Promise<{ plans: PlanSummary[]; nextPageToken: string | null }> {
    const nextPageToken = decodePageToken(filter.pageToken);
    if (!nextPageToken) {
      throw problems.validation([
        { in: 'querystring', path: '/pageToken', message: 'is not a page token of this list' },
      ]);
    }
    try {
      const response = await this.serverCall(() =>
        this.client.workflowService.listWorkflowExecutions({
          namespace: this.client.options.namespace,
          query: listQuery(filter),
          pageSize: filter.pageSize ?? 50,
          nextPageToken,
        }),
      );
      return {
        plans: response.executions.map(planSummary),
        nextPageToken: encodePageToken(response.nextPageToken),
      };
    } catch (error) {
      if ((error as { code?: number }).code === 3)
        throw problems.badRequest('pageToken is not a token of this list');
      throw await this.problem(error, 'listing plans');
    }
  }

  /** The plan workflow's own status in Temporal; 404 when there is no such plan. */
  private async describe(planId: string): Promise<Described> {
    try {
      const d = await this.serverCall(() => this.handle(planId).describe());
      if (d.type !== PLAN_WORKFLOW_TYPE) throw problems.planNotFound(planId);
      return {
        workflowId: d.workflowId,
        runId: d.runId,
        workflowStatus: d.status.name,
        startedAt: d.startTime.toISOString(),
        closedAt: d.closeTime ? d.closeTime.toISOString() : null,
      };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw problems.planNotFound(planId);
      throw await this.problem(error, `describing plan ${planId}`);
    }
  }

  private async queryStatus(planId: string): Promise<PlanStatus> {
    return this.withTimeout(() => this.handle(planId).query(statusQuery));
  }

  /** GET /v1/plans/{planId}: Temporal's view merged with the workflow's `status` and the live phase. */
  async detail(planId: string): Promise<PlanDetail> {
    const described = await this.describe(planId);
    let status: PlanStatus | null = null;
    let statusError: string | undefined;
    try {
      status = await this.queryStatus(planId);
    } catch (error) {
      statusError = `the status query was not answered: ${(error as Error).message}`;
    }
    const detail: PlanDetail = { planId, ...described, status, ...(statusError ? { statusError } : {}) };
    const active = status?.activePhase;
    if (active && described.workflowStatus === 'RUNNING') {
      const phase = await this.withTimeout(
        () => this.client.workflow.getHandle(active.workflowId).query(phaseStatusQuery),
        5_000,
      ).catch(() => null); // the phase may have just finished: the plan's status is still right
      detail.activePhase = { ...active, detail: phase };
    }
    return detail;
  }

  /**
   * Where the plan ran: the time scale it was started with (its input, the first event of its
   * history) and this deployment's AWS endpoint.
   */
  private async environment(described: Described): Promise<RunEnvironment> {
    let timeScale: number;
    try {
      const response = await this.serverCall(() =>
        this.client.workflowService.getWorkflowExecutionHistory({
          namespace: this.client.options.namespace,
          execution: { workflowId: described.workflowId, runId: described.runId },
          maximumPageSize: 1,
        }),
      );
      const payload =
        response.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
      const input = payload ? (defaultPayloadConverter.fromPayload(payload) as FailbackPlanInput) : undefined;
      timeScale = input?.tuning?.timeScale ?? 1;
    } catch (error) {
      throw await this.problem(error, `reading how plan ${described.workflowId} was started`);
    }
    return { timeScale, awsEndpoint: this.awsEndpoint ?? null };
  }

  /** The report's input: 503 when no worker answers the status query. */
  async statusForReport(
    planId: string,
  ): Promise<{ status: PlanStatus; environment: RunEnvironment } & Described> {
    const described = await this.describe(planId);
    const environment = await this.environment(described);
    try {
      return { ...described, environment, status: await this.queryStatus(planId) };
    } catch (error) {
      throw problems.workerUnavailable(
        `the status query of plan ${planId} was not answered: ${(error as Error).message}`,
      );
    }
  }

  /**
   * A human step as a Workflow Update: its validator checks the step against the plan's state inside
   * the workflow, so a step that does not fit is rejected (409) with nothing recorded or sent.
   */
  async act<P>(planId: string, update: UpdateDefinition<Ack, [P]>, payload: P): Promise<Ack> {
    try {
      return await this.withTimeout(() => this.handle(planId).executeUpdate(update, { args: [payload] }));
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) {
        throw problems.wrongState(planId, error.cause?.message ?? error.message);
      }
      if (error instanceof WorkflowNotFoundError) {
        // Temporal says "not found" for a closed workflow too: tell the two apart.
        const described = await this.describe(planId);
        if (described.workflowStatus !== 'RUNNING')
          throw problems.planFinished(planId, described.workflowStatus);
        throw problems.wrongState(planId, error.message);
      }
      throw await this.problem(error, `sending ${update.name} to plan ${planId}`);
    }
  }
}
