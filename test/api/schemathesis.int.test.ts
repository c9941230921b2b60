import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSchemathesis } from '../../scripts/fuzz/schemathesis.js';
import { REPO_ROOT } from '../../scripts/stack/paths.js';
import { startTestApi, TOKENS, type TestApi } from '../support/api.js';
import { startTestWorker, uniqueTaskQueue, type RunningWorker } from '../support/temporal.js';

/**
 * The bounded form of `npm run test:fuzz`: schemathesis against /openapi.json of the real API (real
 * Temporal, a product worker, the emulator) with an operator's and an approver's token. It must find
 * no server error and nothing the OpenAPI document does not declare (status, content type, schema).
 */
let api: TestApi;
let worker: RunningWorker;
let url: string;

beforeAll(async () => {
  const taskQueue = uniqueTaskQueue('fuzz');
  worker = await startTestWorker(taskQueue);
  api = await startTestApi(taskQueue);
  url = await api.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await api?.close();
  await worker?.stop();
});

describe('schemathesis against the OpenAPI document (bounded)', () => {
  for (const role of ['operator', 'approver'] as const) {
    it(`finds no failure with an ${role} token`, async () => {
      const result = await runSchemathesis({
        openapiUrl: `${url}/openapi.json`,
        label: `bounded-${role}`,
        token: TOKENS[role].token,
        maxTimeSeconds: 45,
        maxExamples: 8,
        reportDir: path.join(REPO_ROOT, 'test-results', 'fuzz'),
        log: (line) => process.env.FAILBACK_FUZZ_VERBOSE && process.stderr.write(`${line}\n`),
      });
      expect(result.exitCode, result.summary).toBe(0);
      const cases = /Test cases:\s+(\d+) generated, (\d+) passed/.exec(result.summary);
      expect(cases, result.summary).not.toBeNull();
      expect(Number(cases![1])).toBeGreaterThan(100);
      expect(cases![2]).toBe(cases![1]);
    }, 300_000);
  }
});
