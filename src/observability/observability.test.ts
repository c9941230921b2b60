import { Writable } from 'node:stream';
import { log as activityLog } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger, type LogEntry } from '@temporalio/worker';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { activityPlanIdInterceptor, planIdOfActivityInput } from './activity-plan-id.js';
import { planBindingsFromMeta, planIdOfWorkflow } from './plan-bindings.js';
import { sdkLevel, sdkLogFunction } from './sdk-runtime.js';

describe('planIdOfWorkflow', () => {
  it('reads the plan workflow and its children (naming.ts forms)', () => {
    expect(planIdOfWorkflow('failback-shop-2026-11', 'failbackPlan')).toBe('shop-2026-11');
    expect(planIdOfWorkflow('failback-shop-2026-11-test-failback', 'testFailback')).toBe('shop-2026-11');
    expect(planIdOfWorkflow('failback-shop-2026-11-failback-r2', 'failback')).toBe('shop-2026-11');
    expect(planIdOfWorkflow('failback-shop-2026-11-failback-rds-instance-shop-db', 'resourceFailback')).toBe(
      'shop-2026-11',
    );
    // A plan id containing a phase word, in a resource child: the kind after the phase disambiguates.
    expect(
      planIdOfWorkflow('failback-x-cleanup-y-compensation-dynamodb-table-orders', 'resourceFailback'),
    ).toBe('x-cleanup-y');
    expect(planIdOfWorkflow('preflight-shop-1a2b3c4d', 'planPreflight')).toBeUndefined();
    expect(planIdOfWorkflow('something-else')).toBeUndefined();
  });

  it('prefers an explicit planId in the log metadata', () => {
    expect(
      planBindingsFromMeta({ planId: 'p1', workflowId: 'failback-p2', workflowType: 'failbackPlan' }),
    ).toEqual({
      planId: 'p1',
      workflowId: 'failback-p2',
    });
    expect(planBindingsFromMeta({ sdkComponent: 'worker' })).toEqual({});
    expect(planBindingsFromMeta(undefined)).toEqual({});
  });
});

describe('planIdOfActivityInput', () => {
  it('finds the plan in a step input, a plan-level input or a spec', () => {
    expect(planIdOfActivityInput([{ plan: { planId: 'a' }, phase: 'failback' }])).toBe('a');
    expect(planIdOfActivityInput([{ planId: 'b', primary: {} }])).toBe('b');
    expect(planIdOfActivityInput([{ spec: { planId: 'c' }, now: 'x' }])).toBe('c');
    expect(planIdOfActivityInput([{ accountId: '1' }])).toBeUndefined();
    expect(planIdOfActivityInput([null])).toBeUndefined();
    expect(planIdOfActivityInput([])).toBeUndefined();
  });
});

describe('activityPlanIdInterceptor', () => {
  it('adds the planId of the input to every log line of the activity', async () => {
    const entries: LogEntry[] = [];
    const env = new MockActivityEnvironment(
      { workflowExecution: { workflowId: 'failback-shop-1-failback-rds-instance-db', runId: 'r' } },
      {
        interceptors: [activityPlanIdInterceptor],
        logger: new DefaultLogger('DEBUG', (e) => entries.push(e)),
      },
    );
    await env.run(async (_input: unknown) => activityLog.info('copying'), {
      plan: { planId: 'shop-1' },
      phase: 'failback',
    });
    const line = entries.find((e) => e.message === 'copying');
    expect(line?.meta).toMatchObject({
      planId: 'shop-1',
      workflowId: 'failback-shop-1-failback-rds-instance-db',
    });
  });
});

describe('SDK logs through pino', () => {
  it('writes one JSON line per entry with planId and workflowId bindings', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const log = sdkLogFunction(pino({ level: 'debug' }, sink));
    log({
      level: 'INFO',
      message: 'Workflow started',
      timestampNanos: 0n,
      meta: { workflowId: 'failback-shop-1', workflowType: 'failbackPlan', runId: 'r' },
    });
    log({ level: 'DEBUG', message: 'core', timestampNanos: 0n, meta: { sdkComponent: 'core' } });
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(first).toMatchObject({
      level: 30,
      msg: 'Workflow started',
      planId: 'shop-1',
      workflowId: 'failback-shop-1',
      sdk: true,
    });
    expect(second).toMatchObject({ level: 20, msg: 'core', sdk: true });
    expect(second).not.toHaveProperty('planId');
  });

  it('follows the pino level', () => {
    expect(sdkLevel('debug')).toBe('DEBUG');
    expect(sdkLevel('info')).toBe('INFO');
    expect(sdkLevel('error')).toBe('ERROR');
    expect(sdkLevel('silent')).toBe('ERROR');
  });
});
