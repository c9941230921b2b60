import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

export interface HistoryFigures {
  workflows: number;
  parentEvents: number;
  totalEvents: number;
  /** workflow type → [count, total events] */
  byType: Record<string, { workflows: number; events: number }>;
}

/** Every workflow history of a plan: the plan, its phase children and their resource children. */
export async function planHistories(
  client: Client,
  workflowId: string,
): Promise<Array<{ workflowId: string; type: string; events: temporal.api.history.v1.IHistoryEvent[] }>> {
  const result: Array<{ workflowId: string; type: string; events: temporal.api.history.v1.IHistoryEvent[] }> =
    [];
  const queue = [workflowId];
  while (queue.length > 0) {
    const id = queue.shift()!;
    const history = await client.workflow.getHandle(id).fetchHistory();
    const events = history.events ?? [];
    const type = events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? 'unknown';
    result.push({ workflowId: id, type, events });
    for (const e of events) {
      const child = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
      if (child) queue.push(child);
    }
  }
  return result;
}

export function figures(histories: Awaited<ReturnType<typeof planHistories>>): HistoryFigures {
  const byType: HistoryFigures['byType'] = {};
  for (const h of histories) {
    const entry = (byType[h.type] ??= { workflows: 0, events: 0 });
    entry.workflows++;
    entry.events += h.events.length;
  }
  return {
    workflows: histories.length,
    parentEvents: histories[0]?.events.length ?? 0,
    totalEvents: histories.reduce((n, h) => n + h.events.length, 0),
    byType,
  };
}
