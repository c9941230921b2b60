import {
  CreateKeyPairCommand,
  EC2Client,
  type RunInstancesCommandInput,
  type Tag,
} from '@aws-sdk/client-ec2';
import {
  CreateDBClusterParameterGroupCommand,
  CreateDBParameterGroupCommand,
  CreateOptionGroupCommand,
  RDSClient,
  type CreateDBClusterCommandInput,
  type CreateDBInstanceCommandInput,
} from '@aws-sdk/client-rds';
import { seedingClientConfig } from './accounts.js';
import { monitoredDb, seedMonitoringRole } from './monitoring-roles.js';
import type { Side } from './seed.js';

/**
 * A scenario whose resources carry non-default configuration (issue 15): ten tags with odd
 * characters, a key pair, user data, metadata options, detailed monitoring and EBS optimisation on the
 * instances; a parameter group, an option group, Multi-AZ, IAM authentication, copy-tags-to-snapshots,
 * enhanced monitoring and Performance Insights on the DB instances; a cluster parameter group,
 * serverless v2 scaling and IAM authentication on the clusters. The key pair, the groups and the
 * monitoring role exist in both accounts (a failback can only carry what primary has).
 */
export interface Configured {
  keyName: string;
  parameterGroup: string;
  /** A non-default option group (postgres 13), in both accounts: a snapshot that uses one needs it. */
  optionGroup: string;
  clusterParameterGroup: string;
  /** The role RDS enhanced monitoring publishes with (each account its own). */
  monitoringRoleArn: string;
  tags: Tag[];
  userData: string;
}

/** Tag values AWS allows (letters, digits, spaces and + - = . _ : / @) in every odd combination. */
export const ODD_TAGS: Tag[] = [
  { Key: 'cost-center', Value: 'cc/42 : retail' },
  { Key: 'owner', Value: 'ops+dr@example.com' },
  { Key: 'team name', Value: 'Payments EU' },
  { Key: 'env:tier', Value: 'prod=1' },
  { Key: 'backup/policy', Value: 'daily_35d' },
  { Key: 'Compliance.Level', Value: 'PCI-DSS 4.0' },
  { Key: 'empty', Value: '' },
  { Key: 'ünïcode', Value: 'café_été' },
  { Key: 'a', Value: 'x'.repeat(256) },
  { Key: 'k'.repeat(128), Value: 'longest key' },
];

export function configuredNames(app: string): Omit<Configured, 'tags' | 'userData' | 'monitoringRoleArn'> {
  return {
    keyName: `${app}-key`,
    parameterGroup: `${app}-pg`,
    optionGroup: `${app}-og`,
    clusterParameterGroup: `${app}-cluster-pg`,
  };
}

/** The instances' user data (base64), as AWS takes and gives it. */
export function configuredUserData(app: string): string {
  return Buffer.from(`#!/bin/sh\necho ${app} > /etc/app-name\n`).toString('base64');
}

/** The key pair, the parameter and option groups and the monitoring role in one account. */
export async function seedConfiguredSide(side: Side, app: string): Promise<Configured> {
  const config = seedingClientConfig(side.accountId, side.region);
  const ec2 = new EC2Client(config);
  const rds = new RDSClient(config);
  const names = configuredNames(app);
  try {
    await ec2.send(new CreateKeyPairCommand({ KeyName: names.keyName }));
    await rds.send(
      new CreateDBParameterGroupCommand({
        DBParameterGroupName: names.parameterGroup,
        DBParameterGroupFamily: 'postgres13',
        Description: 'the application database parameters',
      }),
    );
    await rds.send(
      new CreateOptionGroupCommand({
        OptionGroupName: names.optionGroup,
        EngineName: 'postgres',
        MajorEngineVersion: '13',
        OptionGroupDescription: 'the application database options',
      }),
    );
    await rds.send(
      new CreateDBClusterParameterGroupCommand({
        DBClusterParameterGroupName: names.clusterParameterGroup,
        DBParameterGroupFamily: 'aurora-postgresql12',
        Description: 'the application cluster parameters',
      }),
    );
  } finally {
    ec2.destroy();
    rds.destroy();
  }
  const monitoringRoleArn = await seedMonitoringRole(side, app);
  return { ...names, monitoringRoleArn, tags: ODD_TAGS, userData: configuredUserData(app) };
}

export function configuredInstance(c: Configured): Partial<RunInstancesCommandInput> {
  return {
    KeyName: c.keyName,
    UserData: c.userData,
    MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' },
    EbsOptimized: true,
    Monitoring: { Enabled: true },
  };
}

export function configuredDb(c: Configured): Partial<CreateDBInstanceCommandInput> {
  return {
    // Postgres 13, as the parameter group's family and the option group's major version say.
    EngineVersion: '13.7',
    DBParameterGroupName: c.parameterGroup,
    OptionGroupName: c.optionGroup,
    MultiAZ: true,
    EnableIAMDatabaseAuthentication: true,
    CopyTagsToSnapshot: true,
    BackupRetentionPeriod: 14,
    // What a restore does not take (reported with the fix, decision 0013).
    ...monitoredDb(c.monitoringRoleArn),
    EnablePerformanceInsights: true,
    // Not RDS's default of 7 days: carried to the copy by the final cleanup.
    PerformanceInsightsRetentionPeriod: 731,
  };
}

export function configuredCluster(c: Configured): Partial<CreateDBClusterCommandInput> {
  return {
    DBClusterParameterGroupName: c.clusterParameterGroup,
    EnableIAMDatabaseAuthentication: true,
    CopyTagsToSnapshot: true,
    ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 8 },
  };
}

/**
 * How large one side runs. A pilot-light DR environment (issue 15) runs smaller than the primary it
 * stands in for: a smaller instance type and classes, Single-AZ, a lower serverless maximum, a tag of
 * its own; failing back with configurationFrom 'primary' brings back the primary's.
 */
export interface Sizing {
  instanceType: string;
  dbInstanceClass: string;
  memberClass: string;
  multiAZ: boolean;
  maxCapacity: number;
  tags: Tag[];
}

export const FULL_SIZE: Sizing = {
  instanceType: 't3.large',
  dbInstanceClass: 'db.m5.large',
  memberClass: 'db.r6g.xlarge',
  multiAZ: true,
  maxCapacity: 8,
  tags: [{ Key: 'sizing', Value: 'full' }],
};

export const PILOT_LIGHT: Sizing = {
  instanceType: 't3.micro',
  dbInstanceClass: 'db.t3.micro',
  memberClass: 'db.r6g.large',
  multiAZ: false,
  maxCapacity: 2,
  tags: [{ Key: 'dr-tier', Value: 'pilot-light' }],
};
