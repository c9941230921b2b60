import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';
import { REPO_ROOT } from '../../scripts/stack/paths.js';

export const HISTORY_DIR = path.join(REPO_ROOT, 'test', 'histories');

/**
 * With FAILBACK_RECORD_HISTORIES=1, saves the histories of a finished plan (the plan and every child)
 * under test/histories/<name>/, where src/workflows/replay.test.ts replays them against today's code.
 * Re-record only on purpose: the committed files are what in-flight plans of earlier versions look like.
 */
export async function recordPlanHistories(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.FAILBACK_RECORD_HISTORIES !== '1') return;
  const dir = path.join(HISTORY_DIR, name);
  mkdirSync(dir, { recursive: true });
  const queue = [workflowId];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const history = await client.workflow.getHandle(id).fetchHistory();
    writeFileSync(path.join(dir, `${id}.json`), historyToJSON(history));
    for (const e of history.events ?? []) {
      const child = e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId;
      if (child) queue.push(child);
    }
  }
}
