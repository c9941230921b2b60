import { TOKENS, type TokenName } from '../../support/api.js';

export interface HttpResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
}

/** The HTTP API over a real loopback socket, with the role tokens of test/support/api.ts. */
export class HttpApi {
  constructor(readonly baseUrl: string) {}

  async request<T = unknown>(
    who: TokenName,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<HttpResponse<T>> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${TOKENS[who].token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json')) parsed = JSON.parse(text);
    return { status: response.status, body: parsed as T, text };
  }

  /** A request that must answer `status`; throws with the problem document otherwise. */
  async expect<T = unknown>(
    status: number,
    who: TokenName,
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const response = await this.request<T>(who, method, path, body);
    if (response.status !== status) {
      throw new Error(`${method} ${path}: expected ${status}, got ${response.status}: ${response.text}`);
    }
    return response.body;
  }
}
