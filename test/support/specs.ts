import type { PlanSpec } from '../../src/domain/plan-spec.js';
import { TEST_EXTERNAL_ID } from './aws.js';

/** The design's example plan spec (DESIGN.md §2), valid as is; tests change what they need. */
export const validSpec = (): PlanSpec => ({
  planId: 'shop-2026-11',
  application: 'shop',
  primary: {
    accountId: '111111111111',
    region: 'us-east-1',
    roleArn: 'arn:aws:iam::111111111111:role/failback-access',
    externalId: TEST_EXTERNAL_ID,
    bootstrapRoleArn: 'arn:aws:iam::111111111111:role/dr-standing',
  },
  recovery: {
    accountId: '222222222222',
    region: 'us-west-2',
    roleArn: 'arn:aws:iam::222222222222:role/dr-recovery',
  },
  resources: [
    { kind: 'rds-instance', source: 'shop-db', target: 'shop-db' },
    { kind: 'dynamodb-table', source: 'orders', target: 'orders' },
  ],
  maintenanceWindow: { start: '2026-11-28T02:00:00Z', end: '2026-11-28T04:00:00Z' },
  dnsCutover: { mode: 'manual' },
});
