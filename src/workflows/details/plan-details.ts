import { FINAL_STAGES, planWorkflowId } from '../../domain/contract.js';
import type { PlanStatus, ResourceStatus, WaitingFor } from '../../domain/status.js';
import { counts, shellJson, table } from './markdown.js';

/** At most this many resources are listed one by one; the counts cover all of them. */
export const MAX_LISTED_RESOURCES = 40;

export interface NextStep {
  /** Who may take it (the API role). */
  role: 'approver' | 'operator';
  what: string;
  /** The HTTP API call, as the README's cookbook writes it ($API, $…_TOKEN). */
  api: string;
  /** The same with the Temporal CLI. */
  cli: string;
}

const TOKEN = { approver: '$APPROVER_TOKEN', operator: '$OPERATOR_TOKEN' } as const;

function apiCall(role: NextStep['role'], planId: string, path: string, body?: unknown): string {
  return (
    `curl -sS --fail-with-body -X POST "$API/v1/plans/${planId}/${path}" -H "Authorization: Bearer ${TOKEN[role]}"` +
    (body === undefined ? '' : ` -H 'Content-Type: application/json' -d ${shellJson(body)}`)
  );
}

function cliSignal(planId: string, name: string, input: unknown): string {
  return `temporal workflow signal --workflow-id ${planWorkflowId(planId)} --name ${name} --input ${shellJson(input)}`;
}

/** What a person does now to move the plan on, by the API and by the CLI (empty: nothing to do). */
export function nextSteps(status: PlanStatus): NextStep[] {
  const { planId } = status;
  const waiting = status.waitingFor;
  if (!waiting || FINAL_STAGES.includes(status.stage)) return [];
  switch (waiting.kind) {
    case 'gate':
      return [
        {
          role: 'approver',
          what: `approve gate \`${waiting.gate}\``,
          api: apiCall('approver', planId, 'approvals', { gate: waiting.gate, decision: 'approve' }),
          cli: cliSignal(planId, 'approve', { gate: waiting.gate, by: '<you>' }),
        },
        {
          role: 'approver',
          what: `or reject it (the plan compensates and ends aborted)`,
          api: apiCall('approver', planId, 'approvals', {
            gate: waiting.gate,
            decision: 'reject',
            comment: '<why>',
          }),
          cli: cliSignal(planId, 'reject', { gate: waiting.gate, by: '<you>', reason: '<why>' }),
        },
      ];
    case 'maintenance-window': {
      const window = { start: '<ISO 8601 start>', end: '<ISO 8601 end>' };
      const steps: NextStep[] = [];
      if (!waiting.start) {
        steps.push({
          role: 'operator',
          what: 'set the maintenance window',
          api: apiCall('operator', planId, 'maintenance-window', window),
          cli: cliSignal(planId, 'setMaintenanceWindow', { ...window, by: '<you>' }),
        });
      }
      if (!status.failbackApproval) {
        steps.push({
          role: 'approver',
          what: 'approve the failback for the window (before or after it is set)',
          api: apiCall('approver', planId, 'approvals', { gate: 'failback', decision: 'approve' }),
          cli: cliSignal(planId, 'approve', { gate: 'failback', by: '<you>' }),
        });
      }
      if (waiting.start) {
        steps.push({
          role: 'operator',
          what: 'nothing, unless the window moves: the failback starts when it opens. To move it',
          api: apiCall('operator', planId, 'maintenance-window', window),
          cli: cliSignal(planId, 'setMaintenanceWindow', { ...window, by: '<you>' }),
        });
      }
      return steps;
    }
    case 'dns-cutover':
      return [
        {
          role: 'approver',
          what: 'point DNS at primary, then confirm the cutover',
          api: apiCall('approver', planId, 'dns-cutover', { details: '<what you changed>' }),
          cli: cliSignal(planId, 'dnsCutoverComplete', { by: '<you>', details: '<what you changed>' }),
        },
      ];
    case 'dns-rollback':
      return [
        {
          role: 'approver',
          what: 'point DNS back at recovery, wait for its TTL, then confirm: compensation goes on',
          api: apiCall('approver', planId, 'dns-rollback', { details: '<what you changed back>' }),
          cli: cliSignal(planId, 'dnsRollbackComplete', { by: '<you>', details: '<what you changed back>' }),
        },
      ];
    case 'operator':
      return [
        {
          role: 'operator',
          what: 'fix the cause (see the errors), then retry the failed step',
          api: apiCall('operator', planId, 'retry'),
          cli: cliSignal(planId, 'retry', { by: '<you>' }),
        },
        {
          role: 'operator',
          what: 'or abort (compensation undoes what the plan changed)',
          api: apiCall('operator', planId, 'abort', { reason: '<why>' }),
          cli: cliSignal(planId, 'abort', { by: '<you>', reason: '<why>' }),
        },
      ];
  }
}

/** One line: what the plan waits for, and since when. */
export function waitingLine(status: PlanStatus): string {
  const waiting: WaitingFor | null = status.waitingFor;
  if (FINAL_STAGES.includes(status.stage)) {
    const o = status.outcome;
    return o ? `**Finished:** ${o.result} at ${o.at}${o.reason ? ` (${o.reason})` : ''}` : '**Finished**';
  }
  if (!waiting) {
    const phase = status.activePhase;
    return phase
      ? `**Working:** phase \`${phase.phase}\` runs as child workflow \`${phase.workflowId}\` (its details show each resource's step)`
      : '**Working:** no person is needed right now';
  }
  const since = `since ${waiting.since}`;
  switch (waiting.kind) {
    case 'gate':
      return `**Waiting for an approver:** gate \`${waiting.gate}\`, ${since}`;
    case 'maintenance-window':
      return waiting.start
        ? `**Waiting for the maintenance window:** a timer to its start ${waiting.start} (ends ${waiting.end}), ${since}`
        : `**Waiting for an operator to set the maintenance window**, ${since}`;
    case 'dns-cutover':
      return `**Waiting for the DNS cutover** (manual: a person flips DNS and confirms), ${since}`;
    case 'dns-rollback':
      return `**Aborting, waiting for DNS to point back at recovery** (manual: a person flips it back and confirms), ${since}`;
    case 'operator':
      return `**Needs attention:** ${waiting.reason}, ${since}`;
  }
}

function resourceRows(resources: ResourceStatus[]): Array<Array<string | null | undefined>> {
  // Failed and running ones first: what needs looking at is at the top when the list is cut.
  const rank = (r: ResourceStatus) => (r.state === 'failed' ? 0 : r.state === 'succeeded' ? 3 : 1);
  return [...resources]
    .sort((a, b) => rank(a) - rank(b))
    .slice(0, MAX_LISTED_RESOURCES)
    .map((r) => [
      `\`${r.key}\``,
      r.phase,
      r.state,
      r.step,
      r.lastError ? `${r.lastError.type}: ${r.lastError.message}` : null,
    ]);
}

/**
 * The plan's Current Details in the Temporal Web UI (Markdown): stage, what it waits for and since
 * when, the exact API call and CLI command that continue it, the resources' progress and the latest
 * errors. Pure: computed from the `status` query's answer at the end of each workflow activation.
 */
export function renderPlanDetails(status: PlanStatus): string {
  const lines = [
    `### Failback plan \`${status.planId}\` (${status.application})`,
    '',
    `**Stage:** \`${status.stage}\`${status.interruptedStage ? ` (in \`${status.interruptedStage}\`)` : ''}`,
    '',
    waitingLine(status),
  ];
  const window = status.maintenanceWindow;
  if (window)
    lines.push('', `**Maintenance window:** ${window.start} → ${window.end} (set by ${window.setBy})`);
  if (status.failbackApproval)
    lines.push('', `**Failback approved** by ${status.failbackApproval.by} at ${status.failbackApproval.at}`);
  const steps = nextSteps(status);
  if (steps.length) {
    lines.push('', '#### To continue');
    for (const step of steps) {
      lines.push('', `${step.what} (${step.role}):`, '', '```sh', step.api, step.cli, '```');
    }
  }
  if (status.resources.length) {
    lines.push(
      '',
      `#### Resources (${status.resources.length}): ${counts(status.resources.map((r) => r.state))}`,
      '',
      ...table(['resource', 'phase', 'state', 'step', 'last error'], resourceRows(status.resources)),
    );
    if (status.resources.length > MAX_LISTED_RESOURCES)
      lines.push(
        '',
        `… and ${status.resources.length - MAX_LISTED_RESOURCES} more (the status query has all).`,
      );
  }
  const errors = status.errors.slice(-3);
  if (errors.length) {
    lines.push('', '#### Latest errors', '');
    for (const e of errors)
      lines.push(
        `- ${e.at} \`${e.type}\`${e.resource ? ` \`${e.resource}\`` : ''}: ${e.message} — ${e.action}`,
      );
  }
  lines.push(
    '',
    `Full status: \`temporal workflow query --workflow-id ${planWorkflowId(status.planId)} --type status\``,
  );
  return lines.join('\n');
}
