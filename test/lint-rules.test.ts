import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The determinism rules for workflow code are part of the product: prove they bite.
const eslint = new ESLint();

async function ruleIds(code: string, filePath = 'src/workflows/example.ts'): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
}

describe('workflow lint rules', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';\nreadFileSync('x');", /Node built-ins/],
    ["import { createHash } from 'crypto';\ncreateHash('sha256');", /Node built-ins/],
    [
      "import { EC2Client } from '@aws-sdk/client-ec2';\nnew EC2Client({});",
      /AWS calls belong in activities/,
    ],
    ["import { probeEnvironment } from '../activities/probe.js';\nprobeEnvironment;", /activity types only/],
    ["import { Context } from '@temporalio/activity';\nContext;", /Activity APIs/],
    ["import { Client } from '@temporalio/client';\nClient;", /client/],
    ['export const x = Math.random();', /uuid4/],
    ['export const x = process.env.HOME;', /process/],
    ["export const x = fetch('http://example');", /activities/],
  ])('rejects %s', async (code, message) => {
    const messages = await ruleIds(code);
    expect(messages.join('\n')).toMatch(message);
  });

  it('accepts type-only imports of activities and the workflow SDK', async () => {
    const code = [
      "import { proxyActivities } from '@temporalio/workflow';",
      "import type { Activities } from '../activities/index.js';",
      "export const a = proxyActivities<Activities>({ startToCloseTimeout: '1 minute' });",
    ].join('\n');
    expect(await ruleIds(code)).toEqual([]);
  });

  it('leaves activity code free to use Node and the AWS SDK', async () => {
    const code = "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;";
    expect(await ruleIds(code, 'src/activities/example.ts')).toEqual([]);
  });
});
