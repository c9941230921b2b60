import type { ResourceKindModule } from '../resource-kind.js';
import { withConfiguration } from '../shared/configuration.js';
import { ec2Configuration } from './configuration.js';
import {
  cleanupInstanceIntermediates,
  compensateInstance,
  concludeInstance,
  removeInstanceTestCopy,
  verifyInstance,
} from './lifecycle.js';
import { preflightInstance, resolveInstances } from './preflight.js';
import { copyImage, quiesceInstance, takeImage } from './recovery-point.js';
import { launchInstance } from './restore.js';

/**
 * EC2 instances (DESIGN.md §4): CreateImage (the failback stopped the instance first; the test copy
 * uses NoReboot) → share the AMI and its snapshots with primary's account → CopyImage into primary
 * (primary's key, ClientToken) → RunInstances (ClientToken) with the mapped network → the old primary
 * instance is stopped and tagged retired, never terminated.
 */
export const ec2InstanceKind: ResourceKindModule = {
  kind: 'ec2-instance',
  resolveSelection: resolveInstances,
  preflight: preflightInstance,
  quiesce: quiesceInstance,
  takeRecoveryPoint: (ctx) => takeImage(ctx),
  copyRecoveryPoint: copyImage,
  restore: (ctx, copy) => launchInstance(ctx, copy),
  verify: withConfiguration(verifyInstance, ec2Configuration),
  removeTestCopy: removeInstanceTestCopy,
  cleanupIntermediates: cleanupInstanceIntermediates,
  concludeRecovery: concludeInstance,
  compensate: compensateInstance,
};
