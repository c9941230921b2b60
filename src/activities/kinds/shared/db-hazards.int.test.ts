import {
  CreateDBClusterCommand,
  CreateDBClusterParameterGroupCommand,
  CreateDBParameterGroupCommand,
  CreateDBInstanceReadReplicaCommand,
  CreateOptionGroupCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResourceKind } from '../../../domain/contract.js';
import type { PlanContext, PreflightFinding } from '../../../domain/resources.js';
import { ensureRole } from '../../../../scripts/scenario/accounts.js';
import { BOOTSTRAP_ROLE } from '../../../../test/support/access.js';
import {
  ensurePlanRoles,
  inspectors,
  preparedPlan,
  resolved,
  stepInput,
  topologies,
  unique,
} from '../../../../test/support/kinds.js';
import { describeDb, seedCluster, seedDbInstance } from '../../../../test/support/snapshot-kinds.js';
import { eventually } from '../../../../test/support/aws.js';
import { kindContext } from '../context.js';
import { kindModule } from '../index.js';

// Databases a failback cannot simply rename, copy and conclude (issue 15): read replicas on either
// side, deletion protection on what conclude recovery removes, option groups primary lacks.

const topology = topologies('ca-central-1', 'eu-central-1')[1]!;
const aws = inspectors(topology);
let plan: PlanContext;

async function preflight(kind: ResourceKind, source: string, target: string) {
  const primary = {
    ...plan.primary,
    roleArn: `arn:aws:iam::${plan.primary.accountId}:role/${BOOTSTRAP_ROLE}`,
  };
  const result = await kindModule(kind).preflight(
    kindContext(stepInput({ ...plan, primary }, 'test-failback', resolved(kind, source, target))),
  );
  expect(result.findings.filter((f) => f.severity === 'error' && f.check !== 'settings')).toEqual([]);
  return result.findings.filter((f) => f.check === 'settings');
}

const about = (findings: PreflightFinding[], pattern: RegExp) =>
  findings.filter((f) => pattern.test(f.message)).map((f) => f.severity);

async function replicaOf(rds: RDSClient, source: string): Promise<string> {
  const id = `${source}-replica`;
  await rds.send(
    new CreateDBInstanceReadReplicaCommand({ DBInstanceIdentifier: id, SourceDBInstanceIdentifier: source }),
  );
  await eventually(`replica ${id}`, async () => ((await describeDb(rds, id)) ? true : undefined));
  return id;
}

describe('database preflight: what a rename, copy and conclude cannot take', () => {
  beforeAll(async () => {
    await ensurePlanRoles(topology);
    plan = await preparedPlan(topology, unique('dbhz'));
  });

  it('an ordinary instance raises nothing', async () => {
    const source = unique('db');
    await seedDbInstance(aws.recovery.rds, source);
    await seedDbInstance(aws.primary.rds, source);
    expect(await preflight('rds-instance', source, source)).toEqual([]);
  });

  it('read replicas: of the source a warning each way, of the old primary refused', async () => {
    const source = unique('db');
    await seedDbInstance(aws.recovery.rds, source);
    const replica = await replicaOf(aws.recovery.rds, source);
    const target = unique('old');
    await seedDbInstance(aws.primary.rds, target);
    await replicaOf(aws.primary.rds, target);
    const findings = await preflight('rds-instance', source, target);
    expect(about(findings, /in recovery has read replicas/)).toEqual(['warning']);
    expect(about(findings, /in primary has read replicas .* Promote or delete them/)).toEqual(['error']);
    expect(about(await preflight('rds-instance', replica, unique('t')), /is a read replica of/)).toEqual([
      'warning',
    ]);
  });

  it('deletion protection on the source: conclude recovery would stop (instance and cluster)', async () => {
    const db = unique('db');
    await seedDbInstance(aws.recovery.rds, db, {}, { DeletionProtection: true });
    expect(about(await preflight('rds-instance', db, unique('t')), /deletion protection/)).toEqual([
      'warning',
    ]);
    const cluster = unique('cl');
    await seedCluster(aws.recovery.rds, cluster, 1, {}, { DeletionProtection: true });
    expect(about(await preflight('aurora-cluster', cluster, unique('t')), /deletion protection/)).toEqual([
      'warning',
    ]);
  });

  it('refuses a source option group primary lacks, until primary has one of that name', async () => {
    const group = unique('og');
    const optionGroup = { OptionGroupName: group, EngineName: 'postgres', MajorEngineVersion: '13' };
    await aws.recovery.rds.send(
      new CreateOptionGroupCommand({ ...optionGroup, OptionGroupDescription: 'the application options' }),
    );
    const source = unique('db');
    await seedDbInstance(aws.recovery.rds, source, {}, { EngineVersion: '13.7', OptionGroupName: group });
    const target = unique('t');
    expect(
      about(await preflight('rds-instance', source, target), new RegExp(`option group ${group}`)),
    ).toEqual(['error']);
    await aws.primary.rds.send(
      new CreateOptionGroupCommand({ ...optionGroup, OptionGroupDescription: 'made in primary first' }),
    );
    expect(about(await preflight('rds-instance', source, target), /option group/)).toEqual([]);
  });

  it('warns of a parameter group primary lacks (instance and cluster), and of what a restore never takes', async () => {
    const group = unique('pg');
    await aws.recovery.rds.send(
      new CreateDBParameterGroupCommand({
        DBParameterGroupName: group,
        DBParameterGroupFamily: 'postgres13',
        Description: 'the application parameters',
      }),
    );
    const source = unique('db');
    await seedDbInstance(aws.recovery.rds, source, {}, { DBParameterGroupName: group });
    const target = unique('t');
    expect(about(await preflight('rds-instance', source, target), /parameter group/)).toEqual(['warning']);
    await aws.primary.rds.send(
      new CreateDBParameterGroupCommand({
        DBParameterGroupName: group,
        DBParameterGroupFamily: 'postgres13',
        Description: 'made in primary first',
      }),
    );
    expect(about(await preflight('rds-instance', source, target), /parameter group/)).toEqual([]);

    const clusterGroup = unique('cpg');
    await aws.recovery.rds.send(
      new CreateDBClusterParameterGroupCommand({
        DBClusterParameterGroupName: clusterGroup,
        DBParameterGroupFamily: 'aurora-postgresql12',
        Description: 'the cluster parameters',
      }),
    );
    const cluster = unique('cl');
    await seedCluster(aws.recovery.rds, cluster, 1, {}, { DBClusterParameterGroupName: clusterGroup });
    expect(about(await preflight('aurora-cluster', cluster, unique('t')), /cluster parameter group/)).toEqual(
      ['warning'],
    );
  });

  it('enhanced monitoring: a warning with the fix until primary has the role of that name, then granted', async () => {
    const name = unique('mon');
    const trust = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'monitoring.rds.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    const recoveryRole = await ensureRole(topology.recovery.accountId, name, trust);
    const source = unique('db');
    await seedDbInstance(
      aws.recovery.rds,
      source,
      {},
      { MonitoringInterval: 30, MonitoringRoleArn: recoveryRole },
    );
    const target = unique('t');
    const ctx = () =>
      kindContext(
        stepInput(
          { ...plan, primary: { ...plan.primary, roleArn: bootstrapRole() } },
          'failback',
          resolved('rds-instance', source, target),
        ),
      );
    const absent = await kindModule('rds-instance').preflight(ctx());
    const warning = absent.findings.filter((f) => new RegExp(`role ${name}`).test(f.message));
    expect(warning.map((f) => f.severity)).toEqual(['warning']);
    expect(warning[0]!.message).toMatch(/monitoring\.rds\.amazonaws\.com/);
    expect(warning[0]!.message).toMatch(/AmazonRDSEnhancedMonitoringRole.*then run preflight again/);
    expect(absent.grants?.monitoringRoleArns).toBeUndefined();
    expect(absent.sourceDetails?.monitoringRoleArn).toBeUndefined();

    // Primary's own role of that name (under a path: the ARN granted is the role's, not the source's).
    const primaryRole = await ensureRole(topology.primary.accountId, name, trust, undefined, '/app/');
    const present = await kindModule('rds-instance').preflight(ctx());
    expect(present.findings.filter((f) => f.severity !== 'info' && /monitoring/.test(f.message))).toEqual([]);
    expect(present.grants?.monitoringRoleArns).toEqual([primaryRole]);
    expect(present.sourceDetails).toMatchObject({ monitoringRoleArn: primaryRole, monitoringInterval: 30 });
  });

  it('replica clusters: of the source a warning, of the old primary refused', async () => {
    const source = unique('cl');
    await seedCluster(aws.recovery.rds, source, 1);
    const target = unique('oldcl');
    await seedCluster(aws.primary.rds, target, 1);
    for (const [rds, of] of [
      [aws.recovery.rds, source],
      [aws.primary.rds, target],
    ] as const) {
      const arn = `arn:aws:rds:${await rds.config.region()}:${await accountOf(rds)}:cluster:${of}`;
      await rds.send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: `${of}-replica`,
          Engine: 'aurora-postgresql',
          MasterUsername: 'app',
          MasterUserPassword: 'password-123',
          ReplicationSourceIdentifier: arn,
        }),
      );
    }
    const findings = await preflight('aurora-cluster', source, target);
    expect(about(findings, /in recovery has replica clusters/)).toEqual(['warning']);
    expect(about(findings, /in primary has replica clusters/)).toEqual(['error']);
  });
});

function bootstrapRole(): string {
  return `arn:aws:iam::${plan.primary.accountId}:role/${BOOTSTRAP_ROLE}`;
}

async function accountOf(rds: RDSClient): Promise<string> {
  return rds === aws.recovery.rds ? topology.recovery.accountId : topology.primary.accountId;
}
