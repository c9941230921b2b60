import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ListTablesCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { aws, failure, freshAccount, sharedAdmin, sleep } from './support.js';

// Hold rules are scoped to this file's accounts: other test files share the emulator.
const admin = sharedAdmin();

const createTable = (dynamodb: DynamoDBClient, name: string) =>
  dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    }),
  );

async function tables(dynamodb: DynamoDBClient): Promise<string[]> {
  return (await dynamodb.send(new ListTablesCommand({}))).TableNames ?? [];
}

/** Whether `promise` has settled within `ms` (without consuming its result). */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = await Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    sleep(ms).then(() => false),
  ]);
  return settled;
}

describe('hold rules', () => {
  it('hold-after: the n-th matching call is performed, its answer held until released', async () => {
    const account = freshAccount();
    const caller = aws(account, 'us-east-1');
    const observer = aws(account, 'us-east-1');
    await admin.addHold({
      id: `after-${account}`,
      account,
      service: 'dynamodb',
      operation: 'CreateTable',
      nth: 2,
    });
    await createTable(caller.dynamodb, 'first'); // the 1st matching call goes through
    const second = createTable(caller.dynamodb, 'second');
    const held = await admin.waitForHold(`after-${account}`, (r) => r.state === 'holding');
    expect(held).toMatchObject({
      matched: 2,
      request: { operation: 'CreateTable', account, caller: 'seeding' },
      responseStatus: 200,
    });
    expect(held.request?.params).toContain('"TableName": "second"');
    // The table exists (another client sees it) while its creator still waits for the answer.
    expect(await tables(observer.dynamodb)).toEqual(['first', 'second']);
    expect(await settledWithin(second, 300)).toBe(false);
    const released = await admin.releaseHold(`after-${account}`);
    expect(released).toMatchObject({ state: 'released', releasedBy: 'admin' });
    expect((await second).TableDescription?.TableName).toBe('second');
    // A triggered rule triggers once: the next call is not held.
    await createTable(caller.dynamodb, 'third');
    const events = await admin.events({ account, type: 'hold' });
    expect(events.map((e) => e.code)).toEqual(['Holding', 'Released']);
  });

  it('hold-before: moto has not seen the call while it is held; a failing call is held too', async () => {
    const account = freshAccount();
    const caller = aws(account, 'us-east-1');
    const observer = aws(account, 'us-east-1');
    await createTable(observer.dynamodb, 'kept');
    await admin.addHold({
      id: `before-${account}`,
      account,
      action: 'hold-before',
      operation: 'DeleteTable',
    });
    const deletion = caller.dynamodb.send(new DeleteTableCommand({ TableName: 'kept' }));
    await admin.waitForHold(`before-${account}`, (r) => r.state === 'holding');
    expect(await tables(observer.dynamodb)).toEqual(['kept']);
    expect(await settledWithin(deletion, 300)).toBe(false);
    await admin.releaseHold(`before-${account}`);
    await deletion;
    expect(await tables(observer.dynamodb)).toEqual([]);

    // hold-after of a call that fails: the error is held, then answered as it was.
    await admin.addHold({ id: `error-${account}`, account, operation: 'DescribeTable' });
    const missing = failure(caller.dynamodb.send(new DescribeTableCommand({ TableName: 'gone' })));
    const held = await admin.waitForHold(`error-${account}`, (r) => r.state === 'holding');
    expect(held.responseStatus).toBe(400);
    await admin.releaseHold(`error-${account}`);
    expect((await missing).name).toBe('ResourceNotFoundException');
  });

  it('signal: records the n-th call and lets it through; matches by caller, region and substring', async () => {
    const account = freshAccount();
    const seeding = aws(account, 'us-east-1');
    const west = aws(account, 'us-west-2');
    await admin.addHold({
      id: `signal-${account}`,
      account,
      action: 'signal',
      operation: 'CreateTable',
      region: 'us-east-1',
      match: 'orders',
      caller: 'seeding',
    });
    await createTable(west.dynamodb, 'orders'); // other region: not counted
    await createTable(seeding.dynamodb, 'customers'); // no "orders" in it: not counted
    expect((await admin.hold(`signal-${account}`)).matched).toBe(0);
    await createTable(seeding.dynamodb, 'orders-2026'); // never blocks
    expect(await admin.hold(`signal-${account}`)).toMatchObject({
      state: 'signalled',
      matched: 1,
      request: { region: 'us-east-1', operation: 'CreateTable' },
    });
    // A product key (anything but a seeding key) is the other caller; a region nobody else uses.
    const product = { id: `product-${account}`, region: 'ap-southeast-4', operation: 'ListTables' };
    await admin.addHold({ ...product, action: 'signal', caller: 'product' });
    await tables(aws(account, 'ap-southeast-4').dynamodb);
    expect((await admin.hold(product.id)).matched).toBe(0);
    // (The orchestrator's own user may only assume roles: refused, but counted all the same.)
    await failure(tables(aws(undefined, 'ap-southeast-4').dynamodb));
    expect((await admin.hold(product.id)).state).toBe('signalled');
    await admin.removeHolds({ id: product.id });
  });

  it('armedBy: counts only the calls after the arming call (the first poll of a long operation)', async () => {
    const account = freshAccount();
    const c = aws(account, 'us-east-1');
    await admin.addHold({
      id: `armed-${account}`,
      account,
      action: 'hold-before',
      operation: 'DescribeTable',
      armedBy: { operation: 'CreateTable', match: 'slow' },
    });
    await createTable(c.dynamodb, 'fast');
    await c.dynamodb.send(new DescribeTableCommand({ TableName: 'fast' })); // not armed yet
    expect(await admin.hold(`armed-${account}`)).toMatchObject({ armed: false, matched: 0 });
    await createTable(c.dynamodb, 'slow');
    const poll = c.dynamodb.send(new DescribeTableCommand({ TableName: 'slow' }));
    const held = await admin.waitForHold(`armed-${account}`, (r) => r.state === 'holding');
    expect(held).toMatchObject({ armed: true, armedCount: 1, matched: 1 });
    expect(held.request?.params).toContain('slow');
    await admin.releaseHold(`armed-${account}`);
    expect((await poll).Table?.TableName).toBe('slow');
  });

  it('holds end by themselves at their timeout, and at a reset of their account', async () => {
    const account = freshAccount();
    const c = aws(account, 'us-east-1');
    await admin.addHold({ id: `timeout-${account}`, account, operation: 'ListTables', timeoutMs: 300 });
    await tables(c.dynamodb); // answered once the hold times out
    expect(await admin.hold(`timeout-${account}`)).toMatchObject({
      state: 'released',
      releasedBy: 'timeout',
    });

    await admin.addHold({ id: `reset-${account}`, account, operation: 'ListTables', action: 'hold-before' });
    const listing = tables(c.dynamodb);
    await admin.waitForHold(`reset-${account}`, (r) => r.state === 'holding');
    await admin.reset(account);
    expect(await listing).toEqual([]);
    expect(await admin.holds(account)).toEqual([]);
  });

  it('refuses rules it cannot keep', async () => {
    const bad = [
      { action: 'pause' },
      { nth: 0 },
      { timeoutMs: 600_001 },
      { caller: 'someone' },
      { operation: 'ListTables', after: 3 },
      { armedBy: { operation: 'CreateTable', rate: 1 } },
    ];
    for (const rule of bad) {
      await expect(admin.addHold(rule as never), JSON.stringify(rule)).rejects.toThrow(/hold rule|armedBy/);
    }
  });
});

describe('request log', () => {
  it('lists every signed call in arrival order with its caller, the names it carried and its status', async () => {
    const account = freshAccount();
    const c = aws(account, 'eu-west-1');
    const since = (await admin.requests({ account })).last;
    await createTable(c.dynamodb, 'logged');
    await failure(c.dynamodb.send(new DescribeTableCommand({ TableName: 'absent' })));
    const { requests } = await admin.requests({ account, since });
    expect(requests.map((r) => [r.operation, r.resource, r.status, r.caller, r.region])).toEqual([
      ['CreateTable', 'TableName=logged', 200, 'seeding', 'eu-west-1'],
      ['DescribeTable', 'TableName=absent', 400, 'seeding', 'eu-west-1'],
    ]);
    expect(requests[0]!.seq).toBeLessThan(requests[1]!.seq);
    await admin.clearRequests(account);
    expect((await admin.requests({ account })).requests).toEqual([]);
  });
});
