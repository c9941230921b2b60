import { Client, Connection } from '@temporalio/client';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../api/app.js';
import { PlanGateway } from '../api/temporal/plans.js';
import { validSpec } from '../../test/support/specs.js';
import { bearer, TOKENS } from '../../test/support/api.js';
import {
  ACCESS_LIMITS,
  accessGrantProblems,
  accessLimitFindings,
  checkAccessLimits,
} from './access-limits.js';
import { checkPlanRules } from './plan-rules.js';
import type { PlanSpec, ResourceSpec } from './plan-spec.js';

const keyArn = (i: number, account = '111111111111') =>
  `arn:aws:kms:us-east-1:${account}:key/${String(i).padStart(8, '0')}-0000-0000-0000-000000000000`;
const roleArn = (i: number) => `arn:aws:iam::111111111111:role/app/instance-${i}`;
const many = <T>(n: number, f: (i: number) => T) => Array.from({ length: n }, (_, i) => f(i));
const grants = (over: Partial<Record<string, string[]>> = {}) => ({
  primaryKmsKeyArns: [],
  recoveryKmsKeyArns: [],
  exportBuckets: [],
  instanceRoleArns: [],
  monitoringRoleArns: [],
  ...over,
});
const tables = (buckets: number): ResourceSpec[] =>
  many(buckets, (i) => ({
    kind: 'dynamodb-table' as const,
    source: `table-${i}`,
    target: `table-${i}`,
    options: { exportBucket: `bucket-${i}` },
  }));

describe('what the access stack is sized for', () => {
  it('grants at the limits pass; one more of each is a problem naming the limit and the fix', () => {
    const at = grants({
      primaryKmsKeyArns: many(ACCESS_LIMITS.primaryKmsKeys, (i) => keyArn(i)),
      recoveryKmsKeyArns: many(ACCESS_LIMITS.recoveryKmsKeys, (i) => keyArn(i, '222222222222')),
      exportBuckets: many(ACCESS_LIMITS.exportBuckets, (i) => `bucket-${i}`),
      instanceRoleArns: many(ACCESS_LIMITS.instanceRoles, roleArn),
      monitoringRoleArns: many(ACCESS_LIMITS.monitoringRoles, (i) => roleArn(100 + i)),
    });
    expect(accessGrantProblems(at)).toEqual([]);
    const over = grants({
      primaryKmsKeyArns: many(ACCESS_LIMITS.primaryKmsKeys + 1, (i) => keyArn(i)),
      recoveryKmsKeyArns: many(ACCESS_LIMITS.recoveryKmsKeys + 1, (i) => keyArn(i, '222222222222')),
      exportBuckets: many(ACCESS_LIMITS.exportBuckets + 1, (i) => `bucket-${i}`),
      instanceRoleArns: many(ACCESS_LIMITS.instanceRoles + 1, roleArn),
      monitoringRoleArns: many(ACCESS_LIMITS.monitoringRoles + 1, (i) => roleArn(100 + i)),
    });
    const problems = accessGrantProblems(over);
    expect(problems.map((p) => p.field)).toEqual([
      'primaryKmsKeyArns',
      'recoveryKmsKeyArns',
      'exportBuckets',
      'instanceRoleArns',
      'monitoringRoleArns',
    ]);
    expect(problems[0]!.message).toBe(
      `the plan needs 17 primary KMS keys; the access stack's role is sized for at most 16 ` +
        `(ACCESS_LIMITS.primaryKmsKeys: IAM's 6,144-character managed policy quota). ` +
        `Fix: split the plan into several plans, each with fewer resources, or use fewer keys`,
    );
    expect(problems[3]!.message).toContain('ACCESS_LIMITS.instanceRoles');
  });

  it("counts the spec's primary key beside the found ones, once", () => {
    const found = grants({ primaryKmsKeyArns: many(ACCESS_LIMITS.primaryKmsKeys, (i) => keyArn(i)) });
    expect(accessGrantProblems(found, keyArn(0))).toEqual([]);
    expect(accessGrantProblems(found, 'alias/failback')).toEqual([]);
    expect(accessGrantProblems(found, keyArn(99)).map((p) => p.field)).toEqual(['primaryKmsKeyArns']);
  });

  it('a key ARN or role ARN past its length is a problem', () => {
    const longKey = `arn:aws:kms:us-east-1:111111111111:key/${'k'.repeat(70)}`;
    const longRole = `arn:aws:iam::111111111111:role/${'p/'.repeat(120)}r`;
    expect(longKey.length).toBeGreaterThan(ACCESS_LIMITS.kmsKeyArnLength);
    expect(longRole.length).toBeGreaterThan(ACCESS_LIMITS.roleArnLength);
    const problems = accessGrantProblems(
      grants({ recoveryKmsKeyArns: [longKey], monitoringRoleArns: [longRole] }),
    );
    expect(problems).toEqual([
      { field: 'recoveryKmsKeyArns', message: expect.stringContaining(`${longKey} is 109 characters`) },
      {
        field: 'monitoringRoleArns',
        message: expect.stringContaining(`of at most ${ACCESS_LIMITS.roleArnLength}`),
      },
    ]);
  });

  it("the RDS names past one CloudFormation parameter's 4,096 bytes are a problem, at the bound none", () => {
    const arn = (i: number) =>
      `arn:aws:rds:eu-west-1:111111111111:db:${'d'.repeat(50)}${String(i).padStart(4, '0')}`;
    const fitting = Math.floor((ACCESS_LIMITS.rdsResourceArnChars + 1) / (arn(0).length + 1));
    expect(accessGrantProblems(grants({ rdsResourceArns: many(fitting, arn) }))).toEqual([]);
    expect(accessGrantProblems(grants({ rdsResourceArns: many(fitting + 1, arn) }))).toEqual([
      { field: 'rdsResourceArns', message: expect.stringContaining('ACCESS_LIMITS.rdsResourceArnChars') },
    ]);
  });

  it('preflight: a blocking quota finding with the fix when the plan creates the stack; none for an own access role', () => {
    const spec = validSpec();
    const found = grants({ instanceRoleArns: many(ACCESS_LIMITS.instanceRoles + 1, roleArn) });
    expect(accessLimitFindings(spec, found)).toEqual([
      {
        severity: 'error',
        check: 'quota',
        message: expect.stringMatching(
          /^access stack: the plan needs 17 instance profile roles.*Fix: split the plan/,
        ),
      },
    ]);
    expect(accessLimitFindings(spec, grants())).toEqual([]);
    const { bootstrapRoleArn: _, ...own } = spec.primary;
    expect(accessLimitFindings({ ...spec, primary: own }, found)).toEqual([]);
  });

  it("the spec's part: its primary key ARN and its distinct export buckets, as field errors of the plan rules", () => {
    const spec: PlanSpec = validSpec();
    spec.resources = [...tables(ACCESS_LIMITS.exportBuckets), ...tables(3)]; // repeated buckets count once
    spec.resources = spec.resources.map((r, i) => ({ ...r, source: `source-${i}`, target: `target-${i}` }));
    expect(checkAccessLimits(spec)).toEqual([]);
    spec.resources.push({
      kind: 'dynamodb-table',
      source: 'extra',
      target: 'extra',
      options: { exportBucket: 'one-too-many' },
    });
    spec.primary.kmsKeyId = `arn:aws:kms:us-east-1:111111111111:key/${'k'.repeat(70)}`;
    const errors = checkPlanRules(spec);
    expect(errors).toEqual([
      { path: '/primary/kmsKeyId', message: expect.stringContaining('ACCESS_LIMITS.kmsKeyArnLength') },
      {
        path: `/resources/${spec.resources.length - 1}/options/exportBucket`,
        message: expect.stringContaining('at most 20 distinct export buckets'),
      },
    ]);
  });

  it("counts the plan's own bucket for a table pinned to export-import without a bucket of its own", () => {
    const spec: PlanSpec = validSpec();
    const pinned = (n: number) => ({
      kind: 'dynamodb-table' as const,
      source: `pinned-${n}`,
      target: `pinned-${n}`,
      options: { copyMethod: 'export-import' as const },
    });
    spec.resources = [...tables(ACCESS_LIMITS.exportBuckets - 1), pinned(1), pinned(2)];
    spec.resources = spec.resources.map((r, i) => ({ ...r, source: `source-${i}`, target: `target-${i}` }));
    expect(checkAccessLimits(spec)).toEqual([]); // 19 buckets of the customer's + the plan's = 20
    spec.resources.push({
      kind: 'dynamodb-table',
      source: 'extra',
      target: 'extra',
      options: { exportBucket: 'the-21st' },
    });
    expect(checkAccessLimits(spec)).toEqual([
      {
        path: `/resources/${spec.resources.length - 1}/options/exportBucket`,
        message: expect.stringContaining('at most 20 distinct export buckets'),
      },
    ]);
    // A table whose method preflight chooses is not counted here (preflight's finding covers it).
    spec.resources.pop();
    spec.resources.push({ kind: 'dynamodb-table', source: 'free', target: 'free' });
    expect(checkAccessLimits(spec)).toEqual([]);
  });

  it('POST /v1/plans past a limit: 400 with the field error naming it, before Temporal is asked', async () => {
    // Temporal is never reached: a lazy connection to a port nobody listens on.
    const connection = Connection.lazy({ address: '127.0.0.1:9', connectTimeout: '1 second' });
    const app = await buildApp({
      logger: pino({ level: 'silent' }),
      tokens: Object.values(TOKENS),
      gateway: new PlanGateway({
        client: new Client({ connection }),
        taskQueue: 'failback',
        rpcTimeoutMs: 1_000,
        serverTimeoutMs: 1_000,
      }),
      temporalReachable: () => Promise.resolve(false),
    });
    try {
      const spec = validSpec();
      spec.resources = tables(ACCESS_LIMITS.exportBuckets + 1);
      const response = await app.inject({
        method: 'POST',
        url: '/v1/plans',
        headers: bearer('operator'),
        payload: spec,
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(JSON.stringify(response.json())).toContain(
        `/resources/${ACCESS_LIMITS.exportBuckets}/options/exportBucket`,
      );
      expect(JSON.stringify(response.json())).toContain('ACCESS_LIMITS.exportBuckets');
    } finally {
      await app.close();
      await connection.close();
    }
  });
});
