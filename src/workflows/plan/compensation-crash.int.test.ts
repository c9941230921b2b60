import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../../../scripts/stack/paths.js';
import { abortSignal, approveSignal } from '../../domain/messages.js';
import { windowOpenNow } from '../../domain/window-times.js';
import type { ActivityEvent } from '../../../test/support/activity-control.js';
import { startPlan, waitForGate, waitForStage } from '../../../test/support/plans.js';
import { validSpec } from '../../../test/support/specs.js';
import { testClient, uniqueTaskQueue } from '../../../test/support/temporal.js';

// Issue 14: the worker process killed (SIGKILL) while compensation runs, and a new one started:
// Temporal hands the lost activity to the new worker after its heartbeat timeout and the compensation
// completes exactly once (one compensation child, each resource compensated once). Canned activities
// in a worker process of their own (test/support/canned-worker.ts), which logs what it did to a file.
const EventType = temporal.api.enums.v1.EventType;
type Logged = ActivityEvent & { pid: number };

function startWorker(taskQueue: string, events: string, hold = ''): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'test/support/canned-worker.ts')],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_NAMESPACE: inject('temporalNamespace'),
        FAILBACK_TASK_QUEUE: taskQueue,
        FAILBACK_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
        FAILBACK_TEST_EVENTS: events,
        FAILBACK_TEST_HOLD: hold,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  return new Promise((resolve, reject) => {
    for (const stream of [child.stdout!, child.stderr!])
      stream.on('data', (d: Buffer) => {
        output += d.toString();
        if (output.includes('canned worker started')) resolve(child);
      });
    child.once('exit', (code) => reject(new Error(`canned worker exited (${code}):\n${output}`)));
  });
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

const read = (file: string): Logged[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Logged)
    : [];

async function until<T>(what: string, probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('worker killed during compensation', { timeout: 240_000 }, () => {
  let client: Client;
  let connection: Connection;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    ({ client, connection } = await testClient());
  });
  afterAll(async () => {
    for (const w of workers) await kill(w);
    await connection?.close();
  });

  it('restarted, the new worker finishes the compensation exactly once', async () => {
    const taskQueue = uniqueTaskQueue('compensation-crash');
    const events = path.join(mkdtempSync(path.join(tmpdir(), 'canned-events-')), 'events.jsonl');
    const spec = {
      ...validSpec(),
      planId: `crash-${Date.now().toString(36)}`,
      maintenanceWindow: windowOpenNow(Date.now(), 3),
    };
    const first = await startWorker(taskQueue, events, `${spec.planId}|compensateResource`);
    workers.push(first);
    const handle: WorkflowHandle = await startPlan(client, taskQueue, spec);
    await waitForGate(handle, 'primary-ready');
    await handle.signal(approveSignal, { gate: 'primary-ready', by: 'ana' });
    // Aborted after the test failback: compensation undoes its copies (and the access stack).
    await waitForGate(handle, 'test-failback');
    await handle.signal(abortSignal, { by: 'ana', reason: 'abort, then the worker dies' });
    const held = await until('a compensation held in the first worker', () =>
      read(events).find((e) => e.activity === 'compensateResource' && e.event === 'held'),
    );
    await kill(first);
    workers.push(await startWorker(taskQueue, events));

    const final = await waitForStage(handle, 'aborted', 180_000);
    expect(final.resources.every((r) => r.state === 'compensated')).toBe(true);
    const compensations = read(events).filter((e) => e.activity === 'compensateResource');
    const keys = final.resources.map((r) => r.key);
    for (const key of keys) {
      const ends = compensations.filter((e) => e.key.startsWith(key) && e.event === 'end');
      expect(ends, `${key} compensated once`).toHaveLength(1);
    }
    // The held call died with the first worker; its retry ran in the second one.
    const heldKey = held.key;
    const heldRuns = compensations.filter((e) => e.key === heldKey && e.event === 'start');
    expect(heldRuns.map((e) => e.pid)).toEqual([first.pid, workers[1]!.pid]);
    expect(compensations.some((e) => e.pid === first.pid && e.key === heldKey && e.event === 'end')).toBe(
      false,
    );

    const history = (await handle.fetchHistory()).events ?? [];
    const children = history.filter(
      (e) =>
        e.eventType === EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED &&
        e.startChildWorkflowExecutionInitiatedEventAttributes?.workflowId?.includes('-compensation'),
    );
    expect(children).toHaveLength(1);
    expect(
      history.filter((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED),
      'no workflow task failed',
    ).toEqual([]);
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });
});
