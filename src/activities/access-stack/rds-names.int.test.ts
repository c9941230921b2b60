import {
  AddTagsToResourceCommand,
  CreateDBSnapshotCommand,
  DeleteDBInstanceCommand,
  DeleteDBSnapshotCommand,
  ListTagsForResourceCommand,
  ModifyDBInstanceCommand,
  RemoveTagsFromResourceCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { artifactName, retiredName } from '../../domain/naming.js';
import { rdsGrantArns, rdsNames } from '../../domain/rds-names.js';
import type { PrimaryEnvironment } from '../../domain/plan-spec.js';
import {
  asAccount,
  ensureAccessBoundary,
  ensureRole,
  orchestratorTrustPolicy,
  PRIMARY_ACCOUNT,
} from '../../../test/support/aws.js';
import { runActivity } from '../../../test/support/activity.js';
import { describeDb, seedDbInstance } from '../../../test/support/snapshot-kinds.js';
import { awsEnvironment, defaultClientSettings } from '../aws/clients.js';
import { BOOTSTRAP_ROLE_POLICY } from './policies/index.js';
import { deleteAccessStack, ensureAccessStack } from './stack.js';

/**
 * Decision 0045: the access role deletes what carries the plan's tag, so it must not be able to put
 * that tag on, rename into a plan name, or modify, a database of another application. Acted out as the
 * access role the real stack makes, against databases seeded beside the plan's target.
 */
const run = Date.now().toString(36);
const region = 'eu-north-1';
const planId = `rn-${run}`;
const target = `orders-${run}`;
const planRun = 'c0ffee42';
// The run's id (the retirement tags carry it; planRun above is its code in snapshot names).
const planRunId = `run-${run}-this`;
// Another application's databases, and what an earlier failback (another plan) retired and an
// operator kept: a retired name like this plan's own.
const earlierRetired = retiredName(target, '2025-01-31T00:00:00Z');
// And what an earlier run of this plan id retired and an operator kept: retired-by is this plan id.
const earlierRunRetired = retiredName(target, '2026-01-31T00:00:00Z');
// And one retired by this plan id before runs were recorded (no run tag).
const unrunRetired = retiredName(target, '2026-02-28T00:00:00Z');
const strangers = [`${target}-reporting`, `billing-${run}`, earlierRetired, earlierRunRetired, unrunRetired];
// An earlier run of this plan id kept a snapshot of a copy that served traffic: it carries the plan's
// id, and must stay (decision 0035).
const earlierKept = artifactName(planId, 'failback', 'kept-0badc0de', target);
// This run's own kept snapshot: its name is the plan's, and only failback:keep keeps it from the deletes.
const ownKept = artifactName(planId, 'failback', `kept-${planRun}`, target);
const act = <T>(fn: () => Promise<T>): Promise<T> => runActivity(fn, []);
const arn = (type: string, name: string) => `arn:aws:rds:${region}:${PRIMARY_ACCOUNT}:${type}:${name}`;
const tagsOf = async (rds: RDSClient, resource: string) =>
  ((await rds.send(new ListTagsForResourceCommand({ ResourceName: resource }))).TagList ?? []).sort((a, b) =>
    (a.Key ?? '').localeCompare(b.Key ?? ''),
  );

describe('the access role and the databases of other applications', () => {
  const available = (id: string) =>
    expect
      .poll(async () => (await describeDb(seeder, id))?.DBInstanceStatus, { timeout: 60_000 })
      .toBe('available');
  const seeder = asAccount(PRIMARY_ACCOUNT, region).rds;
  let env: PrimaryEnvironment;
  let asRole: RDSClient;

  beforeAll(async () => {
    await ensureAccessBoundary(PRIMARY_ACCOUNT);
    const bootstrap = await ensureRole(
      PRIMARY_ACCOUNT,
      `dr-standing-rn-${run}`,
      orchestratorTrustPolicy(),
      BOOTSTRAP_ROLE_POLICY,
    );
    for (const id of [target, ...strangers.slice(0, 2)]) await seedDbInstance(seeder, id, { app: id });
    await seedDbInstance(seeder, earlierRetired, { 'failback:retired-by': 'an-earlier-plan' });
    await seedDbInstance(seeder, unrunRetired, { 'failback:retired-by': planId });
    await seedDbInstance(seeder, earlierRunRetired, {
      'failback:retired-by': planId,
      'failback:retired-run': `run-${run}-earlier`,
    });
    await seeder.send(
      new CreateDBSnapshotCommand({
        DBSnapshotIdentifier: `billing-manual-${run}`,
        DBInstanceIdentifier: strangers[1],
      }),
    );
    for (const id of [earlierKept, ownKept])
      await seeder.send(
        new CreateDBSnapshotCommand({
          DBSnapshotIdentifier: id,
          DBInstanceIdentifier: target,
          Tags: [
            { Key: 'failback:plan-id', Value: planId },
            { Key: 'failback:keep', Value: 'true' },
          ],
        }),
      );
    env = {
      accountId: PRIMARY_ACCOUNT,
      region,
      roleArn: `arn:aws:iam::${PRIMARY_ACCOUNT}:role/failback-access-rn-${run}`,
      externalId: `ext-${run}`,
      bootstrapRoleArn: bootstrap,
    };
    // The grants preflight gives a plan whose one resource is the DB instance `target`.
    const names = rdsGrantArns(
      rdsNames({ kind: 'rds-instance', target, planId, run: planRun }),
      PRIMARY_ACCOUNT,
      region,
    );
    await act(() =>
      ensureAccessStack({
        planId,
        primary: env,
        planRun: planRunId,
        grants: { primaryKmsKeyArns: [], recoveryKmsKeyArns: [], exportBuckets: [], ...names },
      }),
    );
    asRole = awsEnvironment(env, { ...defaultClientSettings(), sessionName: 'rds-names' }).rds;
  }, 300_000);
  afterAll(async () => {
    await act(() => deleteAccessStack({ planId, primary: env }));
  });

  it("cannot give another application's database or snapshot the plan's tag, rename it, modify it or delete it", async () => {
    const before = await Promise.all(strangers.map((id) => tagsOf(seeder, arn('db', id))));
    const planTag = [{ Key: 'failback:plan-id', Value: planId }];
    const denied = { name: 'AccessDenied' };
    for (const id of strangers) {
      await expect(
        asRole.send(new AddTagsToResourceCommand({ ResourceName: arn('db', id), Tags: planTag })),
      ).rejects.toMatchObject(denied);
      // Renamed into a name the role may tag (its test copy's), it could be tagged and deleted next.
      await expect(
        asRole.send(
          new ModifyDBInstanceCommand({
            DBInstanceIdentifier: id,
            NewDBInstanceIdentifier: `${target}-fbtest-${planId}`,
            ApplyImmediately: true,
          }),
        ),
      ).rejects.toMatchObject(denied);
      // No backups: RDS deletes the automated ones.
      await expect(
        asRole.send(new ModifyDBInstanceCommand({ DBInstanceIdentifier: id, BackupRetentionPeriod: 0 })),
      ).rejects.toMatchObject(denied);
      await expect(
        asRole.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: id, SkipFinalSnapshot: true })),
      ).rejects.toMatchObject(denied);
    }
    for (const id of [`billing-manual-${run}`, earlierKept]) {
      await expect(
        asRole.send(new AddTagsToResourceCommand({ ResourceName: arn('snapshot', id), Tags: planTag })),
      ).rejects.toMatchObject(denied);
      await expect(
        asRole.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id })),
      ).rejects.toMatchObject(denied);
    }
    const snapshot = arn('snapshot', `billing-manual-${run}`);

    // Read back as the account: every stranger as it was, under its own name.
    for (const [i, id] of strangers.entries()) {
      expect((await describeDb(seeder, id))?.DBInstanceStatus).toBe('available');
      expect(await tagsOf(seeder, arn('db', id))).toEqual(before[i]);
    }
    expect(await tagsOf(seeder, snapshot)).toEqual([]);
    expect(await tagsOf(seeder, arn('snapshot', earlierKept))).toHaveLength(2);
  });

  it('can still retire its own target: tag it, rename it to its retired name and back', async () => {
    const retired = retiredName(target, new Date().toISOString());
    await asRole.send(
      new AddTagsToResourceCommand({
        ResourceName: arn('db', target),
        Tags: [
          { Key: 'failback:retired-by', Value: planId },
          { Key: 'failback:retired-run', Value: planRunId },
        ],
      }),
    );
    await asRole.send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: target,
        NewDBInstanceIdentifier: retired,
        ApplyImmediately: true,
      }),
    );
    await available(retired);
    await asRole.send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: retired,
        NewDBInstanceIdentifier: target,
        ApplyImmediately: true,
      }),
    );
    await available(target);
  });

  it('cannot take failback:keep off what the plan keeps, nor set it to anything else, so cannot delete it', async () => {
    const denied = { name: 'AccessDenied' };
    const kept = arn('snapshot', ownKept);
    const before = await tagsOf(seeder, kept);
    await expect(
      asRole.send(new RemoveTagsFromResourceCommand({ ResourceName: kept, TagKeys: ['failback:keep'] })),
    ).rejects.toMatchObject(denied);
    for (const value of ['false', 'TRUE', ''])
      await expect(
        asRole.send(
          new AddTagsToResourceCommand({
            ResourceName: kept,
            Tags: [{ Key: 'failback:keep', Value: value }],
          }),
        ),
      ).rejects.toMatchObject(denied);
    await expect(
      asRole.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: ownKept })),
    ).rejects.toMatchObject(denied);
    // An operator's keep on the plan's own target stays too.
    await seeder.send(
      new AddTagsToResourceCommand({
        ResourceName: arn('db', target),
        Tags: [{ Key: 'failback:keep', Value: 'true' }],
      }),
    );
    await expect(
      asRole.send(
        new RemoveTagsFromResourceCommand({ ResourceName: arn('db', target), TagKeys: ['failback:keep'] }),
      ),
    ).rejects.toMatchObject(denied);
    expect(await tagsOf(seeder, kept)).toEqual(before);
    // What the plan does stays allowed: another tag on its snapshot, and off it again.
    const mark = [{ Key: 'failback:phase', Value: 'failback' }];
    await asRole.send(new AddTagsToResourceCommand({ ResourceName: kept, Tags: mark }));
    await asRole.send(new RemoveTagsFromResourceCommand({ ResourceName: kept, TagKeys: ['failback:phase'] }));
    await seeder.send(
      new RemoveTagsFromResourceCommand({ ResourceName: arn('db', target), TagKeys: ['failback:keep'] }),
    );
  });
});
