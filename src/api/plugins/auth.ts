import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ApiRole, ApiToken } from '../../config/index.js';
import { problems } from './problems.js';

/** Who is calling: the token's name is the identity every audited action records as `by`. */
export interface Identity {
  name: string;
  roles: readonly ApiRole[];
}

declare module 'fastify' {
  interface FastifyRequest {
    identity: Identity | null;
  }
  interface FastifyContextConfig {
    /** The role a route needs; routes without one (health, metrics, docs) are public. */
    role?: ApiRole;
  }
}

/** An approver or operator may also view; otherwise each role is its own. */
export function hasRole(identity: Identity, role: ApiRole): boolean {
  return role === 'viewer' ? identity.roles.length > 0 : identity.roles.includes(role);
}

const digest = (value: string) => createHash('sha256').update(value).digest();

export interface AuthOptions {
  tokens: readonly ApiToken[];
}

/** `Authorization: Bearer <token>` with tokens from FAILBACK_API_TOKENS: 401 without, 403 for a missing role. */
async function authPlugin(app: FastifyInstance, options: AuthOptions): Promise<void> {
  // Compared digest against digest in constant time, and against every token, so timing tells nothing.
  const known = options.tokens.map((t) => ({
    digest: digest(t.token),
    identity: { name: t.name, roles: t.roles },
  }));

  function identify(request: FastifyRequest): Identity {
    const header = request.headers.authorization;
    if (!header) throw problems.unauthorized('send Authorization: Bearer <token>', false);
    const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
    if (!match) throw problems.unauthorized('the Authorization header must be: Bearer <token>', true);
    const presented = digest(match[1]!);
    let found: Identity | null = null;
    for (const candidate of known)
      if (timingSafeEqual(candidate.digest, presented)) found = candidate.identity;
    if (!found) throw problems.unauthorized('unknown or revoked token', true);
    return found;
  }

  app.decorateRequest('identity', null);
  app.addHook('onRequest', async (request) => {
    const role = request.routeOptions.config?.role;
    if (!role) return;
    const identity = identify(request);
    request.identity = identity;
    request.log = request.log.child({ by: identity.name });
    if (!hasRole(identity, role)) {
      throw problems.forbidden(
        `this needs the ${role} role; token ${identity.name} has ${identity.roles.join(', ')}`,
      );
    }
  });
}

export default fp(authPlugin, { name: 'auth' });

/** The caller's identity in a route that declared a role (the hook has checked it). */
export function callerName(request: FastifyRequest): string {
  if (!request.identity) throw new Error('callerName() in a route without a role');
  return request.identity.name;
}
