import type { DemoConnection } from './connection.js';

export type Role = 'viewer' | 'operator' | 'approver';

/** The HTTP API as the demo's three people use it: each call with the token of the role it needs. */
export class DemoApi {
  constructor(private readonly connection: DemoConnection) {}

  async call<T>(role: Role, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.connection.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.connection.tokens[role]}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) {
      let detail = text;
      try {
        const problem = JSON.parse(text) as { detail?: string; title?: string; errors?: unknown };
        detail = `${problem.title ?? ''}: ${problem.detail ?? ''}${problem.errors ? ` ${JSON.stringify(problem.errors)}` : ''}`;
      } catch {
        // not a problem document: show it as it came
      }
      throw new Error(`${method} ${path} answered ${response.status} ${detail}`);
    }
    return (response.headers.get('content-type') ?? '').includes('json')
      ? (JSON.parse(text) as T)
      : (text as T);
  }
}
