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

  /**
   * RDS cannot stop an instance while it is being snapshotted, and stopping it would not make the
   * snapshot more consistent than RDS's own crash-consistent snapshot does. The application is
   * quiesced by the maintenance window (no production traffic); this records when, so verify can
   * prove the recovery point was taken after it.
   */
  async quiesce() {
    return { quiescedAt: new Date().toISOString(), stopped: false };
  },

  takeRecoveryPoint: (ctx) => takeDbRecoveryPoint(ctx, dbSnapshotApi),
  copyRecoveryPoint: (ctx, recoveryPoint) => copyDbRecoveryPoint(ctx, dbSnapshotApi, recoveryPoint),
  restore: (ctx, copy) => restoreDbInstance(ctx, copy),
  verify: withConfiguration(verifyDbInstance, rdsConfiguration),
  removeTestCopy: removeDbTestCopy,
  cleanupIntermediates: cleanupDbIntermediates,
  concludeRecovery: concludeDbInstance,
  compensate: compensateDbInstance,
};
