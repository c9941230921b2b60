import { loadClientConnectConfig } from '@temporalio/envconfig';
import type { TLSConfig } from '@temporalio/client';

/**
 * How the worker, the API and the scripts reach Temporal: the SDK's own environment configuration
 * (@temporalio/envconfig), the convention the Temporal CLI shares. A profile of the TOML file
 * (TEMPORAL_CONFIG_FILE, else ~/.config/temporalio/temporal.toml; TEMPORAL_PROFILE picks one,
 * `default` otherwise), overridden by TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 * TEMPORAL_TLS, TEMPORAL_TLS_CLIENT_CERT_PATH / _DATA, TEMPORAL_TLS_CLIENT_KEY_PATH / _DATA,
 * TEMPORAL_TLS_SERVER_CA_CERT_PATH / _DATA, TEMPORAL_TLS_SERVER_NAME and TEMPORAL_GRPC_META_*.
 * An API key turns TLS on by itself (Temporal Cloud).
 */
export interface TemporalConnectionSettings {
  address: string;
  namespace: string;
  /** true: TLS with the system's roots; an object: CA, client certificate pair, server name. */
  tls?: TLSConfig | boolean;
  apiKey?: string;
  /** gRPC metadata sent with every call (TEMPORAL_GRPC_META_<NAME>). */
  metadata?: Record<string, string>;
  /** For logs: the profile used and whether it is TLS, mTLS, API key; never a secret. */
  describe: string;
}

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';

type Env = Record<string, string | undefined>;

export function temporalConnectionSettings(env: Env): TemporalConnectionSettings {
  const defined = Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== '',
    ),
  );
  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: defined });
  } catch (error) {
    throw new Error(
      `TEMPORAL_* / the Temporal profile file cannot be used: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  const { connectionOptions } = loaded;
  const tls = asBuffers(connectionOptions.tls ?? undefined);
  const apiKey = typeof connectionOptions.apiKey === 'string' ? connectionOptions.apiKey : undefined;
  // envconfig reads metadata from text (TEMPORAL_GRPC_META_*, the profile): strings only.
  const metadata = connectionOptions.metadata as Record<string, string> | undefined;
  const address = connectionOptions.address || DEFAULT_TEMPORAL_ADDRESS;
  const mtls = typeof tls === 'object' && tls.clientCertPair !== undefined;
  const security = [tls ? (mtls ? 'mTLS' : 'TLS') : 'plaintext', ...(apiKey ? ['API key'] : [])].join(' + ');
  const profile = defined.TEMPORAL_PROFILE ?? 'default';
  return {
    address,
    namespace: loaded.namespace || 'default',
    ...(tls !== undefined && tls !== false ? { tls } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(metadata && Object.keys(metadata).length ? { metadata } : {}),
    describe: `${address} (${security}; profile ${profile})`,
  };
}

/** envconfig reads files as Uint8Array; both connection kinds are typed (and tested) with Buffers. */
function asBuffers(tls: TLSConfig | boolean | undefined): TLSConfig | boolean | undefined {
  if (typeof tls !== 'object') return tls;
  const buffer = (data: Uint8Array | undefined) => (data ? Buffer.from(data) : undefined);
  const ca = buffer(tls.serverRootCACertificate);
  const pair = tls.clientCertPair;
  return {
    ...(tls.serverNameOverride ? { serverNameOverride: tls.serverNameOverride } : {}),
    ...(ca ? { serverRootCACertificate: ca } : {}),
    ...(pair ? { clientCertPair: { crt: Buffer.from(pair.crt), key: Buffer.from(pair.key) } } : {}),
  };
}

/** The options both connection kinds (client Connection, worker NativeConnection) take. */
export function connectionOptions(
  settings: Pick<TemporalConnectionSettings, 'address' | 'tls' | 'apiKey' | 'metadata'>,
) {
  return {
    address: settings.address,
    ...(settings.tls !== undefined ? { tls: settings.tls } : {}),
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
    ...(settings.metadata ? { metadata: settings.metadata } : {}),
  };
}
