import type { ResourceKindModule } from '../resource-kind.js';
import { cleanupIntermediates, concludeRecovery, removeTestCopy } from './cleanup.js';
import { compensate } from './compensate.js';
import { preflightTable } from './preflight.js';
import { quiesceTable } from './quiesce.js';
import { copyRecoveryPoint, takeRecoveryPoint } from './recovery-point.js';
import { restoreTable } from './restore.js';
import { resolveSelection } from './selection.js';
import { verifyTable } from './verify.js';

/**
 * DynamoDB tables (DESIGN.md §4): backup restore within one account, S3 export + import across
 * accounts, or a parallel scan copy; the old primary table is backed up (kept) and replaced.
 */
export const dynamodbTable: ResourceKindModule = {
  kind: 'dynamodb-table',
  resolveSelection,
  preflight: preflightTable,
  quiesce: quiesceTable,
  takeRecoveryPoint,
  copyRecoveryPoint,
  restore: restoreTable,
  verify: verifyTable,
  removeTestCopy,
  cleanupIntermediates,
  concludeRecovery,
  compensate,
};
