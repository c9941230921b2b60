import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionOptions, temporalConnectionSettings } from './temporal-connection.js';

const dir = mkdtempSync(path.join(tmpdir(), 'envconfig-'));
const file = (name: string, content: string) => {
  const full = path.join(dir, name);
  writeFileSync(full, content);
  return full;
};
// No profile file of the machine's user may leak into these cases.
const isolated = { HOME: dir, XDG_CONFIG_HOME: dir };

describe('the Temporal connection (envconfig)', () => {
  it('is plaintext to 127.0.0.1:7233, namespace default, when nothing is set', () => {
    expect(temporalConnectionSettings(isolated)).toEqual({
      address: '127.0.0.1:7233',
      namespace: 'default',
      describe: '127.0.0.1:7233 (plaintext; profile default)',
    });
  });

  it('takes Temporal Cloud’s API key from TEMPORAL_API_KEY: TLS on, the key never in the description', () => {
    const settings = temporalConnectionSettings({
      ...isolated,
      TEMPORAL_ADDRESS: 'us-east-1.aws.api.temporal.io:7233',
      TEMPORAL_NAMESPACE: 'dr.a1b2c',
      TEMPORAL_API_KEY: 'key-123',
    });
    expect(settings).toMatchObject({
      address: 'us-east-1.aws.api.temporal.io:7233',
      namespace: 'dr.a1b2c',
      apiKey: 'key-123',
      tls: true,
    });
    expect(settings.describe).toBe('us-east-1.aws.api.temporal.io:7233 (TLS + API key; profile default)');
    expect(connectionOptions(settings)).toEqual({
      address: 'us-east-1.aws.api.temporal.io:7233',
      apiKey: 'key-123',
      tls: true,
    });
  });

  it('reads a profile of the file the temporal CLI shares, the environment overriding it', () => {
    const crt = file('client.pem', 'CERT');
    const key = file('client.key', 'KEY');
    const ca = file('ca.pem', 'CA');
    const config = file(
      'temporal.toml',
      [
        '[profile.default]',
        'address = "localhost:7233"',
        '[profile.prod]',
        'address = "temporal.internal:7233"',
        'namespace = "failback-prod"',
        '[profile.prod.tls]',
        `client_cert_path = "${crt}"`,
        `client_key_path = "${key}"`,
        `server_ca_cert_path = "${ca}"`,
        'server_name = "temporal.internal"',
        '[profile.prod.grpc_meta]',
        'x-team = "dr"',
      ].join('\n'),
    );
    const env = { ...isolated, TEMPORAL_CONFIG_FILE: config, TEMPORAL_PROFILE: 'prod' };
    const settings = temporalConnectionSettings(env);
    expect(settings).toMatchObject({
      address: 'temporal.internal:7233',
      namespace: 'failback-prod',
      metadata: { 'x-team': 'dr' },
      tls: {
        serverNameOverride: 'temporal.internal',
        serverRootCACertificate: Buffer.from('CA'),
        clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
      },
    });
    expect(settings.describe).toBe('temporal.internal:7233 (mTLS; profile prod)');
    expect(temporalConnectionSettings({ ...env, TEMPORAL_NAMESPACE: 'other' }).namespace).toBe('other');
    expect(temporalConnectionSettings({ ...env, TEMPORAL_PROFILE: '' }).address).toBe('localhost:7233');
  });

  it('says which variable or file is wrong when it cannot be used', () => {
    expect(() =>
      temporalConnectionSettings({
        ...isolated,
        TEMPORAL_TLS_CLIENT_CERT_PATH: path.join(dir, 'missing.pem'),
      }),
    ).toThrow(/TEMPORAL_\* \/ the Temporal profile file cannot be used/);
  });
});
