import { describe, expect, it } from 'vitest';
import { loadConfig, requireApiTokens } from './index.js';

describe('loadConfig', () => {
  it('defaults to the local stack of npm start', () => {
    const config = loadConfig({});
    expect(config.temporal).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'failback',
      describe: '127.0.0.1:7233 (plaintext; profile default)',
    });
    expect(config.api).toEqual({ host: '127.0.0.1', port: 8080, tokens: undefined });
    expect(config.worker.metricsPort).toBe(9464);
    expect(config.aws.endpointUrl).toBeUndefined();
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'dr',
      FAILBACK_API_HOST: '0.0.0.0',
      FAILBACK_API_PORT: '9000',
      AWS_ENDPOINT_URL: 'http://127.0.0.1:4566',
      FAILBACK_LOG_PRETTY: 'false',
    });
    expect(config.temporal.address).toBe('temporal:7233');
    expect(config.temporal.namespace).toBe('dr');
    expect(config.api).toMatchObject({ host: '0.0.0.0', port: 9000 });
    expect(config.aws.endpointUrl).toBe('http://127.0.0.1:4566');
    expect(config.log.pretty).toBe(false);
  });

  it('rejects a port that is not a port', () => {
    expect(() => loadConfig({ FAILBACK_API_PORT: 'http' })).toThrow(/FAILBACK_API_PORT/);
    expect(() => loadConfig({ FAILBACK_API_PORT: '70000' })).toThrow(/FAILBACK_API_PORT/);
  });

  it('passes a scaled clock on to plans, and refuses a nonsense scale', () => {
    expect(loadConfig({}).plans.timeScale).toBeUndefined();
    expect(loadConfig({ FAILBACK_TIME_SCALE: '0.001' }).plans.timeScale).toBe(0.001);
    expect(loadConfig({ FAILBACK_TIME_SCALE: '1' }).plans.timeScale).toBeUndefined();
    expect(() => loadConfig({ FAILBACK_TIME_SCALE: 'fast' })).toThrow(/FAILBACK_TIME_SCALE/);
  });

  it('turns the worker metrics endpoint off with port 0', () => {
    expect(loadConfig({ FAILBACK_WORKER_METRICS_PORT: '0' }).worker.metricsPort).toBeUndefined();
    expect(loadConfig({ FAILBACK_WORKER_METRICS_PORT: '9100' }).worker.metricsPort).toBe(9100);
  });

  it('runs up to 1,000 activities at once unless told otherwise, and refuses nonsense', () => {
    expect(loadConfig({}).worker.maxConcurrentActivities).toBe(1000);
    expect(loadConfig({ FAILBACK_WORKER_MAX_ACTIVITIES: '200' }).worker.maxConcurrentActivities).toBe(200);
    expect(() => loadConfig({ FAILBACK_WORKER_MAX_ACTIVITIES: '0' })).toThrow(
      /FAILBACK_WORKER_MAX_ACTIVITIES/,
    );
    expect(() => loadConfig({ FAILBACK_WORKER_MAX_ACTIVITIES: 'many' })).toThrow(/at least 1/);
  });

  it('uses a prebuilt workflow bundle only when one is named', () => {
    expect(loadConfig({}).worker.workflowBundlePath).toBeUndefined();
    expect(loadConfig({ FAILBACK_WORKFLOW_BUNDLE: '/b/workflows.js' }).worker.workflowBundlePath).toBe(
      '/b/workflows.js',
    );
  });
});

describe('FAILBACK_API_TOKENS', () => {
  const token = (name: string, roles: unknown[], secret = `${name}-secret-0123456789`) => ({
    token: secret,
    name,
    roles,
  });

  it('parses tokens with their roles', () => {
    const config = loadConfig({
      FAILBACK_API_TOKENS: JSON.stringify([
        token('alice', ['operator', 'approver']),
        token('bob', ['viewer']),
      ]),
    });
    expect(config.api.tokens).toEqual([
      { token: 'alice-secret-0123456789', name: 'alice', roles: ['operator', 'approver'] },
      { token: 'bob-secret-0123456789', name: 'bob', roles: ['viewer'] },
    ]);
    expect(requireApiTokens(config)).toHaveLength(2);
  });

  it('refuses to start the API without tokens, saying how to give them', () => {
    expect(() => requireApiTokens(loadConfig({}))).toThrow(
      /FAILBACK_API_TOKENS is not set.*roles: viewer, operator, approver/,
    );
  });

  it('says what is not JSON', () => {
    expect(() => loadConfig({ FAILBACK_API_TOKENS: '[{token:' })).toThrow(
      /FAILBACK_API_TOKENS is not valid JSON/,
    );
    expect(() => loadConfig({ FAILBACK_API_TOKENS: '{}' })).toThrow(/non-empty JSON array/);
    expect(() => loadConfig({ FAILBACK_API_TOKENS: '[]' })).toThrow(/non-empty JSON array/);
  });

  it('lists every problem of every entry', () => {
    const raw = JSON.stringify([
      token('alice', ['admin']),
      token('alice', ['viewer'], 'another-secret-0123456789'),
      { token: 'short', name: 'carol', roles: [] },
      { ...token('dave', ['viewer']), by: 'x' },
      token('erin', ['viewer'], 'alice-secret-0123456789'),
      'nope',
    ]);
    let message = '';
    try {
      loadConfig({ FAILBACK_API_TOKENS: raw });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("entry 0 (alice): unknown role 'admin'");
    expect(message).toContain("entry 1 (alice): name 'alice' is used twice");
    expect(message).toContain('entry 2 (carol): token must be at least 16 characters');
    expect(message).toContain('entry 2 (carol): roles must list at least one of viewer, operator, approver');
    expect(message).toContain("entry 3 (dave): unknown field 'by'");
    expect(message).toContain('entry 5 is not an object');
  });

  it('rejects the same secret under two names', () => {
    const raw = JSON.stringify([
      token('alice', ['viewer']),
      token('bob', ['viewer'], 'alice-secret-0123456789'),
    ]);
    expect(() => loadConfig({ FAILBACK_API_TOKENS: raw })).toThrow(
      /entry 1 \(bob\): the same token is given twice/,
    );
  });
});
