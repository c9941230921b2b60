import { createRequire } from 'node:module';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';
import type { Tracing } from './tracing.js';

const require = createRequire(import.meta.url);

/**
 * What the worker adds for traces: spans for every activity (continuing the workflow's trace), the
 * SDK's workflow interceptors (spans for workflow runs, signals, queries, Updates, and the trace
 * context carried to activities and children in headers), and the sink those workflow spans leave
 * the sandbox through. Headers are not part of what replay compares: plans already in flight replay
 * unchanged when tracing is switched on (src/workflows/replay.test.ts checks it).
 */
export function tracingWorkerOptions(tracing: Tracing) {
  const activity: ActivityInterceptorsFactory = (ctx) => ({
    inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer: tracing.tracer }),
    outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
  });
  return {
    activity: [activity],
    workflowModules: [otelWorkflowInterceptorsModule()],
    sinks: {
      exporter: makeWorkflowExporter(tracing.spanProcessor, tracing.resource),
    } as InjectedSinks<never>,
  };
}

/** The SDK's workflow interceptor module, for the worker's own bundle or bundleWorkflowCode. */
export function otelWorkflowInterceptorsModule(): string {
  return require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');
}
