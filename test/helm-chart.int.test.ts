/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are arbitrary JSON, read by path in assertions */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse } from 'yaml';
import { REPO_ROOT } from '../scripts/stack/paths.js';
import { ensureGoTool, ensurePythonTool } from '../scripts/stack/tools.js';
import { HELM, KUBERNETES_VALIDATE } from '../scripts/stack/versions.js';

/**
 * deploy/helm/failback-orchestrator: `helm lint --strict`, rendered with the value sets an operator
 * uses (Temporal Cloud with an API key, mTLS, a profile file, monitoring on), every manifest validated
 * strictly against Kubernetes' own schemas (kubernetes-validate), and what the worker and the API
 * need checked in what was rendered. Helm is built from the Go module proxy, the validator from PyPI.
 */
const CHART = path.join(REPO_ROOT, 'deploy', 'helm', 'failback-orchestrator');
const KUBE = '1.33.0';
const dir = mkdtempSync(path.join(tmpdir(), 'helm-'));

function exec(binary: string, args: string[]) {
  const result = spawnSync(binary, args, { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, out: `${result.stdout}${result.stderr}`, stdout: result.stdout };
}

const helm = () => ensureGoTool(HELM);
const validator = () => ensurePythonTool(KUBERNETES_VALIDATE);

const VALUE_SETS: Record<string, string[]> = {
  defaults: [],
  cloudApiKey: [
    'temporal.address=failback.a1b2c.tmprl.cloud:7233',
    'temporal.namespace=failback.a1b2c',
    'temporal.apiKey.existingSecret=temporal-api-key',
  ],
  mtls: [
    'temporal.tls.enabled=true',
    'temporal.tls.existingSecret=temporal-mtls',
    'temporal.tls.caKey=ca.crt',
  ],
  profileAndMonitoring: [
    'temporal.profile.existingSecret=temporal-profile',
    'temporal.profile.name=prod',
    'otel.endpoint=http://otel-collector:4318',
    'monitoring.prometheusRule.enabled=true',
    'monitoring.serviceMonitor.enabled=true',
    'monitoring.grafanaDashboard.enabled=true',
  ],
};

function render(values: string[]): { file: string; docs: Array<Record<string, any>> } {
  const args = ['template', 'fb', CHART, '--kube-version', KUBE, ...values.flatMap((v) => ['--set', v])];
  const { code, out, stdout } = exec(helm(), args);
  expect(code, out).toBe(0);
  const file = path.join(dir, `${values.join('_').replace(/[^a-z0-9]+/gi, '-') || 'defaults'}.yaml`);
  writeFileSync(file, stdout);
  return {
    file,
    docs: parseAllDocuments(stdout)
      .map((d) => d.toJSON())
      .filter(Boolean),
  };
}

const byKind = (docs: Array<Record<string, any>>, kind: string, suffix = '') =>
  docs.find((d) => d.kind === kind && String(d.metadata.name).endsWith(suffix))!;
const envOf = (deployment: Record<string, any>) =>
  Object.fromEntries(
    (
      deployment.spec.template.spec.containers[0].env as Array<{
        name: string;
        value?: string;
        valueFrom?: unknown;
      }>
    ).map((e) => [e.name, e.value ?? e.valueFrom]),
  );

describe('the Helm chart (worker and API against an existing Temporal)', () => {
  it('passes helm lint --strict', () => {
    const { code, out } = exec(helm(), ['lint', CHART, '--strict', '--kube-version', KUBE]);
    expect(code, out).toBe(0);
    expect(out).toContain('0 chart(s) failed');
  }, 600_000);

  for (const [name, values] of Object.entries(VALUE_SETS)) {
    it(`renders manifests Kubernetes' schemas accept strictly (${name})`, () => {
      const { file, docs } = render(values);
      expect(docs.map((d) => d.kind)).toEqual(
        expect.arrayContaining(['Deployment', 'Service', 'PodDisruptionBudget']),
      );
      const { code, out } = exec(validator(), ['--strict', '-k', KUBE, file]);
      expect(code, out).toBe(0);
      expect(out).not.toMatch(/ERROR|failed/);
    }, 300_000);
  }

  it('gives the worker and the API what they need: Temporal, secrets, probes, a rollout that drains', () => {
    const { docs } = render(VALUE_SETS.cloudApiKey!);
    const worker = byKind(docs, 'Deployment', '-worker');
    const api = byKind(docs, 'Deployment', '-api');
    for (const d of [worker, api]) {
      expect(envOf(d)).toMatchObject({
        TEMPORAL_ADDRESS: 'failback.a1b2c.tmprl.cloud:7233',
        TEMPORAL_NAMESPACE: 'failback.a1b2c',
        FAILBACK_TASK_QUEUE: 'failback',
        TEMPORAL_API_KEY: { secretKeyRef: { name: 'temporal-api-key', key: 'api-key' } },
      });
      expect(d.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
      expect(d.spec.template.spec.securityContext.runAsNonRoot).toBe(true);
    }
    expect(envOf(worker)).toMatchObject({
      FAILBACK_WORKER_METRICS_HOST: '0.0.0.0',
      FAILBACK_WORKER_METRICS_PORT: '9464',
    });
    // Longer than the worker's own 10 s shutdown grace: in-flight activities end or hand over.
    expect(worker.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(10);
    expect(envOf(api)).toMatchObject({
      FAILBACK_API_HOST: '0.0.0.0',
      FAILBACK_API_TOKENS: { secretKeyRef: { name: 'failback-api-tokens', key: 'tokens.json' } },
    });
    expect(api.spec.template.spec.containers[0].readinessProbe.httpGet.path).toBe('/readyz');
  }, 300_000);

  it('carries deploy/monitoring’s alert rules and dashboard as they are', () => {
    const { docs } = render(VALUE_SETS.profileAndMonitoring!);
    const rules = byKind(docs, 'PrometheusRule');
    expect(rules.spec).toEqual(
      parse(readFileSync(path.join(REPO_ROOT, 'deploy/monitoring/alerts.yaml'), 'utf8')),
    );
    const dashboard = byKind(docs, 'ConfigMap', '-dashboard');
    expect(JSON.parse(dashboard.data['failback-orchestrator.json'])).toEqual(
      JSON.parse(readFileSync(path.join(REPO_ROOT, 'deploy/monitoring/grafana-dashboard.json'), 'utf8')),
    );
    const monitor = byKind(docs, 'ServiceMonitor');
    expect(monitor.spec.endpoints.map((e: any) => e.relabelings[0].replacement)).toEqual([
      'failback-api',
      'failback-worker',
    ]);
  }, 300_000);

  it('is refused when a required secret is missing, and the validator refuses an unknown field', () => {
    const missing = exec(helm(), [
      'template',
      'fb',
      CHART,
      '--kube-version',
      KUBE,
      '--set',
      'temporal.tls.enabled=true',
    ]);
    expect(missing.code).not.toBe(0);
    expect(missing.out).toContain('temporal.tls.existingSecret is required');
    const { docs } = render([]);
    const broken = structuredClone(byKind(docs, 'Deployment', '-worker'));
    broken.spec.template.spec.containers[0].livenessProbe.httpGett = { path: '/' };
    const file = path.join(dir, 'broken.yaml');
    writeFileSync(file, JSON.stringify(broken));
    expect(exec(validator(), ['--strict', '-k', KUBE, file]).code).not.toBe(0);
  }, 300_000);
});
