import { describe, expect, it } from 'vitest';
import {
  checkAbort,
  checkApprove,
  checkDnsCutover,
  checkMaintenanceWindow,
  checkReject,
  checkRetry,
  type PlanView,
} from './decisions.js';
import { DAY_MS, HOUR_MS } from '../../domain/window-times.js';

// Every instant below is relative to this clock (clock-independence.test.ts guards the fixtures).
const NOW = Date.now();
const at = (offsetMs: number) => new Date(NOW + offsetMs).toISOString();
const base: PlanView = {
  stage: 'awaiting-primary-ready',
  effectiveStage: 'awaiting-primary-ready',
  waitingFor: { kind: 'gate', gate: 'primary-ready', since: at(-HOUR_MS) },
  finished: false,
  aborting: false,
  failbackApproved: false,
  pastPointOfNoReturn: false,
  dnsMode: 'manual',
  now: NOW,
};
const view = (over: Partial<PlanView>): PlanView => ({ ...base, ...over });

describe('approve / reject', () => {
  it('accepts the gate the plan waits for', () => {
    expect(checkApprove(base, { gate: 'primary-ready', by: 'ana' })).toEqual({ ok: true });
    expect(checkReject(base, { gate: 'primary-ready', by: 'ana', reason: 'not ready' })).toEqual({
      ok: true,
    });
  });

  it('refuses another gate, saying what the plan waits for', () => {
    const verdict = checkApprove(base, { gate: 'primary-validated', by: 'ana' });
    expect(verdict).toEqual({
      ok: false,
      reason: expect.stringMatching(/not waiting for gate primary-validated.*waiting for gate primary-ready/),
    });
  });

  it('refuses unknown gates, missing identities and empty reasons', () => {
    expect(checkApprove(base, { gate: 'launch' as never, by: 'ana' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/unknown gate/),
    });
    expect(checkApprove(base, { gate: 'primary-ready', by: ' ' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/by/),
    });
    expect(checkApprove(base, null as never)).toMatchObject({ ok: false });
    expect(checkReject(base, { gate: 'primary-ready', by: 'ana', reason: '' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/reason/),
    });
  });

  it('takes the failback gate any time in awaiting-window, once', () => {
    const waiting = view({
      stage: 'awaiting-window',
      effectiveStage: 'awaiting-window',
      waitingFor: { kind: 'maintenance-window', since: '' },
    });
    expect(checkApprove(waiting, { gate: 'failback', by: 'ana' })).toEqual({ ok: true });
    expect(
      checkApprove({ ...waiting, failbackApproved: true }, { gate: 'failback', by: 'ana' }),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/already approved/) });
    expect(checkApprove(base, { gate: 'failback', by: 'ana' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/awaiting-window/),
    });
  });

  it('changes nothing on a finished or aborting plan', () => {
    expect(
      checkApprove(view({ finished: true, stage: 'completed' }), { gate: 'primary-ready', by: 'a' }),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/completed/) });
    expect(checkApprove(view({ aborting: true }), { gate: 'primary-ready', by: 'a' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/aborting/),
    });
  });
});

describe('setMaintenanceWindow', () => {
  const w = (start: string, end: string) => ({ start, end, by: 'ana' });
  it('accepts a future window before the failback started, also from needs-attention', () => {
    expect(checkMaintenanceWindow(base, w(at(2 * DAY_MS), at(2 * DAY_MS + 2 * HOUR_MS)))).toEqual({
      ok: true,
    });
    const parked = view({ stage: 'needs-attention', effectiveStage: 'test-failback' });
    expect(checkMaintenanceWindow(parked, w(at(2 * DAY_MS), at(2 * DAY_MS + 2 * HOUR_MS)))).toEqual({
      ok: true,
    });
  });
  it('accepts a window that is open now', () => {
    expect(checkMaintenanceWindow(base, w(at(-HOUR_MS), at(HOUR_MS)))).toEqual({
      ok: true,
    });
  });
  it('refuses a window that is over, inverted or unparsable', () => {
    expect(checkMaintenanceWindow(base, w(at(-DAY_MS - 2 * HOUR_MS), at(-DAY_MS)))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/over/),
    });
    expect(checkMaintenanceWindow(base, w(at(2 * DAY_MS + 2 * HOUR_MS), at(2 * DAY_MS)))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/end after/),
    });
    expect(checkMaintenanceWindow(base, w('soon', 'later'))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/ISO 8601/),
    });
  });
  it('refuses once the failback started', () => {
    const running = view({ stage: 'failback', effectiveStage: 'failback', waitingFor: null });
    expect(checkMaintenanceWindow(running, w(at(2 * DAY_MS), at(2 * DAY_MS + 2 * HOUR_MS)))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/started/),
    });
  });
});

describe('dnsCutoverComplete', () => {
  it('only while the plan waits for it', () => {
    const waiting = view({ stage: 'awaiting-dns-cutover', waitingFor: { kind: 'dns-cutover', since: '' } });
    expect(checkDnsCutover(waiting, { by: 'ana' })).toEqual({ ok: true });
    expect(checkDnsCutover(base, { by: 'ana' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not waiting for the DNS cutover/),
    });
    expect(checkDnsCutover(view({ dnsMode: 'route53' }), { by: 'ana' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/route53/),
    });
  });
});

describe('retry', () => {
  it('only in needs-attention', () => {
    const parked = view({
      stage: 'needs-attention',
      waitingFor: { kind: 'operator', since: '', reason: 'x' },
    });
    expect(checkRetry(parked, { by: 'ana' })).toEqual({ ok: true });
    expect(checkRetry({ ...parked, aborting: true }, { by: 'ana' })).toEqual({ ok: true });
    expect(checkRetry(base, { by: 'ana' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/nothing to retry/),
    });
    expect(checkRetry(view({ finished: true, stage: 'aborted' }), { by: 'ana' })).toMatchObject({
      ok: false,
    });
  });
});

describe('abort', () => {
  it('any time before primary is validated, with a reason, once', () => {
    expect(checkAbort(base, { by: 'ana', reason: 'storm' })).toEqual({ ok: true });
    expect(checkAbort(base, { by: 'ana', reason: '' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/reason/),
    });
    expect(checkAbort(view({ aborting: true }), { by: 'ana', reason: 'x' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/aborting/),
    });
    expect(checkAbort(view({ pastPointOfNoReturn: true }), { by: 'ana', reason: 'x' })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/nothing left to abort/),
    });
  });
});
