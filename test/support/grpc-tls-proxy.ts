import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import type { Pem } from './certificates.js';

export interface GrpcTlsProxyOptions {
  /** The plaintext Temporal frontend behind the proxy (host:port). */
  upstream: string;
  server: Pem;
  /** The CA whose client certificates are accepted; every connection must present one (mTLS). */
  clientCa: string;
  /** When set, every call must carry `authorization: Bearer <apiKey>`, as Temporal Cloud checks. */
  apiKey?: string;
}

export interface GrpcTlsProxy {
  /** 127.0.0.1:<port> */
  address: string;
  /** gRPC calls forwarded, and refused for a missing or wrong API key. */
  counts: { forwarded: number; unauthenticated: number };
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);

/**
 * A TLS-terminating gRPC proxy in front of the dev server, which has no TLS of its own: what a secured
 * cluster or Temporal Cloud looks like to a client — a server certificate to verify, a client
 * certificate required, an API key checked per call. HTTP/2 streams are forwarded as they are
 * (headers, data, trailers), so every Temporal call, long polls included, works through it.
 */
export async function startGrpcTlsProxy(options: GrpcTlsProxyOptions): Promise<GrpcTlsProxy> {
  const upstream = http2.connect(`http://${options.upstream}`);
  upstream.on('error', () => undefined);
  const counts = { forwarded: 0, unauthenticated: 0 };
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createSecureServer({
    key: options.server.key,
    cert: options.server.cert,
    ca: options.clientCa,
    requestCert: true,
    rejectUnauthorized: true,
    ALPNProtocols: ['h2'],
  });
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', () => undefined);
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    if (options.apiKey !== undefined && headers.authorization !== `Bearer ${options.apiKey}`) {
      counts.unauthenticated++;
      stream.respond(
        {
          ':status': 200,
          'content-type': 'application/grpc',
          'grpc-status': '16',
          'grpc-message': 'missing or wrong API key',
        },
        { endStream: true },
      );
      return;
    }
    counts.forwarded++;
    const forwarded: http2.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(headers)) {
      if (HOP_BY_HOP.has(name) || name === ':scheme' || name === 'authorization') continue;
      forwarded[name] = value;
    }
    const request = upstream.request(forwarded, { endStream: false });
    request.on('error', () => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
    let trailers: http2.IncomingHttpHeaders = {};
    request.on('trailers', (t) => (trailers = t));
    request.on('response', (responseHeaders, flags) => {
      const head = Object.fromEntries(Object.entries(responseHeaders).filter(([n]) => !HOP_BY_HOP.has(n)));
      if (flags & http2.constants.NGHTTP2_FLAG_END_STREAM) {
        stream.respond(head, { endStream: true });
        return;
      }
      stream.respond(head, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers(strip(trailers)));
      request.pipe(stream);
    });
    stream.pipe(request);
    stream.on('close', () => {
      if (!request.closed) request.close(http2.constants.NGHTTP2_CANCEL);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    counts,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Long polls keep sessions open: end them so close() resolves.
        for (const session of sessions) session.destroy();
      });
      upstream.destroy();
    },
  };

  function strip(t: http2.IncomingHttpHeaders): http2.OutgoingHttpHeaders {
    return Object.fromEntries(Object.entries(t).filter(([n]) => !n.startsWith(':')));
  }
}
