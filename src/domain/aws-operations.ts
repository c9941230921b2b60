/**
 * Which AWS operation a step of a resource's pipeline waits on, per kind, as an operator reads it
 * (the Web UI's activity summaries, the demo's step column). Pure constants: safe in workflow code.
 */
import type { ResourceKind } from './contract.js';

const RESTORE: Record<ResourceKind, string> = {
  'ec2-instance': 'RunInstances from the copied AMI → running; the old instance stopped and tagged retired',
  'rds-instance':
    'ModifyDBInstance (old one renamed) + RestoreDBInstanceFromDBSnapshot → available, then checks',
  'aurora-cluster':
    'ModifyDBCluster (old one renamed) + RestoreDBClusterFromSnapshot + CreateDBInstance per member → available',
  'dynamodb-table':
    'CreateBackup of the old table, RestoreTableFromBackup / ImportTable / scan copy → ACTIVE, then a content hash of both',
};

const OPERATIONS: Record<string, Record<ResourceKind, string>> = {
  quiesceSource: {
    'ec2-instance': 'StopInstances of the source → stopped',
    'rds-instance': 'records the quiesce time (the window keeps writes away)',
    'aurora-cluster': 'records the quiesce time (the window keeps writes away)',
    'dynamodb-table': 'records the quiesce time (the window keeps writes away)',
  },
  takeRecoveryPoint: {
    'ec2-instance': 'CreateImage → AMI available (its EBS snapshots completed)',
    'rds-instance': 'CreateDBSnapshot → available',
    'aurora-cluster': 'CreateDBClusterSnapshot → available',
    'dynamodb-table': 'CreateBackup or ExportTableToPointInTime → available',
  },
  waitForCopySlot: {
    'ec2-instance': 'a free EBS snapshot-copy slot (20 per destination region)',
    'rds-instance': 'a free RDS snapshot-copy slot (5 in progress)',
    'aurora-cluster': 'a free RDS snapshot-copy slot (5 in progress)',
    'dynamodb-table': 'nothing: DynamoDB copies take no quota slot',
  },
  copyRecoveryPoint: {
    'ec2-instance': 'ModifyImageAttribute (share) + CopyImage into primary → available',
    'rds-instance': 'ModifyDBSnapshotAttribute (share) + CopyDBSnapshot into primary → available',
    'aurora-cluster': 'ModifyDBClusterSnapshotAttribute (share) + CopyDBClusterSnapshot → available',
    'dynamodb-table': 'CopyObject of the export into primary (export-import), else nothing',
  },
  restoreAndVerify: RESTORE,
  restoreIntoPrimary: RESTORE,
  verifyRestore: {
    'ec2-instance': 'DescribeInstances / DescribeImages: the instance runs from the recovery point',
    'rds-instance': 'DescribeDBInstances: the restored instance and its recovery point',
    'aurora-cluster': 'DescribeDBClusters: the restored cluster, its members and its recovery point',
    'dynamodb-table': 'Scan of source and target: item count and content hash',
  },
  removeTestCopy: {
    'ec2-instance': 'TerminateInstances of the test copy, DeregisterImage / DeleteSnapshot',
    'rds-instance': 'DeleteDBInstance of the test copy, DeleteDBSnapshot',
    'aurora-cluster': 'DeleteDBInstance per member + DeleteDBCluster of the test copy',
    'dynamodb-table': 'DeleteTable of the test copy, DeleteBackup',
  },
  concludeRecovery: {
    'ec2-instance': 'CreateImage (kept) of the recovery instance, then TerminateInstances',
    'rds-instance': 'CreateDBSnapshot (kept) of the recovery instance, then DeleteDBInstance',
    'aurora-cluster': 'CreateDBClusterSnapshot (kept), then DeleteDBInstance per member + DeleteDBCluster',
    'dynamodb-table': 'CreateBackup (kept) of the recovery table, then DeleteTable',
  },
  cleanupIntermediates: {
    'ec2-instance': 'DeregisterImage / DeleteSnapshot of the intermediates',
    'rds-instance': 'DeleteDBSnapshot of the intermediates',
    'aurora-cluster': 'DeleteDBClusterSnapshot of the intermediates',
    'dynamodb-table': 'DeleteBackup / the export objects of the intermediates',
  },
  compensateResource: {
    'ec2-instance': 'TerminateInstances of what the plan made, StartInstances of what it stopped',
    'rds-instance': 'DeleteDBInstance of the restored copy, ModifyDBInstance (rename back)',
    'aurora-cluster': 'DeleteDBCluster of the restored copy, ModifyDBCluster (rename back)',
    'dynamodb-table': 'RestoreTableFromBackup of the kept backup under the original name',
  },
};

/** The AWS operation behind a step of a kind, or undefined for a step that is not a resource step. */
export function awsOperation(kind: ResourceKind, step: string | undefined): string | undefined {
  return step ? OPERATIONS[step]?.[kind] : undefined;
}
