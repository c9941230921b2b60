import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import {
  WorkflowUpdateFailedError,
  type Client,
  type Connection,
  type WorkflowHandle,
} from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  abortSignal,
  abortUpdate,
  approveSignal,
  approveUpdate,
  dnsCutoverCompleteSignal,
  dnsCutoverCompleteUpdate,
  dnsRollbackCompleteSignal,
  dnsRollbackCompleteUpdate,
  rejectSignal,
  rejectUpdate,
  retrySignal,
  retryUpdate,
  setMaintenanceWindowSignal,
  setMaintenanceWindowUpdate,
  type Ack,
} from '../../domain/messages.js';
import type { PlanStatus } from '../../domain/status.js';
import { HOUR_MS, windowFrom } from '../../domain/window-times.js';
import { ActivityControl } from '../../../test/support/activity-control.js';
import { fakeActivities } from '../../../test/support/fake-activities.js';
import { status, waitForStatus } from '../../../test/support/plans.js';
import { reach, ROWS, type Row } from '../../../test/support/stage-driver.js';
import {
  startWorkerWith,
  testClient,
  uniqueTaskQueue,
  type RunningWorker,
} from '../../../test/support/temporal.js';

// The stage × message model (issue 14): every signal and every Update in every place a plan can be,
// each reaction checked against the table below. The real plan workflow on the real Temporal server,
// with canned activities (held mid-flight, or failed once, to keep a plan where the row says). A
// refused Update fails with the reason; the same message as a signal is recorded as ignored with that
// reason and changes nothing; an accepted one has its effect. No plan ever has a failed workflow task.

interface Message {
  signal: SignalDefinition<[never]>;
  update: UpdateDefinition<Ack, [never]>;
  payload: () => Record<string, unknown>;
}
const message = (signal: unknown, update: unknown, payload: () => Record<string, unknown>): Message => ({
  signal: signal as Message['signal'],
  update: update as Message['update'],
  payload: () => ({ by: 'model', ...payload() }),
});
const WINDOW = () => ({ ...windowFrom(Date.now(), 2 * HOUR_MS, 4 * HOUR_MS) });

const MESSAGES = {
  'approve primary-ready': message(approveSignal, approveUpdate, () => ({ gate: 'primary-ready' })),
  'approve test-failback': message(approveSignal, approveUpdate, () => ({ gate: 'test-failback' })),
  'approve failback': message(approveSignal, approveUpdate, () => ({ gate: 'failback' })),
  'approve primary-validated': message(approveSignal, approveUpdate, () => ({ gate: 'primary-validated' })),
  'reject primary-ready': message(rejectSignal, rejectUpdate, () => ({
    gate: 'primary-ready',
    reason: 'model',
  })),
  'reject test-failback': message(rejectSignal, rejectUpdate, () => ({
    gate: 'test-failback',
    reason: 'model',
  })),
  'reject failback': message(rejectSignal, rejectUpdate, () => ({ gate: 'failback', reason: 'model' })),
  'reject primary-validated': message(rejectSignal, rejectUpdate, () => ({
    gate: 'primary-validated',
    reason: 'model',
  })),
  setMaintenanceWindow: message(setMaintenanceWindowSignal, setMaintenanceWindowUpdate, WINDOW),
  dnsCutoverComplete: message(dnsCutoverCompleteSignal, dnsCutoverCompleteUpdate, () => ({})),
  dnsRollbackComplete: message(dnsRollbackCompleteSignal, dnsRollbackCompleteUpdate, () => ({})),
  retry: message(retrySignal, retryUpdate, () => ({})),
  abort: message(abortSignal, abortUpdate, () => ({ reason: 'model abort' })),
};
type Msg = keyof typeof MESSAGES;
const COLUMNS = Object.keys(MESSAGES) as Msg[];

type Cell = { refuse: RegExp } | { accept: string; effect: (s: PlanStatus) => boolean } | { closed: true };
const refuse = (reason: string): Cell => ({ refuse: new RegExp(reason.replace(/[()]/g, '\\$&')) });
const accept = (what: string, effect: (s: PlanStatus) => boolean): Cell => ({ accept: what, effect });

// Refusals, in the workflow's words.
const nPR = refuse('not waiting for gate primary-ready');
const nTF = refuse('not waiting for gate test-failback');
const nPV = refuse('not waiting for gate primary-validated');
const fbNo = refuse('the failback gate opens in stage awaiting-window');
const noDns = refuse('not waiting for the DNS cutover');
const noBack = refuse('not waiting for DNS to point back at recovery');
const noRetry = refuse('nothing to retry');
const started = refuse('the failback has started');
const aborting = refuse('the plan is aborting');
const validated = refuse('primary is validated and recovery is being concluded');
const closed: Cell = { closed: true };
// Effects.
const aborts = accept('compensates and ends aborted', (s) => s.outcome?.result === 'aborted');
const rollbackWait = accept(
  'compensates, waiting first for DNS to point back (manual cutover)',
  (s) => s.stage === 'aborting' && s.waitingFor?.kind === 'dns-rollback',
);
const windowSet = accept('moves the window', (s) => s.maintenanceWindow?.setBy === 'model');
const pastPR = accept(
  'goes on to the test failback',
  (s) => s.waitingFor?.kind === 'gate' && s.waitingFor.gate === 'test-failback',
);
const pastTF = accept('cleans up the test and goes on', (s) =>
  s.timeline.some((t) => t.stage === 'awaiting-window'),
);
const approvedForWindow = accept(
  'records the approval, the timer waits for the window',
  (s) => s.failbackApproval?.by === 'model' && s.waitingFor?.kind === 'maintenance-window',
);
const failbackStarts = accept('starts the failback', (s) => s.measurements.failbackStartedAt !== undefined);
const cutover = accept(
  'records the cutover',
  (s) => s.dns.cutoverAt !== undefined && s.waitingFor?.kind === 'gate',
);
const completes = accept('concludes and completes', (s) => s.stage === 'completed');
const retries = accept('leaves needs-attention', (s) =>
  s.timeline.some((t) => t.note?.startsWith('retry requested by model')),
);
const retriesCompensation = accept(
  'compensates again and ends aborted',
  (s) =>
    s.outcome?.result === 'aborted' &&
    s.timeline.some((t) => t.stage === 'aborting' && t.note?.startsWith('retry')),
);
const rolledBack = accept(
  'goes on compensating and ends aborted',
  (s) => s.outcome?.result === 'aborted' && s.dns.rolledBackBy === 'model',
);

// prettier-ignore
const TABLE: Record<Row, Cell[]> = {
  //                                      approve: PR     TF      FB                 PV         reject: PR   TF      FB      PV            window     dns      rollback    retry     abort
  preflight:                              [nPR,    nTF,    fbNo,              nPV,       nPR,    nTF,    fbNo,   nPV,          windowSet, noDns,   noBack,     noRetry,  aborts],
  'awaiting-primary-ready':               [pastPR, nTF,    fbNo,              nPV,       aborts, nTF,    fbNo,   nPV,          windowSet, noDns,   noBack,     noRetry,  aborts],
  'access-stack':                         [nPR,    nTF,    fbNo,              nPV,       nPR,    nTF,    fbNo,   nPV,          windowSet, noDns,   noBack,     noRetry,  aborts],
  'test-failback':                        [nPR,    nTF,    fbNo,              nPV,       nPR,    nTF,    fbNo,   nPV,          windowSet, noDns,   noBack,     noRetry,  aborts],
  'awaiting-test-validation':             [nPR,    pastTF, fbNo,              nPV,       nPR,    aborts, fbNo,   nPV,          windowSet, noDns,   noBack,     noRetry,  aborts],
  'awaiting-window, before it opens':     [nPR,    nTF,    approvedForWindow, nPV,       nPR,    nTF,    aborts, nPV,          windowSet, noDns,   noBack,     noRetry,  aborts],
  'awaiting-window, open':                [nPR,    nTF,    failbackStarts,    nPV,       nPR,    nTF,    aborts, nPV,          windowSet, noDns,   noBack,     noRetry,  aborts],
  failback:                               [nPR,    nTF,    fbNo,              nPV,       nPR,    nTF,    fbNo,   nPV,          started,   noDns,   noBack,     noRetry,  aborts],
  'awaiting-dns-cutover':                 [nPR,    nTF,    fbNo,              nPV,       nPR,    nTF,    fbNo,   nPV,          started,   cutover, noBack,     noRetry,  rollbackWait],
  'awaiting-primary-validation':          [nPR,    nTF,    fbNo,              completes, nPR,    nTF,    fbNo,   rollbackWait, started,   noDns,   noBack,     noRetry,  rollbackWait],
  'conclude-recovery':                    [nPR,    nTF,    fbNo,              nPV,       nPR,    nTF,    fbNo,   nPV,          started,   noDns,   noBack,     noRetry,  validated],
  cleanup:                                [nPR,    nTF,    fbNo,              nPV,       nPR,    nTF,    fbNo,   nPV,          started,   noDns,   noBack,     noRetry,  validated],
  'needs-attention in access-stack':      [nPR,    nTF,    fbNo,              nPV,       nPR,    nTF,    fbNo,   nPV,          windowSet, noDns,   noBack,     retries,  aborts],
  'needs-attention in test-failback':     [nPR,    nTF,    fbNo,              nPV,       nPR,    nTF,    fbNo,   nPV,          windowSet, noDns,   noBack,     retries,  aborts],
  'needs-attention in failback':          [nPR,    nTF,    fbNo,              nPV,       nPR,    nTF,    fbNo,   nPV,          started,   noDns,   noBack,     retries,  aborts],
  'aborting, compensating':               [aborting, aborting, aborting,      aborting,  aborting, aborting, aborting, aborting, aborting,  aborting, noBack,    noRetry,  aborting],
  'aborting, needs-attention':            [aborting, aborting, aborting,      aborting,  aborting, aborting, aborting, aborting, aborting,  aborting, noBack,    retriesCompensation, aborting],
  'aborting, waiting for the DNS rollback': [aborting, aborting, aborting,    aborting,  aborting, aborting, aborting, aborting, aborting,  aborting, rolledBack, noRetry,  aborting],
  completed:                              [closed, closed, closed,            closed,    closed, closed, closed, closed,       closed,    closed,  closed,     closed,   closed],
  aborted:                                [closed, closed, closed,            closed,    closed, closed, closed, closed,       closed,    closed,  closed,     closed,   closed],
  failed:                                 [closed, closed, closed,            closed,    closed, closed, closed, closed,       closed,    closed,  closed,     closed,   closed],
};

const reasonOf = (error: unknown) =>
  error instanceof WorkflowUpdateFailedError ? (error.cause?.message ?? error.message) : String(error);

describe.concurrent('stage × message model (canned activities, real server)', { timeout: 240_000 }, () => {
  let client: Client;
  let connection: Connection;
  let worker: RunningWorker;
  const control = new ActivityControl();
  const taskQueue = uniqueTaskQueue('model');
  const plans: WorkflowHandle[] = [];

  beforeAll(async () => {
    ({ client, connection } = await testClient());
    worker = await startWorkerWith(taskQueue, control.wrap(fakeActivities().activities), {
      maxConcurrentWorkflowTaskExecutions: 20,
    });
  });
  afterAll(async () => {
    control.releaseAll();
    await Promise.all(plans.map((h) => h.terminate('model test over').catch(() => undefined)));
    await worker?.stop();
    await connection?.close();
  });

  async function at(row: Row) {
    const reached = await reach(client, taskQueue, control, row);
    plans.push(reached.handle);
    return reached;
  }

  async function noWorkflowTaskFailed(handle: WorkflowHandle) {
    const history = await handle.fetchHistory();
    const failed = (history.events ?? []).filter(
      (e) => e.eventType === temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
    );
    expect(failed, `${handle.workflowId}: workflow task failures`).toEqual([]);
  }

  it('has a cell for every message in every row', () => {
    expect(Object.keys(TABLE)).toEqual([...ROWS]);
    for (const row of ROWS) expect(TABLE[row], row).toHaveLength(COLUMNS.length);
  });

  for (const row of ROWS) {
    it(`in ${row}`, async () => {
      const cells = COLUMNS.map((msg, i) => ({ msg, cell: TABLE[row][i]! }));
      const refusals = cells.filter((c): c is { msg: Msg; cell: { refuse: RegExp } } => 'refuse' in c.cell);
      const accepted = cells.filter(
        (c): c is { msg: Msg; cell: { accept: string; effect: (s: PlanStatus) => boolean } } =>
          'accept' in c.cell,
      );
      const closedCells = cells.filter((c) => 'closed' in c.cell);

      // One plan takes every refused message, as an Update and as a signal: nothing changes.
      const { handle, at: before } = await at(row);
      for (const { msg, cell } of refusals) {
        const m = MESSAGES[msg];
        const error = await handle.executeUpdate(m.update, { args: [m.payload() as never] }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error, `${row} / ${msg}: the Update is refused`).toBeInstanceOf(WorkflowUpdateFailedError);
        expect(reasonOf(error), `${row} / ${msg}`).toMatch(cell.refuse);
        await handle.signal(m.signal, m.payload() as never);
      }
      for (const { msg } of closedCells) {
        const m = MESSAGES[msg];
        await expect(
          handle.executeUpdate(m.update, { args: [m.payload() as never] }),
          `${row} / ${msg}`,
        ).rejects.toThrow(/already completed|not found/i);
        await expect(handle.signal(m.signal, m.payload() as never), `${row} / ${msg}`).rejects.toThrow(
          /already completed|not found/i,
        );
      }
      if (refusals.length > 0) {
        const after = await waitForStatus(
          handle,
          (s) => s.audit.filter((a) => a.by === 'model').length === refusals.length,
          `${row}: the ignored signals audited`,
        );
        const ignored = after.audit.filter((a) => a.by === 'model');
        refusals.forEach(({ msg, cell }, i) => {
          expect(ignored[i], `${row} / ${msg} as a signal`).toMatchObject({ outcome: 'ignored' });
          expect(ignored[i]!.reason, `${row} / ${msg} as a signal`).toMatch(cell.refuse);
        });
        expect(after.stage, `${row}: refused messages change nothing`).toBe(before.stage);
        expect(after.waitingFor?.kind).toBe(before.waitingFor?.kind);
      } else if (closedCells.length > 0) {
        expect((await status(handle)).audit).toEqual(before.audit);
      }
      await noWorkflowTaskFailed(handle);

      // Every accepted message on a plan of its own, as an Update (the API's form): its effect.
      await Promise.all(
        accepted.map(async ({ msg, cell }) => {
          const { handle: own } = await at(row);
          const m = MESSAGES[msg];
          const ack = await own.executeUpdate(m.update, { args: [m.payload() as never] });
          expect(ack, `${row} / ${msg}`).toMatchObject({ accepted: true });
          await waitForStatus(own, cell.effect, `${row} / ${msg}: ${cell.accept}`, 90_000);
          await noWorkflowTaskFailed(own);
        }),
      );
    });
  }
});
