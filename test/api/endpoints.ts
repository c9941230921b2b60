import type { ApiRole } from '../../src/config/index.js';
import type { PlanSpec } from '../../src/domain/plan-spec.js';
import { validSpec } from '../support/specs.js';

export interface Endpoint {
  method: 'GET' | 'POST';
  /** `{planId}` is replaced by the test. */
  url: string;
  role: ApiRole;
  /** A body that passes validation (per-plan endpoints then answer 404 for an unknown plan). */
  body?: unknown;
  perPlan: boolean;
}

/** A spec that passes the schema but breaks a plan rule: reaches the handler, starts nothing (400). */
export function specBreakingARule(): PlanSpec {
  const spec = validSpec();
  spec.recovery = { ...spec.recovery, accountId: spec.primary.accountId, region: spec.primary.region };
  spec.recovery.roleArn = `arn:aws:iam::${spec.primary.accountId}:role/dr-recovery`;
  return spec;
}

const future = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

/** Every endpoint of DESIGN.md §2 that needs a token, with its role. */
export const ENDPOINTS: Endpoint[] = [
  { method: 'POST', url: '/v1/plans', role: 'operator', body: specBreakingARule(), perPlan: false },
  { method: 'POST', url: '/v1/preflight', role: 'operator', body: specBreakingARule(), perPlan: false },
  { method: 'GET', url: '/v1/plans', role: 'viewer', perPlan: false },
  { method: 'GET', url: '/v1/plans/{planId}', role: 'viewer', perPlan: true },
  {
    method: 'POST',
    url: '/v1/plans/{planId}/approvals',
    role: 'approver',
    body: { gate: 'primary-ready', decision: 'approve' },
    perPlan: true,
  },
  {
    method: 'POST',
    url: '/v1/plans/{planId}/maintenance-window',
    role: 'operator',
    body: { start: future(24), end: future(26) },
    perPlan: true,
  },
  { method: 'POST', url: '/v1/plans/{planId}/dns-cutover', role: 'approver', body: {}, perPlan: true },
  { method: 'POST', url: '/v1/plans/{planId}/dns-rollback', role: 'approver', body: {}, perPlan: true },
  { method: 'POST', url: '/v1/plans/{planId}/retry', role: 'operator', body: {}, perPlan: true },
  {
    method: 'POST',
    url: '/v1/plans/{planId}/abort',
    role: 'operator',
    body: { reason: 'test' },
    perPlan: true,
  },
  { method: 'GET', url: '/v1/plans/{planId}/report', role: 'viewer', perPlan: true },
];

export const label = (e: Endpoint) => `${e.method} ${e.url}`;
