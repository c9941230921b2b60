import {
  CreateDBInstanceCommand,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { CreateRoleCommand } from '@aws-sdk/client-iam';
import { describe, expect, it } from 'vitest';
import {
  asRoleWith,
  aws,
  eventually,
  failure,
  freshAccount,
  policyDocument,
  type Statement,
} from './support.js';

const doc = policyDocument;
const REGION = 'eu-west-1';
const MONITORING_TRUST = doc({
  Effect: 'Allow',
  Principal: { Service: 'monitoring.rds.amazonaws.com' },
  Action: 'sts:AssumeRole',
});
const RDS_ONLY = { Effect: 'Allow', Action: ['rds:CreateDBInstance', 'rds:ModifyDBInstance'], Resource: '*' };

/** A role of `account` with one inline policy, assumed by the account's root: the caller under test. */
async function caller(account: string, name: string, ...statements: Statement[]) {
  return (await asRoleWith(account, REGION, name, ...statements)).rds;
}

const create = (id: string, extra: Record<string, unknown> = {}) =>
  new CreateDBInstanceCommand({
    DBInstanceIdentifier: id,
    Engine: 'postgres',
    DBInstanceClass: 'db.t3.micro',
    MasterUsername: 'app',
    MasterUserPassword: 'password-123',
    AllocatedStorage: 20,
    ...extra,
  });

const monitor = (id: string, role: string) =>
  new ModifyDBInstanceCommand({
    DBInstanceIdentifier: id,
    MonitoringInterval: 60,
    MonitoringRoleArn: role,
    ApplyImmediately: true,
  });

async function available(rds: RDSClient, id: string) {
  return eventually(`instance ${id} available`, async () => {
    const db = (await rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })))
      .DBInstances?.[0];
    return db?.DBInstanceStatus === 'available' ? db : undefined;
  });
}

describe('RDS enhanced monitoring hands RDS a role (issue 15)', () => {
  it('needs iam:PassRole on the monitoring role, passed to monitoring.rds.amazonaws.com', async () => {
    const account = freshAccount();
    const { rds, iam } = aws(account, REGION);
    const role = (
      await iam.send(
        new CreateRoleCommand({
          RoleName: 'app-rds-monitoring',
          Path: '/app/',
          AssumeRolePolicyDocument: MONITORING_TRUST,
        }),
      )
    ).Role!.Arn!;
    await rds.send(create('watched'));
    await available(rds, 'watched');

    const rdsOnly = await caller(account, 'rds-only', RDS_ONLY);
    const denied = await failure(rdsOnly.send(monitor('watched', role)));
    expect(denied.name).toBe('AccessDenied');
    expect(denied.message).toContain(`iam:PassRole on resource: ${role}`);
    // CreateDBInstance hands the role over the same way.
    const deniedCreate = await failure(
      rdsOnly.send(create('born-watched', { MonitoringInterval: 60, MonitoringRoleArn: role })),
    );
    expect(deniedCreate.name).toBe('AccessDenied');

    // A grant to pass it to another service does not pass it to RDS monitoring.
    const toEc2 = await caller(account, 'pass-to-ec2', RDS_ONLY, {
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: role,
      Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    });
    expect((await failure(toEc2.send(monitor('watched', role)))).name).toBe('AccessDenied');

    const passer = await caller(account, 'pass-to-monitoring', RDS_ONLY, {
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: role,
      Condition: { StringEquals: { 'iam:PassedToService': 'monitoring.rds.amazonaws.com' } },
    });
    await passer.send(monitor('watched', role));
    const db = await available(rds, 'watched');
    expect([db.MonitoringInterval, db.MonitoringRoleArn]).toEqual([60, role]);
  });

  it('refuses a monitoring role that does not exist, or that belongs to another account', async () => {
    const account = freshAccount();
    const other = freshAccount();
    const { rds } = aws(account, REGION);
    await rds.send(create('watched'));
    await available(rds, 'watched');
    const otherRole = (
      await aws(other, REGION).iam.send(
        new CreateRoleCommand({ RoleName: 'rds-monitoring', AssumeRolePolicyDocument: MONITORING_TRUST }),
      )
    ).Role!.Arn!;
    for (const role of [`arn:aws:iam::${account}:role/no-such-role`, otherRole]) {
      const error = await failure(rds.send(monitor('watched', role)));
      expect([error.name, error.$metadata?.httpStatusCode]).toEqual(['InvalidParameterValue', 400]);
      expect(error.message).toBe(
        'IAM role ARN value is invalid or does not include the required permissions for: ENHANCED_MONITORING',
      );
    }
    const created = await failure(
      rds.send(
        create('born-watched', {
          MonitoringInterval: 60,
          MonitoringRoleArn: `arn:aws:iam::${account}:role/no-such-role`,
        }),
      ),
    );
    expect(created.name).toBe('InvalidParameterValue');
    expect((await available(rds, 'watched')).MonitoringInterval ?? 0).toBe(0);
  });
});
