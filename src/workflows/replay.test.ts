import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Resource } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { type InjectedSinks, type ReplayWorkerOptions, Worker } from '@temporalio/worker';
import { otelWorkflowInterceptorsModule } from '../observability/worker-tracing.js';
import { describe, expect, it } from 'vitest';
import { HISTORY_DIR } from '../../test/support/record-history.js';
import { workflowInterceptorModules, workflowsPath } from '../worker.js';

// Determinism guard: every history recorded by the integration tests (test/histories/, see
// test/support/record-history.ts) must replay on today's workflow code. A change to workflow logic
// that breaks one needs patched() (docs/decisions/0003-workflow-versioning.md).
function recorded(): Array<{
  workflowId: string;
  history: ReturnType<typeof historyFromJSON>;
  file: string;
}> {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.json')) files.push(full);
    }
  };
  walk(HISTORY_DIR);
  return files.sort().map((file) => ({
    file: path.relative(HISTORY_DIR, file),
    workflowId: path.basename(file, '.json'),
    history: historyFromJSON(JSON.parse(readFileSync(file, 'utf8'))),
  }));
}

describe('replay of recorded histories', () => {
  const histories = recorded();

  it('has recorded histories to replay', () => {
    expect(histories.length).toBeGreaterThan(0);
  });

  async function replayAll(options: Partial<ReplayWorkerOptions>): Promise<void> {
    const failures: string[] = [];
    const results = Worker.runReplayHistories(
      { workflowsPath: workflowsPath(), replayName: 'recorded-histories', ...options },
      histories.map(({ workflowId, history }) => ({ workflowId, history })),
    );
    let replayed = 0;
    for await (const result of results) {
      replayed++;
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed).toBe(histories.length);
  }

  it('replays every one without a determinism error', async () => {
    // As the worker runs them: the Web UI's summaries and details must not change what replays.
    await replayAll({ interceptors: { workflowModules: workflowInterceptorModules() } });
  }, 120_000);

  it('replays every one with traces switched on, too (OTEL_* set on a worker with plans in flight)', async () => {
    await replayAll({
      interceptors: { workflowModules: [...workflowInterceptorModules(), otelWorkflowInterceptorsModule()] },
      sinks: {
        exporter: makeWorkflowExporter(
          new SimpleSpanProcessor(new InMemorySpanExporter()),
          new Resource({ 'service.name': 'replay' }),
        ),
      } as InjectedSinks<never>,
    });
  }, 120_000);
});
