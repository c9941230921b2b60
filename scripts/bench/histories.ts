import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

export interface PlanHistory {
  workflowId: string;
  type: string;
  events: HistoryEvent[];
}

export interface HistoryFigures {
  workflows: number;
  parentEvents: number;
  totalEvents: number;
  /** workflow type → [count, total events] */
  byType: Record<string, { workflows: number; events: number }>;
  /** Activities scheduled (each runs one or more attempts). */
  activities: number;
  /** Attempts beyond the first, by the failure type that caused the retry. */
  activityRetries: Record<string, number>;
}

/**
 * Every workflow history of a plan: the plan, its phase children and their resource children, read
 * `parallel` at a time (a 500-resource plan has over a thousand).
 */
export async function planHistories(
  client: Client,
  workflowId: string,
  parallel = 8,
): Promise<PlanHistory[]> {
  const result: PlanHistory[] = [];
  let level = [workflowId];
  while (level.length > 0) {
    const next: string[] = [];
    let i = 0;
    const lane = async () => {
      while (i < level.length) {
        const id = level[i++]!;
        const history = await client.workflow.getHandle(id).fetchHistory();
        const events = history.events ?? [];
        const type = events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ?? 'unknown';
        result.push({ workflowId: id, type, events });
        for (const e of events) {
          const child = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
          if (child) next.push(child);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parallel, level.length) }, lane));
    level = next;
  }
  // The plan first, then in the order of the BFS (the lanes may have finished out of order).
  result.sort((a, b) => (a.workflowId === workflowId ? -1 : b.workflowId === workflowId ? 1 : 0));
  return result;
}

export function figures(histories: PlanHistory[]): HistoryFigures {
  const byType: HistoryFigures['byType'] = {};
  let activities = 0;
  const activityRetries: Record<string, number> = {};
  for (const h of histories) {
    const entry = (byType[h.type] ??= { workflows: 0, events: 0 });
    entry.workflows++;
    entry.events += h.events.length;
    for (const e of h.events) {
      if (e.activityTaskScheduledEventAttributes) activities++;
      const started = e.activityTaskStartedEventAttributes;
      if (started && (started.attempt ?? 1) > 1) {
        // Only the last attempt is in the history; its lastFailure is why the one before it failed.
        const type = started.lastFailure?.applicationFailureInfo?.type || 'other';
        activityRetries[type] = (activityRetries[type] ?? 0) + (started.attempt ?? 1) - 1;
      }
    }
  }
  return {
    workflows: histories.length,
    parentEvents: histories[0]?.events.length ?? 0,
    totalEvents: histories.reduce((n, h) => n + h.events.length, 0),
    byType,
    activities,
    activityRetries,
  };
}
