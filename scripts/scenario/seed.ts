import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DynamoDBClient,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import { CreateDBClusterCommand, CreateDBInstanceCommand, RDSClient } from '@aws-sdk/client-rds';
import {
  ChangeResourceRecordSetsCommand,
  CreateHostedZoneCommand,
  Route53Client,
} from '@aws-sdk/client-route-53';
import type { PlanSpec, ResourceSpec } from '../../src/domain/plan-spec.js';
import { boundedAll } from '../../src/workflows/bounded.js';
import { ensureRole, orchestratorTrustPolicy, seedingClientConfig, waitForTableActive } from './accounts.js';
import { customerItem, orderItem } from './items.js';
import { waitForDatabases, waitForInstances } from './wait.js';

export interface Side {
  accountId: string;
  region: string;
}

export interface TableSeed {
  name: string;
  shape: 'orders' | 'customers' | 'empty';
  /** Items in recovery (the latest data); the stale primary copy gets fewer, older ones. */
  items: number;
}

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
  dns?: 'manual' | 'route53';
  /** Create calls in flight at once (default 1): the benchmark seeds hundreds of resources. */
  parallel?: number;
  log?: (message: string) => void;
}

export interface Scenario {
  spec: PlanSpec;
  hostedZoneId?: string;
  dnsRecord?: { name: string; recoveryValue: string; primaryValue: string };
  tables: TableSeed[];
}

export const DEFAULT_TABLES: TableSeed[] = [
  { name: 'orders', shape: 'orders', items: 10_000 },
  { name: 'customers', shape: 'customers', items: 500 },
  { name: 'audit', shape: 'empty', items: 0 },
];

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

  log('roles');
  const recoveryRoleArn = await ensureRole(
    options.recovery.accountId,
    'dr-recovery',
    orchestratorTrustPolicy(),
  );
  const bootstrapRoleArn = await ensureRole(
    options.primary.accountId,
    'dr-standing',
    orchestratorTrustPolicy(externalId),
  );

  log(
    `recovery: ${ec2Count} instances, ${rdsCount} RDS, ${auroraCount} Aurora (+${readers} readers), ${tables.length} tables`,
  );
  const recoveryIds = await seedSide(options.recovery, {
    app,
    webs,
    dbs,
    auroras,
    readers,
    tables,
    revision: 2,
    parallel: options.parallel ?? 1,
    log,
  });
  if (stale) {
    log('primary: the stale pre-incident versions');
    await seedSide(options.primary, {
      app,
      webs,
      dbs,
      auroras,
      readers: 0,
      tables,
      revision: 1,
      parallel: options.parallel ?? 1,
      log,
    });
  }

  const resources: ResourceSpec[] = [
    ...webs.map((target, i): ResourceSpec => ({ kind: 'ec2-instance', source: recoveryIds[i]!, target })),
    ...dbs.map((id): ResourceSpec => ({ kind: 'rds-instance', source: id, target: id })),
    ...auroras.map((id): ResourceSpec => ({ kind: 'aurora-cluster', source: id, target: id })),
    ...tables.map((t): ResourceSpec => ({ kind: 'dynamodb-table', source: t.name, target: t.name })),
  ];
  const scenario: Scenario = {
    tables,
    spec: {
      planId: options.planId,
      application: app,
      primary: {
        ...options.primary,
        roleArn: `arn:aws:iam::${options.primary.accountId}:role/failback-access-${options.planId}`,
        externalId,
        bootstrapRoleArn,
      },
      recovery: { ...options.recovery, roleArn: recoveryRoleArn },
      resources,
      dnsCutover: { mode: 'manual' },
      options: { testFailback: true, removeAccessStack: true, concurrency: 16 },
    },
  };
  if ((options.dns ?? 'manual') === 'route53') {
    const dns = await seedDns(options.primary, app, options.planId);
    scenario.hostedZoneId = dns.hostedZoneId;
    scenario.dnsRecord = dns.record;
    scenario.spec.dnsCutover = {
      mode: 'route53',
      hostedZoneId: dns.hostedZoneId,
      records: [{ name: dns.record.name, type: 'A', value: dns.record.primaryValue, ttl: 60 }],
    };
  }
  log('seeded');
  return scenario;
}

interface SideSeed {
  app: string;
  webs: string[];
  dbs: string[];
  auroras: string[];
  readers: number;
  tables: TableSeed[];
  /** 2: the recovery's latest data; 1: primary's stale copy */
  revision: number;
  parallel: number;
  log: (message: string) => void;
}

async function seedSide(side: Side, seed: SideSeed): Promise<string[]> {
  const config = seedingClientConfig(side.accountId, side.region);
  const ec2 = new EC2Client(config);
  const rds = new RDSClient(config);
  const dynamodb = new DynamoDBClient(config);
  try {
    const tags = (name: string) => [
      { Key: 'Name', Value: name },
      { Key: 'app', Value: seed.app },
    ];
    const each = <T, R>(items: T[], create: (item: T) => Promise<R>) =>
      boundedAll(items, seed.parallel, create);
    const instanceIds = await each(seed.webs, async (name) => {
      const out = await ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-0f00d5eed0000c0de',
          InstanceType: 't3.micro',
          MinCount: 1,
          MaxCount: 1,
          TagSpecifications: [{ ResourceType: 'instance', Tags: tags(name) }],
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
          Tags: tags(id),
        }),
      ),
    );
    await each(seed.auroras, async (id) => {
      await rds.send(
        new CreateDBClusterCommand({
          DBClusterIdentifier: id,
          Engine: 'aurora-postgresql',
          MasterUsername: 'app',
          MasterUserPassword: 'not-a-secret-1',
          Tags: tags(id),
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
            DBInstanceClass: 'db.r6g.large',
            Tags: tags(member),
          }),
        );
      }
    });
    await each(seed.tables, (table) => seedTable(dynamodb, table, seed.revision, seed.app));
    await waitForInstances(ec2, instanceIds, 'running');
    await waitForDatabases(rds, seed.dbs, seed.auroras);
    return instanceIds;
  } finally {
    ec2.destroy();
    rds.destroy();
    dynamodb.destroy();
  }
}

async function seedTable(
  dynamodb: DynamoDBClient,
  table: TableSeed,
  revision: number,
  app: string,
): Promise<void> {
  const keys =
    table.shape === 'customers'
      ? {
          KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' as const }],
          AttributeDefinitions: [
            { AttributeName: 'id', AttributeType: 'S' as const },
            { AttributeName: 'email', AttributeType: 'S' as const },
          ],
        }
      : {
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' as const },
            { AttributeName: 'sk', KeyType: 'RANGE' as const },
          ],
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' as const },
            { AttributeName: 'sk', AttributeType: 'N' as const },
          ],
        };
  await dynamodb.send(
    new CreateTableCommand({
      TableName: table.name,
      BillingMode: 'PAY_PER_REQUEST',
      ...keys,
      ...(table.shape === 'customers'
        ? {
            GlobalSecondaryIndexes: [
              {
                IndexName: 'email-index',
                KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }],
                Projection: { ProjectionType: 'ALL' },
              },
            ],
          }
        : {}),
      Tags: [{ Key: 'app', Value: app }],
    }),
  );
  await waitForTableActive(dynamodb, table.name);
  // The stale primary copy holds a fraction of the items, in an older revision.
  const count = revision === 1 ? Math.floor(table.items / 10) : table.items;
  const items = Array.from({ length: count }, (_, i) =>
    table.shape === 'customers' ? customerItem(i, revision) : orderItem(i, revision),
  );
  await writeItems(dynamodb, table.name, items);
}

/** BatchWriteItem in chunks of 25, a few batches in flight, retrying unprocessed items. */
export async function writeItems(
  dynamodb: DynamoDBClient,
  tableName: string,
  items: Array<Record<string, AttributeValue>>,
): Promise<void> {
  const batches: Array<Array<Record<string, AttributeValue>>> = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const lane = async () => {
    while (next < batches.length) {
      let requests = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        const out = await dynamodb.send(
          new BatchWriteItemCommand({ RequestItems: { [tableName]: requests } }),
        );
        requests = (out.UnprocessedItems?.[tableName] ?? []) as typeof requests;
        if (requests.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      }
    }
  };
  await Promise.all(Array.from({ length: 6 }, lane));
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
