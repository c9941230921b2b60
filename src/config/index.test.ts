import { describe, expect, it } from 'vitest';
import { loadConfig } from './index.js';

describe('loadConfig', () => {
  it('defaults to the local stack of npm start', () => {
    const config = loadConfig({});
    expect(config.temporal).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
      taskQueue: 'failback',
    });
    expect(config.api).toEqual({ host: '127.0.0.1', port: 8080 });
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
    expect(config.api).toEqual({ host: '0.0.0.0', port: 9000 });
    expect(config.aws.endpointUrl).toBe('http://127.0.0.1:4566');
    expect(config.log.pretty).toBe(false);
  });

  it('rejects a port that is not a port', () => {
    expect(() => loadConfig({ FAILBACK_API_PORT: 'http' })).toThrow(/FAILBACK_API_PORT/);
    expect(() => loadConfig({ FAILBACK_API_PORT: '70000' })).toThrow(/FAILBACK_API_PORT/);
  });
});
