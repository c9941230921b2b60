import type { ResourceKindModule } from '../resource-kind.js';
import { withConfiguration } from '../shared/configuration.js';
import { rdsConfiguration } from '../shared/db-configuration.js';
import { copyDbRecoveryPoint, takeDbRecoveryPoint } from '../shared/db-snapshots.js';
import {
  cleanupDbIntermediates,
  compensateDbInstance,
  concludeDbInstance,
  removeDbTestCopy,
  verifyDbInstance,
} from './lifecycle.js';
import { preflightDbInstance, resolveDbInstances } from './preflight.js';
import { quiesceDbInstance } from './quiesce.js';
import { restoreDbInstance } from './restore.js';
import { dbSnapshotApi } from './snapshot-api.js';

/**
 * RDS DB instances (DESIGN.md §4): CreateDBSnapshot → share (restore attribute) → CopyDBSnapshot into
 * primary (primary's KMS key) → rename the old primary instance → RestoreDBInstanceFromDBSnapshot as
 * the target → available.
 */
export const rdsInstanceKind: ResourceKindModule = {
  kind: 'rds-instance',
  resolveSelection: resolveDbInstances,
  preflight: preflightDbInstance,

  quiesce: quiesceDbInstance,

  takeRecoveryPoint: (ctx) => takeDbRecoveryPoint(ctx, dbSnapshotApi),
  copyRecoveryPoint: (ctx, recoveryPoint) => copyDbRecoveryPoint(ctx, dbSnapshotApi, recoveryPoint),
  restore: (ctx, copy) => restoreDbInstance(ctx, copy),
  verify: withConfiguration(verifyDbInstance, rdsConfiguration),
  removeTestCopy: removeDbTestCopy,
  cleanupIntermediates: cleanupDbIntermediates,
  concludeRecovery: concludeDbInstance,
  compensate: compensateDbInstance,
};
