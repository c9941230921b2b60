import type { PlanSpec } from '../../src/domain/plan-spec.js';
import { DAY_MS, HOUR_MS, windowFrom } from '../../src/domain/window-times.js';
import { TEST_EXTERNAL_ID } from './aws.js';

/**
 * The design's example plan spec (DESIGN.md §2), valid as is on any day; tests change what they need.
 * Its maintenance window is tomorrow, two hours long, relative to `now` (the caller's clock).
 */
export const validSpec = (now: number = Date.now()): PlanSpec => ({
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
  maintenanceWindow: windowFrom(now, DAY_MS, DAY_MS + 2 * HOUR_MS),
  dnsCutover: { mode: 'manual' },
});
