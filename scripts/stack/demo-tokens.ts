import { randomBytes } from 'node:crypto';
import type { ApiRole, ApiToken } from '../../src/config/index.js';

const DEMO: Array<{ role: ApiRole; name: string }> = [
  { role: 'viewer', name: 'demo-viewer' },
  { role: 'operator', name: 'demo-operator' },
  { role: 'approver', name: 'demo-approver' },
];

/**
 * `npm start` without FAILBACK_API_TOKENS: one random token per role for this run only, so an operator
 * can use the API at once. The API itself never starts without tokens.
 */
export function demoTokens(): ApiToken[] {
  return DEMO.map(({ role, name }) => ({
    token: randomBytes(24).toString('base64url'),
    name,
    roles: [role],
  }));
}

/** The lines `npm start` prints: each token, then the exports the README's cookbook uses. */
export function describeDemoTokens(tokens: ApiToken[], apiUrl: string, temporalAddress: string): string[] {
  const byRole = (role: ApiRole) => tokens.find((t) => t.roles.includes(role))!.token;
  return [
    `  API tokens:     generated for this run (FAILBACK_API_TOKENS is not set):`,
    ...tokens.map((t) => `                    ${t.roles[0]!.padEnd(9)} ${t.name.padEnd(14)} ${t.token}`),
    '  For the README cookbook ("Operating a failback"):',
    `    export API=${apiUrl} TEMPORAL_ADDRESS=${temporalAddress}`,
    `    export OPERATOR_TOKEN=${byRole('operator')} APPROVER_TOKEN=${byRole('approver')} VIEWER_TOKEN=${byRole('viewer')}`,
  ];
}
