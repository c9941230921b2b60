import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { PlanSummary } from '../src/api/schemas/plans.js';
import { eventually, newPlanId, startTestApi, type TestApi } from './support/api.js';
import { ARTIFACTS_DIR, launchChromium } from './support/browser.js';
import { validSpec } from './support/specs.js';
import { startTestWorker, uniqueTaskQueue, type RunningWorker } from './support/temporal.js';

let api: TestApi;
let worker: RunningWorker;
let browser: Awaited<ReturnType<typeof launchChromium>>;
const planId = newPlanId('webui');

beforeAll(async () => {
  const taskQueue = uniqueTaskQueue('web-ui');
  worker = await startTestWorker(taskQueue);
  api = await startTestApi(taskQueue);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.dispose();
  await api?.close();
  await worker?.stop();
});

/** The plan's stage as visibility has it now (what the Web UI reads too). */
async function visibleStage(): Promise<string | null> {
  const response = await api.request('viewer', { method: 'GET', url: `/v1/plans?pageSize=200` });
  return response.json<{ plans: PlanSummary[] }>().plans.find((p) => p.planId === planId)?.stage ?? null;
}

describe('the Temporal Web UI in a real browser', () => {
  it('finds a running plan by FailbackPlanId and shows its stage', async () => {
    const started = await api.request('operator', {
      method: 'POST',
      url: '/v1/plans',
      payload: { ...validSpec(), planId, application: 'webshop', maintenanceWindow: undefined },
    });
    expect(started.statusCode, started.body).toBe(201);
    await eventually(async () => expect(await visibleStage()).not.toBeNull());

    const page = await browser.newPage();
    const query = encodeURIComponent(`FailbackPlanId="${planId}"`);
    await page.goto(
      `${inject('temporalUiUrl')}/namespaces/${inject('temporalNamespace')}/workflows?query=${query}`,
    );
    // Exactly our plan is listed, running.
    const link = page.getByRole('link', { name: `failback-${planId}` });
    await link.first().waitFor({ timeout: 30_000 });
    expect(await link.count()).toBe(1);
    await expect.poll(() => page.innerText('main')).toMatch(/1\s*–\s*1\s*of 1/);
    expect(await page.innerText('main')).toContain('RUNNING');

    await link.click();
    await page.getByRole('tab', { name: 'Search Attributes' }).click();
    const attributes = page.locator('main').getByText('"FailbackStage"').locator('..');
    await attributes.waitFor({ timeout: 30_000 });

    // The stage can move on while we look: the page and visibility must agree at some moment.
    await expect
      .poll(
        async () => {
          await page.reload();
          // The UI renders after the reload: wait for the attributes before reading them.
          await page
            .locator('main')
            .getByText('"FailbackStage"')
            .first()
            .waitFor({ timeout: 20_000 })
            .catch(() => undefined);
          const text = await page.innerText('main');
          const shown = /"FailbackStage":\s*"([a-z-]+)"/.exec(text)?.[1];
          return {
            shown,
            planIdShown: text.includes(`"FailbackPlanId": "${planId}"`),
            actual: await visibleStage(),
          };
        },
        { timeout: 90_000, interval: 1_000 },
      )
      .toMatchObject({ shown: expect.any(String), planIdShown: true });
    const text = await page.innerText('main');
    const shown = /"FailbackStage":\s*"([a-z-]+)"/.exec(text)![1];
    expect(shown).toBe(await visibleStage());
    expect(text).toContain('"FailbackApplication": "webshop"');

    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, `plan-${planId}.png`), fullPage: true });
    await page.close();
  });

  it('tells the plan on its page: summary, current details, the activities’ summaries', async () => {
    // The plan meets no such resources in the emulator: it parks in needs-attention after preflight.
    await eventually(async () => expect(await visibleStage()).toBe('needs-attention'), 60_000);
    const detail = await api.request('viewer', { method: 'GET', url: `/v1/plans/${planId}` });
    const { runId } = detail.json<{ runId: string }>();
    const page = await browser.newPage();
    const base = `${inject('temporalUiUrl')}/namespaces/${inject('temporalNamespace')}/workflows/failback-${planId}/${runId}`;

    // The event history: the activity's summary says what it does against AWS.
    await page.goto(`${base}/history`);
    await expect
      .poll(() => page.innerText('main'), { timeout: 30_000 })
      .toContain('Preflight: resolve resources, check access and conflicts (read-only)');

    // User Metadata: the static summary of the start, and the workflow's Markdown current details.
    // On a busy machine the UI can render the tab before its data arrives: open it again until it has.
    const detailsText = async () => {
      const texts = [await page.innerText('main')];
      for (const frame of page.frames()) texts.push(await frame.innerText('body').catch(() => ''));
      return texts.join('\n');
    };
    await expect
      .poll(
        async () => {
          await page.goto(`${base}/history`);
          await page.getByRole('tab', { name: 'User Metadata' }).click();
          await page
            .locator('main')
            .getByText('Failback of webshop')
            .first()
            .waitFor({ timeout: 15_000 })
            .catch(() => undefined);
          return detailsText();
        },
        { timeout: 120_000, interval: 1_000 },
      )
      .toMatch(/Failback of webshop: 2 resource\(s\)[\s\S]*Failback plan webui/);
    const text = await detailsText();
    expect(text).toMatch(/Stage:\s*needs-attention/);
    expect(text).toMatch(/Needs attention:\s*preflight failed/);
    expect(text).toContain(`temporal workflow signal --workflow-id failback-${planId} --name retry`);
    expect(text).toContain(`$API/v1/plans/${planId}/retry`);
    expect(text).toContain('Latest errors');

    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, `plan-${planId}-details.png`), fullPage: true });
    await page.close();
  });
});
