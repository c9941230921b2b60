import { PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EmulatorAdmin } from '../../../../emulator/client.js';
import { withAccessRole } from '../../../../test/support/access.js';
import { asAccount, PRIMARY_ACCOUNT, RECOVERY_ACCOUNT } from '../../../../test/support/aws.js';
import { createSeededTable, runStep, scanCopyTableInput } from '../../../../test/support/dynamodb.js';
import type { AwsEnvironment } from '../../aws/clients.js';
import type { PlanContext, RecoveryPoint, RestoreResult, StepInput } from '../../../domain/resources.js';
import { resourceSteps } from '../../resource-steps.js';
import type { Item } from './content-hash.js';
import type { FingerprintProgress, VerifyProgress } from './fingerprint.js';

/**
 * Issue 15: a verification scan interrupted mid-table (the worker dies) resumes, in the retried
 * attempt, every segment from the last page its heartbeat recorded: finished segments are not scanned
 * again, the result is that of an uninterrupted verification, and what the resumed part of the scan
 * reads is still checked. The interruption is exact: a hold keeps one segment's second page from the
 * emulator until the other segments are done, then the attempt is cancelled.
 */
const admin = () => new EmulatorAdmin(inject('awsEndpoint'));
const PAGE = 500; // parallelScan's page size
const ITEMS = 4000; // 4 segments of 870..1151 items: 2 or 3 pages each

const run = Date.now().toString(36);
const table = `vresume-${run}`;
const recoveryEnv = asAccount(RECOVERY_ACCOUNT, 'eu-south-1');
const primaryEnv = asAccount(PRIMARY_ACCOUNT, 'eu-north-1');
const base = scanCopyTableInput(`vresume-${run}`, table);
let plan: PlanContext = base.plan;
let recoveryPoint: RecoveryPoint;
let restore: RestoreResult;
type VerifyInput = Parameters<typeof resourceSteps.verifyRestore>[0];
const verifyInput = (phase: StepInput['phase'], p = plan): VerifyInput => ({
  ...base,
  plan: p,
  phase,
  restore,
  recoveryPoint,
});

const lastSeq = async () => (await admin().requests({ since: Number.MAX_SAFE_INTEGER })).last;
/** The product's Scan calls of `name` since `since`, by the emulator's request log. */
async function scansOf(account: string, name: string, since: number): Promise<number> {
  const { requests } = await admin().requests({ account, since, caller: 'product' });
  return requests.filter((r) => r.operation === 'Scan' && r.resource.split(' ').includes(`TableName=${name}`))
    .length;
}

async function segmentItems(env: AwsEnvironment, name: string, segment: number, total: number) {
  const items: Item[] = [];
  let ExclusiveStartKey: Item | undefined;
  do {
    const page = await env.dynamodb.send(
      new ScanCommand({ TableName: name, Segment: segment, TotalSegments: total, ExclusiveStartKey }),
    );
    items.push(...((page.Items ?? []) as Item[]));
    ExclusiveStartKey = page.LastEvaluatedKey as Item | undefined;
  } while (ExclusiveStartKey);
  return items;
}

const scanOf = (p: VerifyProgress | undefined, name: string): FingerprintProgress | undefined =>
  Object.values(p?.verifyScans ?? {}).find((s) => s.tableArn.endsWith(`:table/${name}`));

/** Scan calls a resumed scan still makes: the pages after every unfinished segment's cursor. */
const pagesLeft = (scan: FingerprintProgress, sizes: number[]) =>
  scan.segments.reduce(
    (n, s, i) => n + (s.done ? 0 : Math.max(1, Math.ceil((sizes[i] ?? 0) / PAGE)) - s.count / PAGE),
    0,
  );

/** The largest segment (the one with the most pages) of `name` and every segment's size. */
async function segmentsOf(env: AwsEnvironment, name: string, total: number) {
  const items = await Promise.all(Array.from({ length: total }, (_, s) => segmentItems(env, name, s, total)));
  const sizes = items.map((i) => i.length);
  const largest = sizes.indexOf(Math.max(...sizes));
  return { sizes, largest, items: items[largest] ?? [] };
}

/**
 * A verify attempt that dies mid-scan: `held` (account, table)'s segment `segment` is held at its
 * second page until `ready` says the heartbeat has the other segments done; then the attempt is
 * cancelled. Returns its last heartbeat as the retry gets it (JSON, as Temporal stores it).
 */
async function interruptedVerify(
  input: VerifyInput,
  held: { account: string; table: string; segment: number },
  ready: (p: VerifyProgress) => boolean,
): Promise<VerifyProgress> {
  const hold = await admin().addHold({
    action: 'hold-before',
    operation: 'Scan',
    account: held.account,
    caller: 'product',
    match: `"Segment": ${held.segment}, "TableName": "${held.table}"`,
    nth: 2,
    timeoutMs: 60_000,
  });
  const first = new MockActivityEnvironment();
  let last: VerifyProgress | undefined;
  first.on('heartbeat', (d: Partial<VerifyProgress>) => {
    if (d.verifyScans) last = JSON.parse(JSON.stringify(d)) as VerifyProgress;
  });
  const attempt = first.run(resourceSteps.verifyRestore, input);
  attempt.catch(() => undefined);
  try {
    await admin().waitForHold(hold.id, (r) => r.state === 'holding');
    const deadline = Date.now() + 30_000;
    while (!(last && ready(last)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    first.cancel('WORKER_SHUTDOWN');
  } finally {
    await admin().removeHolds({ id: hold.id });
  }
  await expect(attempt).rejects.toBeDefined();
  expect(last && ready(last)).toBe(true);
  return last as VerifyProgress;
}

async function tamperWith(env: AwsEnvironment, name: string, item: Item): Promise<() => Promise<void>> {
  await env.dynamodb.send(
    new PutItemCommand({ TableName: name, Item: { ...item, name: { S: 'not what was copied' } } }),
  );
  return async () => {
    await env.dynamodb.send(new PutItemCommand({ TableName: name, Item: item }));
  };
}

describe('DynamoDB verification after a worker crash mid-scan', () => {
  beforeAll(async () => {
    plan = await withAccessRole(plan);
    base.plan = plan;
    await createSeededTable(recoveryEnv, table, ITEMS);
    recoveryPoint = await runStep('takeRecoveryPoint', base);
    const copy = await runStep('copyRecoveryPoint', { ...base, recoveryPoint });
    restore = await runStep('restoreIntoPrimary', { ...base, copy, recoveryPoint });
  });
  afterAll(async () => {
    await runStep('removeTestCopy', base);
  });

  it('test failback: the copy scan resumes its unfinished segment only, with the same result, and still finds a wrong item there', async () => {
    const copyName = restore.restored.name;
    let since = await lastSeq();
    let whole: VerifyProgress | undefined;
    const uninterrupted = await runStep('verifyRestore', verifyInput('test-failback'), {}, (d) => {
      if ((d as Partial<VerifyProgress>).verifyScans) whole = d as VerifyProgress;
    });
    const fullScans = await scansOf(PRIMARY_ACCOUNT, copyName, since);
    expect(uninterrupted.ok).toBe(true);
    const total = scanOf(whole, copyName)?.totalSegments ?? 0;
    expect(total).toBeGreaterThanOrEqual(4);
    const { sizes, largest, items } = await segmentsOf(primaryEnv, copyName, total);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(ITEMS);
    expect(items.length).toBeGreaterThan(2 * PAGE); // three pages: two left after the held one

    const last = await interruptedVerify(
      verifyInput('test-failback'),
      { account: PRIMARY_ACCOUNT, table: copyName, segment: largest },
      (p) => scanOf(p, copyName)?.segments.filter((s) => s.done).length === total - 1,
    );
    const progress = scanOf(last, copyName) as FingerprintProgress;
    expect(progress.segments[largest]).toMatchObject({ done: false, count: PAGE });

    // The retry, from that heartbeat: only the held segment's remaining pages are scanned.
    since = await lastSeq();
    const beats: Array<{ resumed?: boolean; scanned?: number }> = [];
    const resumed = await runStep(
      'verifyRestore',
      verifyInput('test-failback'),
      { heartbeatDetails: last },
      (d) => beats.push(d as { resumed?: boolean; scanned?: number }),
    );
    const resumedScans = await scansOf(PRIMARY_ACCOUNT, copyName, since);
    expect(resumedScans).toBe(pagesLeft(progress, sizes));
    expect(resumedScans).toBe(Math.ceil(items.length / PAGE) - 1);
    expect(resumedScans).toBeLessThan(fullScans);
    expect(beats[0]).toMatchObject({ resumed: true });
    expect(beats[0]?.scanned).toBeGreaterThan(ITEMS - items.length);
    expect(resumed.checks).toEqual(uninterrupted.checks);

    // Another run's (or table's) progress is never taken for this one: a full scan.
    since = await lastSeq();
    const otherRun = await runStep(
      'verifyRestore',
      verifyInput('test-failback', { ...plan, planRun: 'another-run' }),
      { heartbeatDetails: last },
    );
    expect(await scansOf(PRIMARY_ACCOUNT, copyName, since)).toBe(fullScans);
    expect(otherRun.checks).toEqual(uninterrupted.checks);

    // A wrong item where the resumed scan has still to read (after the cursor): found.
    const restoreItem = await tamperWith(primaryEnv, copyName, items.at(-1) as Item);
    try {
      const tampered = await runStep('verifyRestore', verifyInput('test-failback'), {
        heartbeatDetails: last,
      });
      expect(tampered.ok).toBe(false);
      expect(tampered.checks.find((c) => c.name === 'content-hash')?.ok).toBe(false);
      expect(tampered.checks.find((c) => c.name === 'item-count')?.ok).toBe(true);
    } finally {
      await restoreItem();
    }
  });

  it('failback: source and copy scans resume together (the sample too), with the same result, and a wrong source item is found', async () => {
    const copyName = restore.restored.name;
    let since = await lastSeq();
    let whole: VerifyProgress | undefined;
    const uninterrupted = await runStep('verifyRestore', verifyInput('failback'), {}, (d) => {
      if ((d as Partial<VerifyProgress>).verifyScans) whole = d as VerifyProgress;
    });
    const fullSource = await scansOf(RECOVERY_ACCOUNT, table, since);
    expect(uninterrupted.ok).toBe(true);
    expect(uninterrupted.checks.find((c) => c.name === 'sampled-items-equal')?.expected).toBe(25);
    const total = scanOf(whole, table)?.totalSegments ?? 0;
    const { sizes, largest, items } = await segmentsOf(recoveryEnv, table, total);

    const last = await interruptedVerify(
      verifyInput('failback'),
      { account: RECOVERY_ACCOUNT, table, segment: largest },
      (p) =>
        scanOf(p, table)?.segments.filter((s) => s.done).length === total - 1 &&
        Boolean(scanOf(p, copyName)?.segments.every((s) => s.done)),
    );
    const progress = scanOf(last, table) as FingerprintProgress;
    expect(progress.sample?.length).toBe(25);

    since = await lastSeq();
    let end: VerifyProgress | undefined;
    const resumed = await runStep(
      'verifyRestore',
      verifyInput('failback'),
      { heartbeatDetails: last },
      (d) => {
        if ((d as Partial<VerifyProgress>).verifyScans) end = d as VerifyProgress;
      },
    );
    expect(await scansOf(RECOVERY_ACCOUNT, table, since)).toBe(pagesLeft(progress, sizes));
    expect(await scansOf(PRIMARY_ACCOUNT, copyName, since)).toBe(0); // finished before the crash
    expect(pagesLeft(progress, sizes)).toBeLessThan(fullSource);
    expect(resumed.checks).toEqual(uninterrupted.checks);
    // The same items sampled (read back from the copy) as by the uninterrupted scan.
    expect(scanOf(end, table)?.sample).toEqual(scanOf(whole, table)?.sample);

    const restoreItem = await tamperWith(recoveryEnv, table, items.at(-1) as Item);
    try {
      const tampered = await runStep('verifyRestore', verifyInput('failback'), { heartbeatDetails: last });
      expect(tampered.ok).toBe(false);
      expect(tampered.checks.find((c) => c.name === 'content-hash')?.ok).toBe(false);
    } finally {
      await restoreItem();
    }
  });
});
