import type { ResourceKindModule } from '../resource-kind.js';
import { withConfiguration } from '../shared/configuration.js';
import { auroraConfiguration } from '../shared/db-configuration.js';
import { copyDbRecoveryPoint } from '../shared/db-snapshots.js';
import {
  cleanupClusterIntermediates,
  compensateCluster,
  concludeCluster,
  removeClusterTestCopy,
  takeClusterRecoveryPoint,
  verifyCluster,
} from './lifecycle.js';
import { preflightCluster, resolveClusters } from './preflight.js';
import { quiesceCluster } from './quiesce.js';
import { restoreCluster } from './restore.js';
import { clusterSnapshotApi } from './snapshot-api.js';

/**
 * Aurora DB clusters (DESIGN.md §4): CreateDBClusterSnapshot → share → CopyDBClusterSnapshot into
 * primary → rename the old cluster and its instances → RestoreDBClusterFromSnapshot → CreateDBInstance
 * for the writer and each reader the source had → available.
 */
export const auroraClusterKind: ResourceKindModule = {
  kind: 'aurora-cluster',
  resolveSelection: resolveClusters,
  preflight: preflightCluster,

  quiesce: quiesceCluster,

  takeRecoveryPoint: (ctx) => takeClusterRecoveryPoint(ctx),
  copyRecoveryPoint: (ctx, recoveryPoint) => copyDbRecoveryPoint(ctx, clusterSnapshotApi, recoveryPoint),
  restore: restoreCluster,
  verify: withConfiguration(verifyCluster, auroraConfiguration),
  removeTestCopy: removeClusterTestCopy,
  cleanupIntermediates: cleanupClusterIntermediates,
  concludeRecovery: concludeCluster,
  compensate: compensateCluster,
};
