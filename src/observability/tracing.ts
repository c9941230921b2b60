import { trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as OtlpGrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { envDetectorSync, Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

type Env = Record<string, string | undefined>;

/**
 * OpenTelemetry traces, off unless the standard variables ask for them: OTEL_TRACES_EXPORTER
 * (`otlp` or `console`; `none` or unset: off) or an OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT,
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT); OTEL_SDK_DISABLED=true wins. The protocol is
 * OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL (`http/protobuf` by default, `http/json`, `grpc`); headers,
 * timeouts, OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES are read by the SDK as usual.
 */
export function tracesExporterFromEnv(env: Env = process.env): SpanExporter | undefined {
  if (env.OTEL_SDK_DISABLED?.toLowerCase() === 'true') return undefined;
  const named = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e && e !== 'none');
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (named.length === 0 && !endpoint) return undefined;
  const kind = named[0] ?? 'otlp';
  if (kind === 'console') return new ConsoleSpanExporter();
  if (kind !== 'otlp')
    throw new Error(`OTEL_TRACES_EXPORTER=${kind} is not supported here (otlp, console, none)`);
  const protocol =
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf';
  switch (protocol) {
    case 'http/protobuf':
      return new OtlpProtoExporter();
    case 'http/json':
      return new OtlpJsonExporter();
    case 'grpc':
      return new OtlpGrpcExporter();
    default:
      throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not one of http/protobuf, http/json, grpc`);
  }
}

export interface Tracing {
  tracer: Tracer;
  resource: Resource;
  /** The processor of every span, workflow spans (sent through the worker's sink) included. */
  spanProcessor: SpanProcessor;
  /** Flushes what is buffered and stops exporting (on shutdown). */
  shutdown(): Promise<void>;
}

/**
 * Installs the global tracer provider (async-hooks context, W3C trace-context propagation) when the
 * environment asks for traces; undefined otherwise, and nothing is installed.
 */
export function startTracing(serviceName: string, env: Env = process.env): Tracing | undefined {
  const exporter = tracesExporterFromEnv(env);
  if (!exporter) return undefined;
  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME || serviceName }).merge(
    envDetectorSync.detect(),
  );
  const spanProcessor = new BatchSpanProcessor(exporter);
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  return {
    tracer: trace.getTracer('failback-orchestrator'),
    resource,
    spanProcessor,
    shutdown: () => provider.shutdown(),
  };
}
