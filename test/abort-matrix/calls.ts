import type { DurationKind, LoggedRequest } from '../../emulator/client.js';

/**
 * What the matrix reads in the emulator's request log: which calls change something in AWS (each is
 * an abort point), and which of them start an operation that runs on after the call returns (a second
 * abort point, while it is still in progress: the poll that waits for it is held).
 */

const READS = /^(Describe|List|Get|Head|Scan|Query|BatchGet|Lookup|Search|Check|Validate|Estimate|Simulate)/;
const NOT_CHANGES = new Set(['sts:AssumeRole', 'sts:GetCallerIdentity', 'sts:GetSessionToken']);

/** A call that changes something in AWS: anything but a read (by AWS's naming of its operations). */
export function isMutating(call: Pick<LoggedRequest, 'service' | 'operation'>): boolean {
  return !READS.test(call.operation) && !NOT_CHANGES.has(`${call.service}:${call.operation}`);
}

export interface LongOperation {
  /** The emulator's duration kind of the transition the call starts. */
  kind: DurationKind;
  /** The read that polls it. */
  poll: { service: string; operation: string };
}

const long = (kind: DurationKind, service: string, operation: string): LongOperation => ({
  kind,
  poll: { service, operation },
});

/** AWS calls that start a transition, with the describe that waits for it (emulator/README.md). */
const LONG: Record<string, LongOperation | ((call: LoggedRequest) => LongOperation | undefined)> = {
  'ec2:CreateImage': long('ec2.image', 'ec2', 'DescribeImages'),
  'ec2:CopyImage': long('ec2.image-copy', 'ec2', 'DescribeImages'),
  'ec2:RunInstances': long('ec2.instance', 'ec2', 'DescribeInstances'),
  'ec2:CreateSnapshot': long('ebs.snapshot', 'ec2', 'DescribeSnapshots'),
  'ec2:CopySnapshot': long('ebs.snapshot-copy', 'ec2', 'DescribeSnapshots'),
  'rds:CreateDBInstance': long('rds.instance', 'rds', 'DescribeDBInstances'),
  'rds:CreateDBSnapshot': long('rds.snapshot', 'rds', 'DescribeDBSnapshots'),
  'rds:CopyDBSnapshot': long('rds.snapshot-copy', 'rds', 'DescribeDBSnapshots'),
  'rds:RestoreDBInstanceFromDBSnapshot': long('rds.instance-restore', 'rds', 'DescribeDBInstances'),
  'rds:ModifyDBInstance': (c) =>
    c.resource.includes('NewDBInstanceIdentifier=')
      ? long('rds.instance-rename', 'rds', 'DescribeDBInstances')
      : undefined,
  'rds:CreateDBClusterSnapshot': long('rds.cluster-snapshot', 'rds', 'DescribeDBClusterSnapshots'),
  'rds:CopyDBClusterSnapshot': long('rds.cluster-snapshot-copy', 'rds', 'DescribeDBClusterSnapshots'),
  'rds:RestoreDBClusterFromSnapshot': long('rds.cluster-restore', 'rds', 'DescribeDBClusters'),
  'rds:ModifyDBCluster': (c) =>
    c.resource.includes('NewDBClusterIdentifier=')
      ? long('rds.cluster-rename', 'rds', 'DescribeDBClusters')
      : undefined,
  'dynamodb:CreateTable': long('dynamodb.table', 'dynamodb', 'DescribeTable'),
  'dynamodb:CreateBackup': long('dynamodb.backup', 'dynamodb', 'DescribeBackup'),
  'dynamodb:RestoreTableFromBackup': long('dynamodb.restore', 'dynamodb', 'DescribeTable'),
  'dynamodb:RestoreTableToPointInTime': long('dynamodb.restore', 'dynamodb', 'DescribeTable'),
  'dynamodb:ExportTableToPointInTime': long('dynamodb.export', 'dynamodb', 'DescribeExport'),
  'dynamodb:ImportTable': long('dynamodb.import', 'dynamodb', 'DescribeImport'),
  'cloudformation:CreateStack': long('cloudformation.stack', 'cloudformation', 'DescribeStacks'),
  'route53:ChangeResourceRecordSets': long('route53.change', 'route53', 'GetChange'),
};

export function longOperation(call: LoggedRequest): LongOperation | undefined {
  const entry = LONG[`${call.service}:${call.operation}`];
  return typeof entry === 'function' ? entry(call) : entry;
}

/** The two environments of a plan; one account may hold both (in two regions). */
export interface Sides {
  primary: { accountId: string; region: string };
  recovery: { accountId: string; region: string };
}
export type Side = keyof Sides;

/** Which environment a call acted in (global services sign with us-east-1: by account first). */
export function sideOf(call: Pick<LoggedRequest, 'account' | 'region'>, sides: Sides): Side | undefined {
  const { primary, recovery } = sides;
  if (primary.accountId === recovery.accountId) {
    if (call.account !== primary.accountId) return undefined;
    if (call.region === recovery.region) return 'recovery';
    return 'primary';
  }
  if (call.account === primary.accountId) return 'primary';
  if (call.account === recovery.accountId) return 'recovery';
  return undefined;
}

/** A call's names without what differs between two runs of the same plan (plan id, accounts, ids). */
export function normalise(text: string, planId: string, sides: Sides): string {
  return text
    .split(planId)
    .join('<plan>')
    .split(sides.primary.accountId)
    .join('<primary>')
    .split(sides.recovery.accountId)
    .join('<recovery>')
    .replace(/\b(i|ami|snap|vol|sg|subnet|vpc|r)-[0-9a-f]{8,17}\b/g, '$1-…')
    .replace(/\b\d{13,}-[0-9a-f]{8}\b/g, '…')
    .replace(/\/(export|import|backup)\/[0-9A-Za-z.-]+/g, '/$1/…');
}
