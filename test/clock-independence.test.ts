import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { schemaFindings } from '../src/activities/preflight/preflight.js';
import { assertUsableWindow } from '../src/api/routes/plans/steps.js';
import type { PlanSpec } from '../src/domain/plan-spec.js';
import { checkPlanRules } from '../src/domain/plan-rules.js';
import {
  HOUR_MS,
  MINUTE_MS,
  windowFrom,
  windowOpenNow,
  type WindowTimes,
} from '../src/domain/window-times.js';
import { checkMaintenanceWindow, type PlanView } from '../src/workflows/plan/decisions.js';
import { cookbookCommands, withWindowOpenAt } from './support/cookbook.js';
import { validSpec } from './support/specs.js';

/**
 * The guard of issue 12: the fixtures the tests use, evaluated by every rule that reads the clock, on
 * clocks from 2026 through 2036. A fixture with a literal date passes on the day it is written and fails
 * later; here it fails at once, on one of these clocks. The fake clock is the process's `Date`, so a
 * fixture that calls `Date.now()` sees it, as it would on that day.
 */
const CLOCKS: string[] = [];
for (let year = 2026; year <= 2036; year++) {
  const leap = year % 4 === 0;
  CLOCKS.push(
    `${year}-01-01T00:00:00.000Z`,
    `${year}-02-${leap ? 29 : 28}T23:59:59.999Z`,
    `${year}-06-30T12:00:00.000Z`,
    `${year}-12-31T23:30:00.000Z`,
  );
}

/** The windows the tests, the demo and the bench build, each as its builder builds it. */
const FIXTURES: Record<string, () => PlanSpec> = {
  'validSpec() (the design example: a window tomorrow)': () => validSpec(),
  'a window open now (workflow tests, bench)': () => ({
    ...validSpec(),
    maintenanceWindow: windowOpenNow(Date.now()),
  }),
  'a window from now for three hours (e2e)': () => ({
    ...validSpec(),
    maintenanceWindow: windowFrom(Date.now(), 0, 3 * HOUR_MS),
  }),
  'a window in an hour (branching: awaiting-window)': () => ({
    ...validSpec(),
    maintenanceWindow: windowFrom(Date.now(), HOUR_MS, 2 * HOUR_MS),
  }),
  'no window (API tests)': () => ({ ...validSpec(), maintenanceWindow: undefined }),
};

const planView = (now: number): PlanView => ({
  stage: 'awaiting-window',
  effectiveStage: 'awaiting-window',
  waitingFor: { kind: 'maintenance-window', since: new Date(now - MINUTE_MS).toISOString() },
  finished: false,
  aborting: false,
  failbackApproved: false,
  pastPointOfNoReturn: false,
  dnsMode: 'manual',
  now,
});

/** Every window the README's cookbook sends (curl bodies and signal inputs), as the cookbook test sends it. */
function readmeWindows(now: number): WindowTimes[] {
  const commands = cookbookCommands(readFileSync('README.md', 'utf8'), 'Operating a failback');
  const windows = commands
    .filter((c) => /maintenance-window"|setMaintenanceWindow/.test(c.text))
    .map((c) => {
      const json = /(?:-d|--input) '(\{[^']*\})'/.exec(withWindowOpenAt(c.text, now))?.[1];
      if (!json) throw new Error(`README.md:${c.line}: no JSON body found in ${c.text}`);
      return JSON.parse(json) as WindowTimes;
    });
  expect(windows.length).toBeGreaterThanOrEqual(2);
  return windows;
}

function expectUsable(window: WindowTimes, now: number): void {
  expect(checkMaintenanceWindow(planView(now), { ...window, by: 'olga' })).toEqual({ ok: true });
  expect(() => assertUsableWindow(window.start, window.end, now)).not.toThrow();
}

describe('fixtures are valid on any day from 2026 through 2036', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it.each(CLOCKS)('on %s', (clock) => {
    const now = Date.parse(clock);
    vi.setSystemTime(now);
    for (const [name, build] of Object.entries(FIXTURES)) {
      const spec = build();
      expect(checkPlanRules(spec, now), name).toEqual([]);
      expect(schemaFindings(spec), name).toEqual([]);
      if (spec.maintenanceWindow) expectUsable(spec.maintenanceWindow, now);
    }
    for (const window of readmeWindows(now)) expectUsable(window, now);
  });

  it('would catch a literal window (the fixture of issue 12)', () => {
    vi.setSystemTime(Date.parse('2026-12-01T00:00:00Z'));
    const literal = {
      ...validSpec(),
      maintenanceWindow: { start: '2026-11-28T02:00:00Z', end: '2026-11-28T04:00:00Z' },
    };
    expect(checkPlanRules(literal, Date.now())).toEqual([
      { path: '/maintenanceWindow/end', message: 'window is already over' },
    ]);
  });
});
