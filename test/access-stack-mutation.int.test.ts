import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
} from '@aws-sdk/client-cloudformation';
import type { Client, Connection, WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedingClientConfig } from '../scripts/scenario/accounts.js';
import { inventory, type Inventory } from '../scripts/scenario/inventory.js';
import { seedScenario, type Scenario, type ScenarioOptions } from '../scripts/scenario/seed.js';
import { step } from '../scripts/stack/log.js';
import { stackParameters } from '../src/activities/access-stack/stack.js';
import { specDatabaseGrants } from './support/access.js';
import { derivedBucket } from '../src/activities/kinds/dynamodb-table/names.js';
import { TAG_RESTORED_BY } from '../src/activities/kinds/shared/markers.js';
import { TAG_PLAN_ID } from '../src/domain/contract.js';
import { accessStackName } from '../src/domain/naming.js';
import type { PlanSpec } from '../src/domain/plan-spec.js';
import type { PlanStatus } from '../src/domain/status.js';
import { windowOpenNow } from '../src/domain/window-times.js';
import { boundedAll } from '../src/workflows/bounded.js';
import { scenarioAccounts } from './support/aws.js';
import { drive, type DrivePath } from './support/plan-driver.js';
import { startPlan } from './support/plans.js';
import {
  actionsOf,
  loadTemplate,
  templateStatements,
  withoutStatement,
  type AccessTemplate,
  type Statement,
} from './support/template.js';
import { startTestWorker, testClient, uniqueTaskQueue, type RunningWorker } from './support/temporal.js';

/**
 * The access stack's policy, mutated (issue 13): each statement of the template is removed in turn, the
 * smallest plan that needs it runs against an access role made from that template, and the plan must
 * park in needs-attention naming the missing permission (an action of the statement, or for a key
 * statement the key), with nothing in primary that the plan made but did not tag as its own. A setting
 * the final cleanup applies best effort (enhanced monitoring) may instead complete the plan with the
 * setting left off, if the status says so naming the permission (resources[].leftOff). Each probe
 * also runs once with the whole template and must then finish: a statement its probe does not need is
 * a grant to remove (or a probe to fix).
 */
interface Probe {
  crossAccount: boolean;
  seed: Partial<ScenarioOptions>;
  path: DrivePath;
  /** How the probe ends under the whole template. */
  control: { stage: 'completed' | 'aborted'; errors: readonly string[] };
  dns?: 'route53';
}

const completes = { stage: 'completed', errors: [] } as const;
const abortedAfterManualCutover = { stage: 'aborted', errors: ['ManualDnsRollback'] } as const;
const none = { ec2Instances: 0, rdsInstances: 0, auroraClusters: 0, tables: [] };
const afterCutover: DrivePath = { abortAt: 'after-dns-cutover' };

const PROBES = {
  // An encrypted instance (two volumes) with its old self in primary, and a test failback first; it
  // runs with an instance profile primary has too (its role passed to EC2).
  ec2: {
    crossAccount: true,
    seed: { ...none, ec2Instances: 1, instanceProfile: true },
    path: {},
    control: completes,
  },
  // The same aborted after the cutover: the copy that served traffic is kept as an image.
  'ec2-abort': {
    crossAccount: true,
    seed: { ...none, ec2Instances: 1 },
    path: afterCutover,
    control: abortedAfterManualCutover,
  },
  // An instance running enhanced monitoring, with a role of that name in primary too (the final
  // cleanup passes it to RDS monitoring).
  rds: {
    crossAccount: true,
    seed: { ...none, rdsInstances: 1, monitoring: true },
    path: {},
    control: completes,
  },
  'rds-abort': {
    crossAccount: true,
    seed: { ...none, rdsInstances: 1 },
    path: afterCutover,
    control: abortedAfterManualCutover,
  },
  // Export and import through the plan's bucket into a primary that never had the table (nor auto
  // scaling: the account's service-linked role is made by the plan).
  'ddb-export': {
    crossAccount: true,
    seed: {
      ...none,
      stalePrimary: false,
      tables: [
        {
          name: 'ledger',
          shape: 'orders',
          items: 40,
          pitr: true,
          autoscaling: true,
          ttlAttribute: 'expiresAt',
          stream: true,
        },
      ],
    },
    path: {},
    control: completes,
  },
  // One account: a backup restores the table over its retired old self.
  'ddb-restore': {
    crossAccount: false,
    seed: { ...none, tables: [{ name: 'ledger', shape: 'orders', items: 40 }] },
    path: {},
    control: completes,
  },
  dns: {
    crossAccount: true,
    seed: { ...none, tables: [{ name: 'profiles', shape: 'customers', items: 20 }] },
    path: {},
    control: completes,
    dns: 'route53',
  },
} satisfies Record<string, Probe>;
type ProbeName = keyof typeof PROBES;

/** The smallest plan that needs the statement. */
function probeFor(sid: string): ProbeName {
  if (/^Ec2KeepServedCopy/.test(sid)) return 'ec2-abort';
  // Only compensation renames a retired database back.
  if (/^(RdsKeepServedCopy|RdsRetiredNames)/.test(sid)) return 'rds-abort';
  if (/^(Ec2|Kms)/.test(sid)) return 'ec2';
  if (/^Rds/.test(sid)) return 'rds';
  if (/^(DynamoDbBackups|DynamoDbListAccount)$/.test(sid)) return 'ddb-restore';
  if (/^(DynamoDb|S3|ImportTable)/.test(sid)) return 'ddb-export';
  if (/^Route53/.test(sid)) return 'dns';
  throw new Error(`no probe for statement ${sid}: add one`);
}

/** The plan's access role made from `template` (as root: the mutant is the test's, not the product's). */
async function stageAccessRole(s: Scenario, template: AccessTemplate, probe: Probe): Promise<PlanSpec> {
  const spec = s.spec;
  const { accountId, region } = spec.recovery;
  const parameters = await stackParameters({
    planId: spec.planId,
    primary: spec.primary,
    grants: {
      primaryKmsKeyArns: s.keys ? [s.keys.primary] : [],
      recoveryKmsKeyArns: s.keys ? [s.keys.recovery] : [],
      exportBuckets: probe.crossAccount ? [derivedBucket(spec.planId, 'exp', accountId, region)] : [],
      instanceRoleArns: s.instanceRoleArn ? [s.instanceRoleArn] : [],
      monitoringRoleArns: s.monitoringRoleArn ? [s.monitoringRoleArn] : [],
      // The databases' names, as preflight grants them (decision 0045).
      ...(await specDatabaseGrants(spec)),
    },
    ...(probe.dns ? { hostedZoneId: s.hostedZoneId } : {}),
  });
  const cfn = new CloudFormationClient(seedingClientConfig(spec.primary.accountId, spec.primary.region));
  const name = accessStackName(spec.planId);
  try {
    await cfn.send(
      new CreateStackCommand({
        StackName: name,
        TemplateBody: JSON.stringify(template),
        Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
          ParameterKey,
          ParameterValue,
        })),
        Capabilities: ['CAPABILITY_NAMED_IAM'],
      }),
    );
    for (let i = 0; ; i++) {
      const { Stacks } = await cfn.send(new DescribeStacksCommand({ StackName: name }));
      const status = Stacks?.[0]?.StackStatus ?? '';
      if (status === 'CREATE_COMPLETE') break;
      if (!status.endsWith('IN_PROGRESS') || i > 300) throw new Error(`stack ${name}: ${status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    cfn.destroy();
  }
  const { bootstrapRoleArn: _staged, ...primary } = spec.primary;
  return {
    ...spec,
    primary,
    maintenanceWindow: windowOpenNow(Date.now()),
    options: { ...spec.options, testFailback: true },
  };
}

/** Resources in primary that were not there before and do not carry the plan's tag: half-made. */
function untaggedNew(before: Inventory, after: Inventory, planId: string): string[] {
  const kinds = [
    'instances',
    'images',
    'snapshots',
    'dbInstances',
    'dbSnapshots',
    'clusters',
    'clusterSnapshots',
    'tables',
    'buckets',
  ] as const;
  return kinds.flatMap((kind) => {
    // A renamed (retired) database keeps its resource id: it is the old one, not a new one.
    const key = (r: { id?: string; name?: string; resourceId?: string }) =>
      r.resourceId ?? r.id ?? r.name ?? '';
    type Row = {
      id?: string;
      name?: string;
      resourceId?: string;
      tags: Record<string, string>;
      state?: string;
    };
    const old = new Set((before[kind] as Row[]).map(key));
    return (
      (after[kind] as Row[])
        // A copy handed over at the final cleanup carries the plan's provenance instead of its id.
        .filter(
          (r) =>
            !old.has(key(r)) &&
            r.state !== 'terminated' &&
            r.tags[TAG_PLAN_ID] !== planId &&
            r.tags[TAG_RESTORED_BY] !== planId,
        )
        .map((r) => `${kind} ${key(r)}`)
    );
  });
}

interface Outcome {
  sid: string;
  probe: ProbeName;
  final: PlanStatus;
  named: boolean;
  untagged: string[];
}

describe('the access stack, one statement removed at a time', { timeout: 1_500_000 }, () => {
  let client: Client;
  let connection: Connection;
  let worker: RunningWorker;
  const taskQueue = uniqueTaskQueue('access-mutation');
  const handles: WorkflowHandle[] = [];

  beforeAll(async () => {
    ({ client, connection } = await testClient());
    worker = await startTestWorker(taskQueue);
  });
  afterAll(async () => {
    await Promise.all(handles.map((h) => h.terminate('test over').catch(() => undefined)));
    await worker?.stop();
    await connection?.close();
  });

  async function run(name: string, probeName: ProbeName, template: AccessTemplate) {
    const probe: Probe = PROBES[probeName];
    const planId = `mut-${name.toLowerCase().slice(0, 18)}-${Date.now().toString(36).slice(-5)}`;
    const scenario = await seedScenario({
      planId,
      ...scenarioAccounts(47, probe.crossAccount),
      ...probe.seed,
      ...(probe.dns ? { dns: probe.dns } : {}),
    });
    const spec = await stageAccessRole(scenario, template, probe);
    const before = await inventory(spec.primary.accountId, spec.primary.region);
    const handle = await startPlan(client, taskQueue, spec);
    handles.push(handle);
    const final = await drive(handle, { ...probe.path, timeoutMs: 600_000 });
    const after = await inventory(spec.primary.accountId, spec.primary.region);
    return { final, untagged: untaggedNew(before, after, planId), keys: scenario.keys };
  }

  it('every probe finishes with the whole template; every statement is needed by its probe', async () => {
    const whole = loadTemplate();
    const controls = await boundedAll(Object.keys(PROBES) as ProbeName[], 4, async (name) => {
      const { final } = await run(`ctl-${name}`, name, whole);
      step(`access stack mutation: control ${name} ${final.stage}`);
      return { name, final };
    });
    for (const { name, final } of controls) {
      const { control } = PROBES[name] as Probe;
      const why = `control ${name}: ${final.errors.map((e) => `${e.type}: ${e.message}`).join('; ')}`;
      expect(
        final.errors.map((e) => e.type),
        why,
      ).toEqual([...control.errors]);
      expect(final.stage, `control ${name}`).toBe(control.stage);
      expect(
        final.resources.flatMap((r) => r.leftOff ?? []),
        `control ${name} left off`,
      ).toEqual([]);
    }

    // MUTATION_SIDS=Sid1,Sid2 runs those statements only (a developer's loop; npm test runs them all).
    const only = process.env.MUTATION_SIDS?.split(',').filter(Boolean);
    // Grants only: a Deny (RdsKeepTagStays) takes nothing a plan needs; its own test acts it out
    // (access-stack/rds-names.int.test.ts).
    const statements = templateStatements(whole)
      .map((s) => s.statement)
      .filter((s) => s.Effect === 'Allow' && (!only || only.includes(s.Sid)));
    let done = 0;
    const outcomes: Outcome[] = await boundedAll(statements, 4, async (statement: Statement) => {
      const probe = probeFor(statement.Sid);
      const { final, untagged, keys } = await run(statement.Sid, probe, withoutStatement(statement.Sid));
      const named = namesPermission(statement, final, keys ? [keys.primary, keys.recovery] : []);
      step(
        `access stack mutation: ${++done}/${statements.length} without ${statement.Sid} (${probe}): ${final.stage}${named ? '' : ', the missing permission not named'}${untagged.length ? `, untagged: ${untagged.join(', ')}` : ''}`,
      );
      return { sid: statement.Sid, probe, final, named, untagged };
    });

    const needed = outcomes.filter(
      (o) =>
        (o.final.stage === 'needs-attention' || (o.final.stage === 'completed' && leftOff(o.final) !== '')) &&
        o.named &&
        o.untagged.length === 0,
    );
    step(`access stack mutation: ${needed.length} of ${statements.length} statements needed`);
    expect(
      outcomes
        .filter((o) => !needed.includes(o))
        .map((o) => ({
          sid: o.sid,
          probe: o.probe,
          stage: o.final.stage,
          named: o.named,
          untagged: o.untagged,
          errors: o.final.errors.map((e) => `${e.type}: ${e.message}`),
          leftOff: leftOff(o.final),
        })),
    ).toEqual([]);
  });
});

/**
 * Whether the plan's errors name what is missing: one of the statement's actions, or for a key
 * statement (through a service AWS reports no action) the key.
 */
/** What the final cleanup left for a person, as the status says it. */
function leftOff(final: PlanStatus): string {
  return final.resources.flatMap((r) => r.leftOff ?? []).join('\n');
}

/** A parked plan names the permission in its errors; a completed one in what it left off. */
function namesPermission(statement: Statement, final: PlanStatus, keys: string[]): boolean {
  const text =
    final.stage === 'completed'
      ? leftOff(final)
      : final.errors.map((e) => `${e.message} ${e.action ?? ''}`).join('\n');
  if (actionsOf(statement).some((a) => text.includes(a))) return true;
  if (!/^Kms/.test(statement.Sid)) return false;
  return keys.some((k) => text.includes(k));
}
