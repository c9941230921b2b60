import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, waitUntil, type ManagedProcess } from '../scripts/stack/process.js';
import { startNodeService } from '../scripts/stack/services.js';
import { tracesExporterFromEnv } from '../src/observability/tracing.js';
import { eventually, newPlanId, TOKENS } from './support/api.js';
import { startOtlpReceiver } from './support/otlp-receiver.js';
import { validSpec } from './support/specs.js';
import { uniqueTaskQueue } from './support/temporal.js';

/**
 * OpenTelemetry through the standard OTEL_* variables: the API (its own process) and the worker (its
 * own process, bundling its workflows with the tracing interceptors) export to an OTLP endpoint on
 * 127.0.0.1, and one trace runs from the HTTP request into the plan workflow and its activity.
 */
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
const processes: ManagedProcess[] = [];
let api: string;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_NAMESPACE: inject('temporalNamespace'),
    FAILBACK_TASK_QUEUE: uniqueTaskQueue('traces'),
    FAILBACK_WORKER_METRICS_PORT: '0',
    FAILBACK_LOG_PRETTY: '0',
    FAILBACK_API_PORT: String(port),
    FAILBACK_API_TOKENS: JSON.stringify(Object.values(TOKENS)),
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '200',
  };
  delete env.FAILBACK_WORKFLOW_BUNDLE;
  processes.push(startNodeService('worker', 'src/main/worker.ts', env, 'tracing-worker.log'));
  processes.push(startNodeService('api', 'src/main/api.ts', env, 'tracing-api.log'));
  api = `http://127.0.0.1:${port}`;
  await waitUntil('API', async () => (await fetch(`${api}/healthz`)).ok, {
    timeoutMs: 60_000,
    process: processes[1]!,
  });
});
afterAll(async () => {
  for (const p of processes.reverse()) await p.stop();
  await receiver?.close();
});

describe('traces (OpenTelemetry, OTEL_* variables)', () => {
  it('are off unless the environment asks for them', () => {
    expect(tracesExporterFromEnv({})).toBeUndefined();
    expect(tracesExporterFromEnv({ OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
    expect(
      tracesExporterFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x', OTEL_SDK_DISABLED: 'true' }),
    ).toBeUndefined();
    expect(tracesExporterFromEnv({ OTEL_TRACES_EXPORTER: 'console' })).toBeDefined();
    expect(() => tracesExporterFromEnv({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(/not supported/);
  });

  it('follow a request from the API into the plan workflow and its activity, in one trace', async () => {
    const planId = newPlanId('traced');
    const started = await fetch(`${api}/v1/plans`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.operator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...validSpec(), planId }),
    });
    expect(started.status, await started.clone().text()).toBe(201);
    const request = await eventually(async () => {
      const span = receiver.spans.find((s) => s.service === 'failback-api' && s.name === 'POST /v1/plans');
      expect(span).toBeDefined();
      return span!;
    }, 30_000);
    expect(request.attributes).toMatchObject({ 'http.route': '/v1/plans', 'http.response.status_code': 201 });
    const inTrace = (service: string, name: string) =>
      receiver.spans.find((s) => s.traceId === request.traceId && s.service === service && s.name === name);
    const seen = () =>
      receiver.spans.map(
        (s) => `${s.service} ${s.name}${s.traceId === request.traceId ? '' : ' (other trace)'}`,
      );
    await eventually(async () => {
      expect(inTrace('failback-api', 'StartWorkflow:failbackPlan'), seen().join('\n')).toBeDefined();
      // Inside the workflow (its spans leave through the worker's sink); RunWorkflow ends with the plan.
      expect(inTrace('failback-worker', 'StartActivity:preflightPlan'), seen().join('\n')).toBeDefined();
      expect(inTrace('failback-worker', 'RunActivity:preflightPlan'), seen().join('\n')).toBeDefined();
    }, 60_000);
    expect(inTrace('failback-api', 'StartWorkflow:failbackPlan')!.parentSpanId).toBe(request.spanId);
    await fetch(`${api}/v1/plans/${planId}/abort`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKENS.operator.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'end of the tracing test' }),
    });
  }, 240_000);
});
