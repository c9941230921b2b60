import { ApplicationFailure } from '@temporalio/common';
import type { ResourceKind } from '../../domain/contract.js';
import { auroraClusterKind } from './aurora-cluster/index.js';
import { dynamodbTable } from './dynamodb-table/index.js';
import { ec2InstanceKind } from './ec2-instance/index.js';
import { rdsInstanceKind } from './rds-instance/index.js';
import type { ResourceKindModule } from './resource-kind.js';

/** Every resource kind the worker can fail back: adding a kind is adding its module here. */
const MODULES: ResourceKindModule[] = [
  // snapshot-based kinds (AMIs, DB and cluster snapshots)
  ec2InstanceKind,
  rdsInstanceKind,
  auroraClusterKind,
  // backup/export-based
  dynamodbTable,
];

const byKind = new Map<ResourceKind, ResourceKindModule>(MODULES.map((m) => [m.kind, m]));

export function kindModule(kind: ResourceKind): ResourceKindModule {
  const module = byKind.get(kind);
  if (!module)
    throw ApplicationFailure.nonRetryable(
      `this worker has no module for resource kind ${kind}`,
      'InvalidParameter',
    );
  return module;
}

export function allKindModules(): ResourceKindModule[] {
  return [...byKind.values()];
}
