import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import type { PlanSummary } from '../../src/api/schemas/plans.js';
import type { AuditEntry, PlanStatus } from '../../src/domain/status.js';

/** The plans the cookbook test drives: the happy paths (API, CLI) and one per "something went wrong". */
export const PLAN_NAMES = [
  'main',
  'retry',
  'reject',
  'abort',
  'cli',
  'cliRetry',
  'cliReject',
  'cliAbort',
] as const;
export type PlanName = (typeof PLAN_NAMES)[number];

/** What a rule may look at after its command ran. */
export interface RuleContext {
  output: string;
  plan: string;
  /** The directory the command ran in (plan.json, and the files it wrote). */
  dir: string;
  statusOf(plan: string): Promise<PlanStatus>;
}

/**
 * One rule per README command: the plan it runs on, what that plan must wait for first (a
 * FailbackWaitingFor keyword or a stage, or to be listed by visibility), and what must follow.
 */
export interface Rule {
  match: RegExp;
  plan: PlanName;
  /** What the plan must wait for before the command: a FailbackWaitingFor keyword, or a stage. */
  before?: { waitingFor?: string; stage?: string; listed?: boolean };
  after?: (ctx: RuleContext) => Promise<void> | void;
}

const audited =
  (action: AuditEntry['action'], by: string, gate?: string) =>
  async ({ plan, statusOf }: RuleContext) => {
    const status = await statusOf(plan);
    expect(status.audit).toContainEqual(
      expect.objectContaining({ action, by, outcome: 'accepted', ...(gate ? { gate } : {}) }),
    );
  };
const accepted = ({ output }: RuleContext) => expect(JSON.parse(output)).toMatchObject({ accepted: true });

export const RULES: Rule[] = [
  {
    match: /\/v1\/preflight"/,
    plan: 'main',
    after: ({ output: out }) => expect(JSON.parse(out)).toMatchObject({ ok: true }),
  },
  {
    match: /-X POST "\$API\/v1\/plans" /,
    plan: 'main',
    after: ({ output: out, plan }) =>
      expect(JSON.parse(out)).toMatchObject({ planId: plan, workflowId: `failback-${plan}` }),
  },
  {
    match: /"\$API\/v1\/plans\?/,
    plan: 'main',
    before: { listed: true },
    after: ({ output: out, plan }) =>
      expect(JSON.parse(out).plans.map((p: PlanSummary) => p.planId)).toContain(plan),
  },
  {
    match: /"\$API\/v1\/plans\/\$PLAN" -H/,
    plan: 'main',
    after: ({ output: out, plan }) =>
      expect(JSON.parse(out)).toMatchObject({ planId: plan, status: { planId: plan } }),
  },
  {
    match: /approvals.*\n.*\n.*"gate":"primary-ready","decision":"approve"/,
    plan: 'main',
    before: { waitingFor: 'gate:primary-ready' },
    after: accepted,
  },
  {
    match: /"gate":"test-failback","decision":"approve"/,
    plan: 'main',
    before: { waitingFor: 'gate:test-failback' },
    after: accepted,
  },
  {
    match: /\/maintenance-window"/,
    plan: 'main',
    before: { waitingFor: 'maintenance-window' },
    after: accepted,
  },
  { match: /"gate":"failback","decision":"approve"/, plan: 'main', after: accepted },
  { match: /\/dns-cutover"/, plan: 'main', before: { waitingFor: 'dns-cutover' }, after: accepted },
  {
    match: /"gate":"primary-validated","decision":"approve"/,
    plan: 'main',
    before: { waitingFor: 'gate:primary-validated' },
    after: accepted,
  },
  { match: /\/retry"/, plan: 'retry', before: { waitingFor: 'operator' }, after: accepted },
  {
    match: /"decision":"reject"/,
    plan: 'reject',
    before: { waitingFor: 'gate:test-failback' },
    after: accepted,
  },
  { match: /\/abort"/, plan: 'abort', after: accepted },
  {
    match: /report\?format=markdown/,
    plan: 'main',
    before: { stage: 'completed' },
    after: ({ dir, plan }) => {
      const markdown = readFileSync(path.join(dir, `failback-${plan}.md`), 'utf8');
      expect(markdown).toContain(`# Failback report: ${plan}`);
      expect(markdown).toMatch(/\| RTO to primary validated \| \S+Z \| \S+Z \| [\d.]+ s \|/);
    },
  },
  {
    match: /\/report" -H/,
    plan: 'main',
    after: ({ output: out }) =>
      expect(JSON.parse(out)).toMatchObject({ outcome: { result: 'completed' }, dataChecks: { failed: 0 } }),
  },
  {
    match: /\/healthz"/,
    plan: 'main',
    after: ({ output: out }) => expect(JSON.parse(out)).toEqual({ status: 'ok' }),
  },
  {
    match: /\/readyz"/,
    plan: 'main',
    after: ({ output: out }) => expect(JSON.parse(out)).toMatchObject({ status: 'ready' }),
  },
  {
    match: /\/metrics"/,
    plan: 'main',
    after: ({ output: out }) => expect(out).toContain('failback_api_requests_total{'),
  },
  {
    match: /\/openapi\.json"/,
    plan: 'main',
    after: ({ dir }) =>
      expect(JSON.parse(readFileSync(path.join(dir, 'openapi.json'), 'utf8')).openapi).toBe('3.1.0'),
  },
  {
    match: /^printf /,
    plan: 'cli',
    after: ({ dir, plan }) =>
      expect(JSON.parse(readFileSync(path.join(dir, 'plan-input.json'), 'utf8'))).toMatchObject({
        spec: { planId: plan },
        startedBy: 'olga',
      }),
  },
  {
    match: /temporal workflow start /,
    plan: 'cli',
    after: ({ output: out, plan }) => expect(out).toContain(`failback-${plan}`),
  },
  {
    match: /list --query 'FailbackStage="awaiting-primary-ready"'/,
    plan: 'cli',
    before: { waitingFor: 'gate:primary-ready', listed: true },
    after: ({ output: out, plan }) => expect(out).toContain(`failback-${plan}`),
  },
  {
    match: /list --query 'FailbackWaitingFor="gate:primary-ready"/,
    plan: 'cli',
    after: ({ output: out, plan }) => expect(out).toContain(`failback-${plan}`),
  },
  {
    match: /list --query "FailbackPlanId=/,
    plan: 'cli',
    after: ({ output: out, plan }) => expect(out).toContain(`failback-${plan}`),
  },
  {
    match: /list --query 'WorkflowType="failbackPlan"/,
    plan: 'cli',
    after: ({ output: out, plan }) => expect(out).toContain(`failback-${plan}`),
  },
  {
    match: /workflow query /,
    plan: 'cli',
    after: ({ output: out, plan }) => {
      expect(out).toMatch(new RegExp(`"planId":\\s*"${plan}"`));
      expect(out).toMatch(/"stage":\s*"awaiting-primary-ready"/);
    },
  },
  {
    match: /workflow describe /,
    plan: 'cli',
    after: ({ output: out, plan }) => expect(out).toContain(`failback-${plan}`),
  },
  {
    match: /--name approve \\\n.*"gate":"primary-ready"/,
    plan: 'cli',
    before: { waitingFor: 'gate:primary-ready' },
    after: audited('approve', 'anna', 'primary-ready'),
  },
  {
    match: /--name approve --input '\{"gate":"test-failback"/,
    plan: 'cli',
    before: { waitingFor: 'gate:test-failback' },
    after: audited('approve', 'anna', 'test-failback'),
  },
  {
    match: /--name setMaintenanceWindow/,
    plan: 'cli',
    before: { waitingFor: 'maintenance-window' },
    after: audited('setMaintenanceWindow', 'olga'),
  },
  {
    match: /update execute .*--name approveGate/,
    plan: 'cli',
    after: ({ output: out }) => expect(out).toContain('gate failback approved'),
  },
  {
    match: /--name dnsCutoverComplete/,
    plan: 'cli',
    before: { waitingFor: 'dns-cutover' },
    after: audited('dnsCutoverComplete', 'anna'),
  },
  {
    match: /--name approve --input '\{"gate":"primary-validated"/,
    plan: 'cli',
    before: { waitingFor: 'gate:primary-validated' },
    after: audited('approve', 'anna', 'primary-validated'),
  },
  {
    match: /--name retry /,
    plan: 'cliRetry',
    before: { waitingFor: 'operator' },
    after: audited('retry', 'olga'),
  },
  {
    match: /--name reject /,
    plan: 'cliReject',
    before: { waitingFor: 'gate:test-failback' },
    after: audited('reject', 'anna', 'test-failback'),
  },
  { match: /--name abort /, plan: 'cliAbort', after: audited('abort', 'olga') },
];
