import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client, RunInstancesCommand, type _InstanceType } from '@aws-sdk/client-ec2';
import { CreateDBClusterCommand, CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import type { PlanSpec, ResourceSpec } from '../../src/domain/plan-spec.js';
import { boundedAll } from '../../src/workflows/bounded.js';
import {
  BOOTSTRAP_ROLE_POLICY,
  RECOVERY_ROLE_POLICY,
} from '../../src/activities/access-stack/policies/index.js';
import {
  ensureAccessBoundary,
  ensureRole,
  orchestratorTrustPolicy,
  seedingClientConfig,
} from './accounts.js';
import {
  configuredCluster,
  configuredDb,
  configuredInstance,
  FULL_SIZE,
  PILOT_LIGHT,
  seedConfiguredSide,
  type Configured,
  type Sizing,
} from './configured.js';
import { instanceProfileName, seedInstanceProfile } from './instance-profiles.js';
import { monitoredDb, seedMonitoringRole } from './monitoring-roles.js';
import { seedKeys, type ScenarioKeys } from './keys.js';
import { DEFAULT_TABLES, seedTable, type Revision, type TableSeed } from './tables.js';
import { waitForDatabases, waitForInstances } from './wait.js';

export interface Side {
  accountId: string;
  region: string;
}

export { DEFAULT_TABLES, writeItems, type TableSeed } from './tables.js';

export interface ScenarioOptions {
  planId: string;
  application?: string;
  primary: Side;
  recovery: Side;
  externalId?: string;
  ec2Instances?: number;
  rdsInstances?: number;
  auroraClusters?: number;
  auroraReaders?: number;
  tables?: TableSeed[];
  /** Seed the stale pre-incident versions in primary (default true). */
  stalePrimary?: boolean;
  /** How the plan cuts DNS over: a person signals it (manual), or the plan changes Route 53. */
  dns?: 'manual' | 'route53';
  /** Create calls in flight at once (default 1): the benchmark seeds hundreds of resources. */
  parallel?: number;
  /**
   * Encrypt volumes and databases with a customer managed key of each environment (default true), the
   * recovery key's policy letting the primary account use it unless `shareKeyWithPrimary` is false.
   */
  encryption?: boolean;
  shareKeyWithPrimary?: boolean;
  /** Also an unencrypted Aurora cluster, `<app>-aurora-plain`, beside the encrypted one(s). */
  unencryptedAurora?: boolean;
  /** Non-default configuration on every resource (scripts/scenario/configured.ts). */
  configured?: boolean;
  /** The instances run with an instance profile both accounts have (implied by `configured`). */
  instanceProfile?: boolean;
  /** The DB instances run enhanced monitoring, with a role both accounts have (implied by `configured`). */
  monitoring?: boolean;
  /**
   * Recovery is a pilot-light DR environment (PILOT_LIGHT: smaller, Single-AZ, its own tag) while the
   * stale primary versions run full size (FULL_SIZE): what configurationFrom 'primary' brings back.
   */
  pilotLight?: boolean;
  /** Whom the plan's roles trust: the worker's identity (default: the emulator's orchestrator user). */
  orchestratorPrincipal?: string;
  log?: (message: string) => void;
}

export interface Scenario {
  spec: PlanSpec;
  /** The customer managed keys, when the scenario encrypts. */
  keys?: ScenarioKeys;
  /** The role of primary's instance profile (with `instanceProfile`): the access role may pass it. */
  instanceRoleArn?: string;
  /** Primary's monitoring role (with `monitoring` or `configured`): the access role may pass it. */
  monitoringRoleArn?: string;
  /** The application's zone in primary, its record pointing at recovery (whatever the DNS mode). */
  hostedZoneId: string;
  dnsRecord: { name: string; recoveryValue: string; primaryValue: string };
  tables: TableSeed[];
}

/**
 * Builds, in the emulator, an application that failed over (issue 7): the live copy in the recovery
 * account/region (EC2 instances, RDS, Aurora with readers, DynamoDB tables with data), the stale
 * pre-incident versions in primary, the roles the plan uses, and a Route 53 zone. Returns the plan spec
 * that fails it back.
 */
export async function seedScenario(options: ScenarioOptions): Promise<Scenario> {
  const log = options.log ?? (() => undefined);
  const app = options.application ?? 'shop';
  const externalId = options.externalId ?? `ext-${options.planId}`;
  const tables = options.tables ?? DEFAULT_TABLES;
  const stale = options.stalePrimary ?? true;
  const ec2Count = options.ec2Instances ?? 3;
  const rdsCount = options.rdsInstances ?? 1;
  const auroraCount = options.auroraClusters ?? 1;
  const readers = options.auroraReaders ?? 2;
  const names = (prefix: string, n: number) =>
    Array.from({ length: n }, (_, i) => (n === 1 ? prefix : `${prefix}-${i + 1}`));
  const webs = names(`${app}-web`, ec2Count);
  const dbs = names(`${app}-db`, rdsCount);
  const auroras = names(`${app}-aurora`, auroraCount);
  const plainAuroras = options.unencryptedAurora ? [`${app}-aurora-plain`] : [];

  log('roles');
  const recoveryRoleArn = await ensureRole(
    options.recovery.accountId,
    'dr-recovery',
    orchestratorTrustPolicy(undefined, options.orchestratorPrincipal),
    RECOVERY_ROLE_POLICY,
  );
  await ensureAccessBoundary(options.primary.accountId);
  const bootstrapRoleArn = await ensureRole(
    options.primary.accountId,
    'dr-standing',
    orchestratorTrustPolicy(externalId, options.orchestratorPrincipal),
    BOOTSTRAP_ROLE_POLICY,
  );
  const keys =
    options.encryption === false
      ? undefined
      : await seedKeys({
          app,
          planId: options.planId,
          primary: options.primary,
          recovery: options.recovery,
          ...(options.shareKeyWithPrimary === undefined
            ? {}
            : { shareWithPrimary: options.shareKeyWithPrimary }),
        });

  log(
    `recovery: ${ec2Count} instances, ${rdsCount} RDS, ${auroraCount} Aurora (writer + ${readers} readers), ${tables.length} tables${stale ? '; primary: their stale pre-incident versions' : ''}`,
  );
  // Each side its own: what belongs to an account (the monitoring role) is that account's.
  const [configured, primaryConfigured] = options.configured
    ? await Promise.all([seedConfiguredSide(options.recovery, app), seedConfiguredSide(options.primary, app)])
    : [];
  const [recoveryMonitoring, primaryMonitoring] =
    options.monitoring && !options.configured
      ? await Promise.all([
          seedMonitoringRole(options.recovery, app),
          seedMonitoringRole(options.primary, app),
        ])
      : [];
  const monitoringRoleArn = primaryConfigured?.monitoringRoleArn ?? primaryMonitoring;
  const withProfile = options.instanceProfile ?? options.configured ?? false;
  const [, instanceRoleArn] = withProfile
    ? await Promise.all([
        seedInstanceProfile(options.recovery, app),
        seedInstanceProfile(options.primary, app),
      ])
    : [];
  const common = {
    app,
    configured,
    ...(withProfile ? { instanceProfile: instanceProfileName(app) } : {}),
    webs,
    dbs,
    auroras,
    plainAuroras,
    readers,
    tables,
    parallel: options.parallel ?? 1,
    log,
  };
  const [recoveryIds] = await Promise.all([
    seedSide(options.recovery, {
      ...common,
      revision: 2,
      kmsKeyId: keys?.recovery,
      ...(recoveryMonitoring ? { monitoringRoleArn: recoveryMonitoring } : {}),
      ...(options.pilotLight ? { sizing: PILOT_LIGHT } : {}),
    }),
    stale
      ? seedSide(options.primary, {
          ...common,
          revision: 1,
          kmsKeyId: keys?.primary,
          configured: primaryConfigured,
          ...(primaryMonitoring ? { monitoringRoleArn: primaryMonitoring } : {}),
          ...(options.pilotLight ? { sizing: FULL_SIZE } : {}),
        })
      : Promise.resolve([]),
  ]);
  const dns = await seedDns(options.primary, app, options.planId);

  const resources: ResourceSpec[] = [
    ...webs.map((target, i): ResourceSpec => ({ kind: 'ec2-instance', source: recoveryIds[i]!, target })),
    ...dbs.map((id): ResourceSpec => ({ kind: 'rds-instance', source: id, target: id })),
    ...[...auroras, ...plainAuroras].map((id): ResourceSpec => ({
      kind: 'aurora-cluster',
      source: id,
      target: id,
    })),
    ...tables.map((t): ResourceSpec => ({ kind: 'dynamodb-table', source: t.name, target: t.name })),
  ];
  const scenario: Scenario = {
    ...(keys ? { keys } : {}),
    ...(instanceRoleArn ? { instanceRoleArn } : {}),
    ...(monitoringRoleArn ? { monitoringRoleArn } : {}),
    tables,
    hostedZoneId: dns.hostedZoneId,
    dnsRecord: dns.record,
    spec: {
      planId: options.planId,
      application: app,
      primary: {
        ...options.primary,
        roleArn: `arn:aws:iam::${options.primary.accountId}:role/failback-access-${options.planId}`,
        externalId,
        bootstrapRoleArn,
        ...(keys ? { kmsKeyId: keys.primary } : {}),
      },
      recovery: { ...options.recovery, roleArn: recoveryRoleArn },
      resources,
      dnsCutover:
        (options.dns ?? 'manual') === 'route53'
          ? {
              mode: 'route53',
              hostedZoneId: dns.hostedZoneId,
              records: [{ name: dns.record.name, type: 'A', value: dns.record.primaryValue, ttl: 60 }],
            }
          : { mode: 'manual' },
      options: { testFailback: true, removeAccessStack: true, concurrency: 16 },
    },
  };
  log('seeded');
  return scenario;
}

interface SideSeed {
  app: string;
  webs: string[];
  dbs: string[];
  auroras: string[];
  /** Aurora clusters left unencrypted whatever the key. */
  plainAuroras: string[];
  readers: number;
  /** The environment's customer managed key: volumes and databases are encrypted with it. */
  kmsKeyId: string | undefined;
  tables: TableSeed[];
  revision: Revision;
  /** Create calls in flight at once per side. */
  parallel: number;
  configured: Configured | undefined;
  instanceProfile?: string;
  /** This side's monitoring role: its DB instances run enhanced monitoring with it. */
  monitoringRoleArn?: string;
  /** Instance type, classes and the like of this side (default: the smallest, as configured). */
  sizing?: Sizing;
  log: (message: string) => void;
}

async function seedSide(side: Side, seed: SideSeed): Promise<string[]> {
  const config = seedingClientConfig(side.accountId, side.region);
  const ec2 = new EC2Client(config);
  const rds = new RDSClient(config);
  const dynamodb = new DynamoDBClient(config);
  try {
    const c = seed.configured;
    const tags = (name: string) => [
      { Key: 'Name', Value: name },
      { Key: 'app', Value: seed.app },
      ...(c?.tags ?? []),
      ...(seed.sizing?.tags ?? []),
    ];
    const size = seed.sizing;
    const each = <T, R>(items: T[], create: (item: T) => Promise<R>) =>
      boundedAll(items, seed.parallel, create);
    const instanceIds = await each(seed.webs, async (name) => {
      const out = await ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-0f00d5eed0000c0de',
          InstanceType: 't3.micro',
          MinCount: 1,
          MaxCount: 1,
          // A root and a data volume: both travel, encrypted, through the AMI.
          ...(seed.kmsKeyId
            ? {
                BlockDeviceMappings: [
                  {
                    DeviceName: '/dev/sda1',
                    Ebs: { VolumeSize: 20, VolumeType: 'gp3', Encrypted: true, KmsKeyId: seed.kmsKeyId },
                  },
                  {
                    DeviceName: '/dev/sdf',
                    Ebs: { VolumeSize: 100, VolumeType: 'gp3', Encrypted: true, KmsKeyId: seed.kmsKeyId },
                  },
                ],
              }
            : {}),
          TagSpecifications: [{ ResourceType: 'instance', Tags: tags(name) }],
          ...(c ? configuredInstance(c) : {}),
          ...(seed.instanceProfile ? { IamInstanceProfile: { Name: seed.instanceProfile } } : {}),
          ...(size ? { InstanceType: size.instanceType as _InstanceType } : {}),
        }),
      );
      return out.Instances![0]!.InstanceId!;
    });
    await each(seed.dbs, (id) =>
      rds.send(
        new CreateDBInstanceCommand({
          DBInstanceIdentifier: id,
          Engine: 'postgres',
          DBInstanceClass: 'db.t3.micro',
          AllocatedStorage: 20,
          MasterUsername: 'app',
          MasterUserPassword: 'not-a-secret-1',
          ...(seed.kmsKeyId ? { StorageEncrypted: true, KmsKeyId: seed.kmsKeyId } : {}),
          Tags: tags(id),
          ...(c ? configuredDb(c) : {}),
          ...(seed.monitoringRoleArn ? monitoredDb(seed.monitoringRoleArn) : {}),
          ...(size ? { DBInstanceClass: size.dbInstanceClass, MultiAZ: size.multiAZ } : {}),
        }),
      ),
    );
    await each([...seed.auroras, ...seed.plainAuroras], async (id) => {
      const encrypt = seed.kmsKeyId && !seed.plainAuroras.includes(id);
      await rds.send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: id,
          Engine: 'aurora-postgresql',
          MasterUsername: 'app',
          MasterUserPassword: 'not-a-secret-1',
          ...(encrypt ? { StorageEncrypted: true, KmsKeyId: seed.kmsKeyId } : {}),
          Tags: tags(id),
          ...(c ? configuredCluster(c) : {}),
          ...(size
            ? { ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: size.maxCapacity } }
            : {}),
        }),
      );
      const members = [
        `${id}-writer`,
        ...Array.from({ length: seed.readers }, (_, i) => `${id}-reader-${i + 1}`),
      ];
      for (const member of members) {
        await rds.send(
          new CreateDBInstanceCommand({
            DBInstanceIdentifier: member,
            DBClusterIdentifier: id,
            Engine: 'aurora-postgresql',
            DBInstanceClass: size?.memberClass ?? 'db.r6g.large',
            Tags: tags(member),
          }),
        );
      }
    });
    await each(seed.tables, (table) => seedTable(dynamodb, table, seed.revision, seed.app));
    await waitForInstances(ec2, instanceIds, 'running');
    await waitForDatabases(rds, seed.dbs, [...seed.auroras, ...seed.plainAuroras]);
    return instanceIds;
  } finally {
    ec2.destroy();
    rds.destroy();
    dynamodb.destroy();
  }
}

async function seedDns(primary: Side, app: string, planId: string) {
  const route53 = new Route53Client(seedingClientConfig(primary.accountId, primary.region));
  try {
    const zoneName = `${app}.example.com`;
    const zone = await route53.send(
      new CreateHostedZoneCommand({ Name: zoneName, CallerReference: `seed-${planId}` }),
    );
    const hostedZoneId = zone.HostedZone!.Id!.replace('/hostedzone/', '');
    const record = { name: `app.${zoneName}`, recoveryValue: '198.51.100.10', primaryValue: '203.0.113.10' };
    await route53.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: hostedZoneId,
        ChangeBatch: {
          Changes: [
            {
              Action: 'UPSERT',
              ResourceRecordSet: {
                Name: record.name,
                Type: 'A',
                TTL: 60,
                ResourceRecords: [{ Value: record.recoveryValue }],
              },
            },
          ],
        },
      }),
    );
    return { hostedZoneId, record };
  } finally {
    route53.destroy();
  }
}
