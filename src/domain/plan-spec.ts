import Type, { type Static } from 'typebox';

/**
 * The plan spec (body of POST /v1/plans, input of the failbackPlan workflow), DESIGN.md §2. One
 * TypeBox definition gives the API's validation, the TypeScript types and the OpenAPI document.
 * Cross-field rules the schema cannot express live in plan-rules.ts.
 */

// Names derive from the plan id (snapshot names, `<target>-fbtest-<planId>`), so it is short and safe
// in every AWS identifier alphabet (RDS: letters, digits, hyphens; no double hyphen).
export const PlanIdSchema = Type.String({
  pattern: '^[a-z0-9](?:[a-z0-9]|-(?!-)){0,30}[a-z0-9]$',
  description: 'Lower-case letters, digits and single hyphens, 2-32 characters.',
  examples: ['shop-2026-11'],
});

const AccountId = Type.String({ pattern: '^[0-9]{12}$', description: '12-digit AWS account id' });
const Region = Type.String({ pattern: '^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]$', examples: ['us-east-1'] });
export const RoleArnSchema = Type.String({
  pattern: '^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$',
  examples: ['arn:aws:iam::111111111111:role/failback-access'],
});
const ExternalId = Type.String({ minLength: 2, maxLength: 1224, pattern: '^[A-Za-z0-9+=,.@:/-]+$' });
const KmsKey = Type.String({
  minLength: 1,
  maxLength: 2048,
  description: 'KMS key id, ARN or alias used to (re-)encrypt copies in this environment',
});
/**
 * The largest plan (explicit plus selected resources): its status, phase inputs and results stay well
 * inside Temporal's payload (2 MB) and history limits. Larger estates fail back as several plans.
 * docs/decisions/0008-plan-size.md.
 */
export const MAX_PLAN_RESOURCES = 1000;

const Timestamp = Type.String({ format: 'date-time', examples: ['2026-11-28T02:00:00Z'] });

export const PrimaryEnvironmentSchema = Type.Object(
  {
    accountId: AccountId,
    region: Region,
    roleArn: RoleArnSchema,
    externalId: ExternalId,
    bootstrapRoleArn: Type.Optional(RoleArnSchema),
    kmsKeyId: Type.Optional(KmsKey),
  },
  { additionalProperties: false },
);

export const RecoveryEnvironmentSchema = Type.Object(
  {
    accountId: AccountId,
    region: Region,
    roleArn: RoleArnSchema,
    externalId: Type.Optional(ExternalId),
    kmsKeyId: Type.Optional(KmsKey),
  },
  { additionalProperties: false },
);

const SubnetId = Type.String({ pattern: '^subnet-[0-9a-f]{8,17}$' });
const SecurityGroupId = Type.String({ pattern: '^sg-[0-9a-f]{8,17}$' });
const SecurityGroups = Type.Array(SecurityGroupId, { minItems: 1, maxItems: 16, uniqueItems: true });
const DbIdentifier = Type.String({ pattern: '^[A-Za-z](?:[A-Za-z0-9]|-(?!-)){0,62}$' });

// docs/decisions/0013-configuration-tables.md: the recovery source by default (what ran the application
// during the DR period); the old primary for a pilot-light DR environment that ran smaller.
const ConfigurationFrom = Type.Union([Type.Literal('recovery'), Type.Literal('primary')], {
  description:
    "where the copy's configuration (tags, type or class, parameter groups, Multi-AZ, key pair, user data…) " +
    'is carried from: recovery (default): the recovery source; primary: the old primary the failback ' +
    'replaces (what the snapshot or AMI determines stays as it has it; mapped options still win)',
});

const Ec2Options = Type.Object(
  {
    subnetId: Type.Optional(SubnetId),
    securityGroupIds: Type.Optional(SecurityGroups),
    instanceType: Type.Optional(Type.String({ pattern: '^[a-z0-9]+\\.[a-z0-9]+$' })),
    configurationFrom: Type.Optional(ConfigurationFrom),
    testSubnetId: Type.Optional(SubnetId),
    testSecurityGroupIds: Type.Optional(SecurityGroups),
    instanceStoreDisposable: Type.Optional(
      Type.Boolean({
        description:
          "the old primary instance's instance store holds nothing to keep: the failback may stop it (a stop erases instance store)",
      }),
    ),
  },
  { additionalProperties: false },
);

const DbOptions = Type.Object(
  {
    dbSubnetGroupName: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    vpcSecurityGroupIds: Type.Optional(SecurityGroups),
    instanceClass: Type.Optional(Type.String({ pattern: '^db\\.[a-z0-9]+\\.[a-z0-9]+$' })),
    testDbSubnetGroupName: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    configurationFrom: Type.Optional(ConfigurationFrom),
  },
  { additionalProperties: false },
);

const DynamoDbOptions = Type.Object(
  {
    copyMethod: Type.Optional(
      Type.Union(
        [
          Type.Literal('auto'),
          Type.Literal('restore'),
          Type.Literal('export-import'),
          Type.Literal('scan-copy'),
        ],
        {
          description: 'auto: backup restore within one account, export/import across accounts',
        },
      ),
    ),
    exportBucket: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' })),
  },
  { additionalProperties: false },
);

const TableName = Type.String({ pattern: '^[A-Za-z0-9_.-]{3,255}$' });

export const ResourceSpecSchema = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('ec2-instance'),
      source: Type.String({ pattern: '^i-[0-9a-f]{8,17}$', description: 'instance id in recovery' }),
      target: Type.String({
        pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$',
        description: 'Name tag in primary',
      }),
      options: Type.Optional(Ec2Options),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('rds-instance'),
      source: DbIdentifier,
      target: DbIdentifier,
      options: Type.Optional(DbOptions),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('aurora-cluster'),
      source: DbIdentifier,
      target: DbIdentifier,
      options: Type.Optional(DbOptions),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('dynamodb-table'),
      source: TableName,
      target: TableName,
      options: Type.Optional(DynamoDbOptions),
    },
    { additionalProperties: false },
  ),
]);

export const SelectSchema = Type.Object(
  {
    tags: Type.Record(Type.String({ minLength: 1, maxLength: 128 }), Type.String({ maxLength: 256 }), {
      minProperties: 1,
    }),
    kinds: Type.Optional(
      Type.Array(
        Type.Union([
          Type.Literal('ec2-instance'),
          Type.Literal('rds-instance'),
          Type.Literal('aurora-cluster'),
          Type.Literal('dynamodb-table'),
        ]),
        { minItems: 1, uniqueItems: true },
      ),
    ),
  },
  { additionalProperties: false },
);

export const MaintenanceWindowSchema = Type.Object(
  { start: Timestamp, end: Timestamp },
  { additionalProperties: false },
);

export const DnsRecordSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    type: Type.Union([Type.Literal('A'), Type.Literal('AAAA'), Type.Literal('CNAME'), Type.Literal('TXT')]),
    value: Type.String({ minLength: 1, maxLength: 4000 }),
    ttl: Type.Integer({ minimum: 0, maximum: 172800 }),
  },
  { additionalProperties: false },
);

export const DnsCutoverSchema = Type.Union([
  Type.Object({ mode: Type.Literal('manual') }, { additionalProperties: false }),
  Type.Object(
    {
      mode: Type.Literal('route53'),
      hostedZoneId: Type.String({ pattern: '^(/hostedzone/)?Z[A-Z0-9]{1,32}$' }),
      records: Type.Array(DnsRecordSchema, { minItems: 1, maxItems: 100 }),
    },
    { additionalProperties: false },
  ),
]);

export const PlanOptionsSchema = Type.Object(
  {
    testFailback: Type.Optional(Type.Boolean({ default: true })),
    removeAccessStack: Type.Optional(Type.Boolean({ default: true })),
    /**
     * Which RDS databases the access stack's role may tag, rename and modify (decision 0045): `named`,
     * the ones preflight names (within one parameter's 4,096 bytes), or `account`, any database of
     * primary (for plans past that bound; preflight warns).
     */
    databaseAccess: Type.Optional(
      Type.Union([Type.Literal('named'), Type.Literal('account')], {
        default: 'named',
        description:
          'named: the access role may tag, rename and modify only the databases preflight names; account: any database of primary (plans with more databases than fit, about 23 instances or 5 Aurora clusters of 3; preflight warns)',
      }),
    ),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 256, default: 16 })),
    /** A Temporal Schedule that takes recovery points; unpaused when the plan completes. */
    recoveryPointSchedule: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const PlanSpecSchema = Type.Object(
  {
    planId: PlanIdSchema,
    application: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$' }),
    primary: PrimaryEnvironmentSchema,
    recovery: RecoveryEnvironmentSchema,
    resources: Type.Optional(Type.Array(ResourceSpecSchema, { maxItems: MAX_PLAN_RESOURCES })),
    select: Type.Optional(SelectSchema),
    maintenanceWindow: Type.Optional(MaintenanceWindowSchema),
    dnsCutover: DnsCutoverSchema,
    options: Type.Optional(PlanOptionsSchema),
  },
  { additionalProperties: false, $id: 'PlanSpec' },
);

export type PlanSpec = Static<typeof PlanSpecSchema>;
export type ResourceSpec = Static<typeof ResourceSpecSchema>;
export type PrimaryEnvironment = Static<typeof PrimaryEnvironmentSchema>;
export type RecoveryEnvironment = Static<typeof RecoveryEnvironmentSchema>;
export type DnsCutoverSpec = Static<typeof DnsCutoverSchema>;
export type DnsRecord = Static<typeof DnsRecordSchema>;
export type MaintenanceWindow = Static<typeof MaintenanceWindowSchema>;
export type PlanOptions = Static<typeof PlanOptionsSchema>;
